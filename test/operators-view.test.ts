import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { WorkerOptions } from '@temporalio/worker';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { EncryptionCodec, ENCRYPTED_ENCODING } from '../codec/encryption-codec';
import { PayloadKeys } from '../codec/payload-keys';
import { findTemporalCli } from '../dev/temporal-cli';
import { DEFAULT_POLICY, type Policy } from '../domain/pipeline';
import { noteWorkflowId } from '../workflows';
import { NOTE_SEARCH_ATTRIBUTE_KEYS, NoteStageKey, NoteStatusKey } from '../workflows/search-attributes';
import { eventually } from './support/poll';
import { completeContent, newPartner } from './support/notes';
import { runEnv } from './support/run-env';
import { TEST_PAYLOAD_KEYS, useStack } from './support/stack';
import { spawnWorker } from './support/worker-process';

/** Content that must never reach Temporal in a readable form, codec or not. */
const SECRET = {
  interest: 'Secret interest: the northern corridor sensors',
  weighing: 'Secret weighing about the liaison officer',
  mitigations: 'Secret mitigation: no exchange on the corridor',
  comment: 'Secret comment naming the liaison officer',
};
/** A failure's message: encrypted like any payload, so readable with the codec and without it not at all. */
const FAILURE = 'Detail of a failing mail server';
/** The permitted forms are content too: the workflow holds only whether one needs the minister. */
const FORMS = ['evaluated_intelligence_exchange', 'unevaluated_data_provision'] as const;

let failNextDelivery = false;
/** Fails one delivery attempt with a message that must not be readable in the history (a failure is encrypted too). */
const failOnce: NonNullable<WorkerOptions['interceptors']>['activity'] = [
  (ctx) => ({
    inbound: {
      async execute(input, next) {
        if (failNextDelivery && ctx.info.activityType === 'deliverNotifications') {
          failNextDelivery = false;
          throw new Error(FAILURE);
        }
        return next(input);
      },
    },
  }),
];

/**
 * Seconds where production has days, for the minister's stage and the review date only: the walk
 * through every stage passes the minister at once, a note left there is overdue after 2 s, reminded
 * every second and escalated after its first reminder; a note adopted without a review date of its
 * own is reminded of it 2 s later and re-assessed 4 s after adoption.
 */
const POLICY: Policy = {
  ...DEFAULT_POLICY,
  stageDueMs: { ...DEFAULT_POLICY.stageDueMs, MINISTER: 2_000 },
  reminderIntervalMs: 1_000,
  escalateAfterReminders: 1,
  reviewPeriodMs: 4_000,
  reviewCadence: { high: 4_000, medium: 4_000, low: 4_000, priority1MaxMs: 4_000 },
  reviewReminderLeadMs: 2_000,
};

const suite = useStack({ listen: true, interceptors: { activity: failOnce }, policy: POLICY });
const codec = new EncryptionCodec(PayloadKeys.parse(TEST_PAYLOAD_KEYS));
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

interface Found {
  path: string[];
  payload: Payload;
}

/** Every payload in a history, with where it sits (search attributes are payloads too, kept plain). */
function payloadsIn(value: unknown, path: string[] = []): Found[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') return [{ path, payload: record as Payload }];
  return Object.entries(record).flatMap(([key, child]) => payloadsIn(child, [...path, key]));
}

/** The SDK's own framing of its markers (a patch's id, a local activity's sequence and timing): written plain by the SDK, naming no data. */
const SDK_FRAMING = new Set(['id', 'deprecated', 'seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'seconds', 'nanos', 'backoff', 'original_schedule_time']);
const SUMMARY = /^"Weighing note WN-[0-9A-F]{8} \(note [0-9a-f-]{36}, partner [0-9a-f-]{36}\)"$/;

/** What a payload is, by where it sits: only our own data must be encrypted; the rest is checked for what it may say. */
function kindOf({ path, payload }: Found): 'search attribute' | 'summary' | 'marker framing' | 'data' {
  if (path.includes('indexedFields')) return 'search attribute';
  if (path.includes('userMetadata')) return 'summary';
  const at = path.indexOf('markerRecordedEventAttributes');
  if (at >= 0 && ['patch-data', 'data'].includes(path[at + 2]!) && text(payload.metadata?.encoding) === 'json/plain') return 'marker framing';
  return 'data';
}

/** Every payload in the CLI's JSON output: metadata and data in base64. */
function payloadsInJson(value: unknown): { metadata: Record<string, string>; data?: string }[] {
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'data' in record) return [record as { metadata: Record<string, string>; data?: string }];
  return Object.values(record).flatMap(payloadsInJson);
}

/** Every failure in a history: their message and stack travel as an encoded payload. */
function failuresIn(value: unknown): { message?: string | null; encodedAttributes?: Payload | null }[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  const here = 'encodedAttributes' in record || ('message' in record && 'stackTrace' in record) ? [record as { message?: string }] : [];
  return [...here, ...Object.values(record).flatMap(failuresIn)];
}

/** Keys and string values of decoded JSON, to compare with what the workflow may hold. */
function keysAndStrings(value: unknown, keys = new Set<string>(), strings: string[] = []): { keys: Set<string>; strings: string[] } {
  if (typeof value === 'string') strings.push(value);
  else if (Array.isArray(value)) value.forEach((v) => keysAndStrings(v, keys, strings));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      keys.add(key);
      keysAndStrings(child, keys, strings);
    }
  }
  return { keys, strings };
}

/** References, stages, decisions, hashes and deadlines, and how a run and its messages are framed: all a workflow payload may name. */
const ALLOWED_KEYS = new Set([
  // the note's state and its facts
  'state', 'historyLimit', 'noteId', 'partnerId', 'drafterId', 'supersedes', 'status', 'stage', 'current', 'revision', 'contentSha256', 'authorId',
  'overallRisk', 'ministerialForms', 'reviewDate', 'changesRequestedOn', 'version', 'decisions', 'stageDueAt', 'remindersSent', 'escalated',
  'adoptedAt', 'reviewDueAt', 'reviewReminderSent', 'reassessment', 'supersededBy', 'lastNudgeAt', 'reviewDueHandled', 'partnerPriority',
  // decisions and requests
  'decisionId', 'actorId', 'outcome', 'at', 'actor', 'id', 'roles', 'eventId', 'facts', 'action', 'ref', 'decision', 'byNoteId',
  // the policy each note carries
  'policy', 'quorum', 'default', 'legalHighRisk', 'stageDueMs', 'TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE', 'MINISTER', 'reminderIntervalMs',
  'escalateAfterReminders', 'escalationRole', 'reviewPeriodMs', 'reviewReminderLeadMs', 'reviewCadence', 'high', 'medium', 'low', 'priority1MaxMs', 'conditionDueMs',
  // the tracking of its conditions, started at adoption: their policy, and no conditions yet
  'dueMs', 'items',
  // activity results and failures
  'sent', 'failed', 'skipped', 'message', 'stack_trace',
]);

const handleOf = (noteId: string) => suite.stack.client.workflow.getHandle(noteWorkflowId(noteId));
const ref = (noteId: string) => `WN-${noteId.slice(0, 8).toUpperCase()}`;
/** The execution's current details, as the Temporal UI asks for them (decoded through the client's codec). */
const currentDetails = async (noteId: string) => (await handleOf(noteId).query(workflowMetadataQuery)).currentDetails;

/** What each timer in a note's history waits for: its summary, decoded with the key. */
async function timerSummaries(noteId: string): Promise<Set<string>> {
  const { events } = await handleOf(noteId).fetchHistory();
  const sealed = (events ?? []).filter((e) => e.timerStartedEventAttributes).map((e) => e.userMetadata?.summary as Payload);
  return new Set((await codec.decode(sealed)).map((p) => defaultPayloadConverter.fromPayload<string>(p)));
}

async function walkThroughEveryStage(): Promise<string> {
  const id = await suite.http.createNote(
    'anna.devries',
    completeContent({ nationalSecurityInterest: SECRET.interest, weighing: SECRET.weighing, mitigations: SECRET.mitigations, overallRisk: 'high', permittedCooperation: [...FORMS] }),
  );
  await suite.http.submit('anna.devries', id);
  expect((await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: SECRET.comment })).statusCode).toBe(200);
  const revised = await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: `${SECRET.weighing} (revised)`, overallRisk: 'high', permittedCooperation: [...FORMS] }) });
  expect(revised.statusCode).toBe(200);
  failNextDelivery = true;
  await suite.http.submit('anna.devries', id, 2);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'eva.smit', 'gert.mulder', 'hanna.deboer']) {
    expect((await suite.http.decide(reviewer, id, 'approve', 2, { comment: SECRET.comment })).statusCode).toBe(200);
  }
  // The adoption mail goes out after the failed attempt's retry: the history then holds that failure.
  await eventually(async () => (!failNextDelivery && suite.stack.mail.messages().some((m) => m.subject === `Adopted: weighing note ${ref(id)}`) ? true : undefined), 'the adoption mail, after a failed attempt');
  const note = await suite.http.note('ivo.peters', id);
  expect(note.json()).toMatchObject({ status: 'ACTIVE', reachedStages: ['TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE', 'MINISTER'] });
  return id;
}

describe('what operators see in Temporal', () => {
  let noteId: string;
  beforeAll(async () => {
    noteId = await walkThroughEveryStage();
  });

  it('finds notes by stage, partner and overall risk through a visibility query', async () => {
    const partnerId = (await newPartner(suite.stack.sql)).id;
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }), partnerId);
    await suite.http.submit('anna.devries', id);
    const query = `NoteStage = 'TEAM_REVIEW' AND PartnerId = '${partnerId}' AND OverallRisk = 'high' AND NoteStatus = 'IN_REVIEW'`;
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const execution of suite.stack.client.workflow.list({ query })) ids.push(execution.workflowId);
      return ids.includes(noteWorkflowId(id)) ? ids : undefined;
    }, 'the note in a visibility query');
    expect(found).toContain(noteWorkflowId(id));
    const description = await suite.stack.client.workflow.getHandle(noteWorkflowId(id)).describe();
    expect(description.typedSearchAttributes.get({ name: 'StageDueTime', type: 'DATETIME' } as never)).toBeInstanceOf(Date);
    // Due in days: not overdue, so the details say where it stands and by when, nothing more.
    expect(await currentDetails(id)).toMatch(/^IN_REVIEW at TEAM_REVIEW \(0\/1 approvals, due \d{4}-\d\d-\d\dT[\d:.]+Z\), revision 1$/);
  });

  it('holds one timer per deadline: the execution waking for the mail after a transition keeps the stage’s timer running', async () => {
    const id = await suite.http.createNote('anna.devries');
    const handle = handleOf(id);
    /** Once the execution is at rest: the timers it started and cancelled. */
    const timers = () =>
      eventually(async () => {
        const { raw } = await handle.describe();
        if (raw.pendingWorkflowTask || raw.pendingActivities?.length) return undefined;
        const { events } = await handle.fetchHistory();
        return [events!.filter((e) => e.timerStartedEventAttributes).length, events!.filter((e) => e.timerCanceledEventAttributes).length];
      }, 'the execution at rest');
    await suite.http.submit('anna.devries', id);
    // Team review's deadline, started as the submission was accepted, then the mail: still the one timer.
    await eventually(async () => suite.stack.mail.messages().some((m) => m.subject.includes(ref(id))) || undefined, 'the submission’s mail');
    expect(await timers()).toEqual([1, 0]);
    // Legal review's deadline replaces it: the one moved deadline is the one cancel.
    expect((await suite.http.decide('carla.bakker', id, 'approve', 1)).statusCode).toBe(200);
    expect(await timers()).toEqual([2, 1]);
  });

  it('names the note’s reference beside its ids in the execution’s summary, and what falls due in each timer’s', async () => {
    const { partnerId } = (await suite.http.note('ivo.peters', noteId)).json<{ partnerId: string }>();
    expect(await (await handleOf(noteId).describe()).staticSummary()).toBe(`Weighing note ${ref(noteId)} (note ${noteId}, partner ${partnerId})`);
    // Each stage's due time, and once adopted the reminder of its review date (years ahead): no content.
    expect([...(await timerSummaries(noteId))]).toEqual(
      expect.arrayContaining(['team review due', 'legal review due', 'head of service review due', 'minister review due', 'review date reminder']),
    );
  });

  it('shows a stage or nothing as NoteStage, and in the details when a stage is overdue, its reminders and its escalation', async () => {
    const partnerId = (await newPartner(suite.stack.sql)).id;
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high', reviewDate: null }), partnerId);
    const attributes = async () => (await handleOf(id).describe()).typedSearchAttributes;
    // A draft has no stage: NoteStage is absent, not the status.
    const draft = await eventually(async () => ((await attributes()).get(NoteStatusKey) === 'DRAFT' ? attributes() : undefined), 'the draft described');
    expect(draft.get(NoteStageKey)).toBeUndefined();
    await suite.http.submit('anna.devries', id);
    for (const reviewer of ['carla.bakker', 'daan.visser', 'eva.smit', 'gert.mulder']) expect((await suite.http.decide(reviewer, id, 'approve')).statusCode).toBe(200);
    expect((await attributes()).get(NoteStageKey)).toBe('MINISTER');

    // Left at the minister's stage past its due time (2 s): reminded, escalated after the first reminder, reminded again.
    const late = await eventually(async () => {
      const details = await currentDetails(id);
      return details?.includes('escalated') && !details.includes(', 1 reminder sent') ? details : undefined;
    }, 'the stage overdue and escalated in the details');
    expect(late).toMatch(/^IN_REVIEW at MINISTER \(0\/1 approvals, due [^,]+, overdue, \d+ reminders sent, escalated\), revision 1$/);
    // Each named timer in the history. A nudge already due when its turn comes is sent without a timer,
    // as on a starved machine (an under-load run): the first timer named for a reminder may come later.
    const named = ['minister review due', 'escalation of minister review', 'minister review reminder'];
    await eventually(async () => {
      const summaries = await timerSummaries(id);
      return named.every((name) => summaries.has(name)) || undefined;
    }, 'the minister stage’s timers named');

    // Adopted: no stage open, so NoteStage is gone; its review date reminds, then starts a re-assessment.
    expect((await suite.http.decide('hanna.deboer', id, 'approve')).statusCode).toBe(200);
    expect((await attributes()).get(NoteStatusKey)).toBe('ACTIVE');
    expect((await attributes()).get(NoteStageKey)).toBeUndefined();
    expect(await currentDetails(id)).toBe('ACTIVE, revision 1');
    const reassessment = await eventually(async () => (await suite.http.note('ivo.peters', id)).json<{ reassessment: string | null }>().reassessment ?? undefined, 'the re-assessment at the review date');
    expect([...(await timerSummaries(id))]).toEqual(expect.arrayContaining(['review date reminder', 'review date']));
    // The workflow starts the re-assessment's execution, with a summary of the same form.
    expect(await (await handleOf(reassessment).describe()).staticSummary()).toBe(`Weighing note ${ref(reassessment)} (note ${reassessment}, partner ${partnerId})`);
  });

  it('holds every payload of a note’s whole life encrypted, failures included; only the search attributes stay plain', async () => {
    const history = await suite.stack.client.workflow.getHandle(noteWorkflowId(noteId)).fetchHistory();
    const found = payloadsIn(history);
    const of = (kind: ReturnType<typeof kindOf>) => found.filter((f) => kindOf(f) === kind);
    expect(of('data').length).toBeGreaterThan(20);
    for (const { path, payload } of of('data')) expect([path.join('.'), text(payload.metadata?.encoding)]).toEqual([path.join('.'), ENCRYPTED_ENCODING]);
    // Plain by design: the search attributes API.md names (and the SDK's own patch list), summaries by id, marker framing.
    const attributeNames = new Set(of('search attribute').map(({ path }) => path.at(-1)));
    expect([...attributeNames].sort()).toEqual([...NOTE_SEARCH_ATTRIBUTE_KEYS.map((key) => key.name), 'TemporalChangeVersion'].sort());
    // Summaries (the execution's, its activities' and timers') go through the codec like any payload; one written plain names ids only.
    for (const { payload } of of('summary').filter(({ payload: p }) => text(p.metadata?.encoding) !== ENCRYPTED_ENCODING)) expect(text(payload.data)).toMatch(SUMMARY);
    for (const { payload } of of('marker framing')) expect([...keysAndStrings(JSON.parse(text(payload.data))).keys].filter((key) => !SDK_FRAMING.has(key))).toEqual([]);

    const failures = failuresIn(history);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.message).toBe('Encoded failure');

    const everything = JSON.stringify(history, (_key, value) => (value instanceof Uint8Array ? text(value) : value));
    for (const secret of [...Object.values(SECRET), ...FORMS, FAILURE]) expect(everything).not.toContain(secret);
  });

  it('decoded with the key, holds only references, stages, decisions, hashes and deadlines', async () => {
    const history = await suite.stack.client.workflow.getHandle(noteWorkflowId(noteId)).fetchHistory();
    const sealed = payloadsIn(history).filter((found) => kindOf(found) === 'data');
    const decoded = (await codec.decode(sealed.map((s) => s.payload))).map((p) => defaultPayloadConverter.fromPayload(p));
    const { keys, strings } = keysAndStrings(decoded);
    expect([...keys].filter((key) => !ALLOWED_KEYS.has(key))).toEqual([]);
    expect(keys).toContain('ministerialForms');
    for (const secret of [...Object.values(SECRET), ...FORMS]) expect(strings.join('\n')).not.toContain(secret);
    expect(strings).toContain(noteId);
    expect(strings).toContain(FAILURE);
  });

  it('shows an operator the history decoded on the CLI through the codec endpoint, and encrypted without it', async () => {
    const cli = findTemporalCli()!.path;
    /** The history as the CLI prints it, each payload's encoding and its data as text. */
    const show = async (...extra: string[]) => {
      const args = ['workflow', 'show', '--address', runEnv().TEST_TEMPORAL_ADDRESS, '-w', noteWorkflowId(noteId), '--output', 'json', ...extra];
      const { stdout } = await promisify(execFile)(cli, args, { maxBuffer: 64 * 1024 * 1024 });
      const base64 = (value: unknown) => Buffer.from(String(value ?? ''), 'base64').toString('utf8');
      return payloadsInJson(JSON.parse(stdout)).map(({ metadata, data }) => ({ encoding: base64(metadata.encoding), text: base64(data) }));
    };
    const endpoint = `${suite.stack.config.PUBLIC_BASE_URL}/codec`;

    const decoded = await show('--codec-endpoint', endpoint, '--codec-auth', (await suite.stack.auth('karel.smits')).authorization);
    expect(decoded.filter((p) => p.encoding === ENCRYPTED_ENCODING)).toEqual([]);
    const readable = decoded.map((p) => p.text).join('\n');
    expect(readable).toContain(`"noteId":"${noteId}"`);
    expect(readable).toContain('"ministerialForms":true');
    for (const secret of [...Object.values(SECRET), ...FORMS]) expect(readable).not.toContain(secret);

    const withoutCodec = await show();
    expect(withoutCodec.filter((p) => p.encoding === ENCRYPTED_ENCODING).length).toBeGreaterThan(20);
    expect(withoutCodec.map((p) => p.text).join('\n')).not.toContain('ministerialForms');
  });

  it('answers the stack trace query only from a worker started with WORKFLOW_STACK_TRACES=on, which records a stack for every promise', async () => {
    const id = await suite.http.createNote('anna.devries');
    const stackTrace = () => handleOf(id).query<string>('__stack_trace');
    // Refused; why ("Workflow stack traces are not enabled on this worker") is encrypted, as every failure's
    // message is. The execution answers other queries meanwhile.
    const refused = 'Encoded failure';
    await expect(stackTrace()).rejects.toThrow(refused);
    expect(await currentDetails(id)).toMatch(/^DRAFT/);
    await suite.stack.stopWorker();
    const worker = spawnWorker(suite.stack, { WORKFLOW_STACK_TRACES: 'on' });
    try {
      await worker.ready;
      expect(await stackTrace()).toMatch(/workflows\/[\w-]+\.ts:\d+/);
    } finally {
      await worker.kill();
      await suite.stack.startWorker();
    }
    await expect(stackTrace()).rejects.toThrow(refused);
  }, 60_000);
});
