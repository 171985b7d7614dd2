import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findTemporalCli } from '../dev/temporal-cli';
import { DEFAULT_POLICY, newNoteState, type Policy } from '../domain/pipeline';
import { randomUUID } from 'node:crypto';
import { insertNote } from '../db/notes';
import type { NoteContent } from '../domain/note-content';
import { noteApproval, noteWorkflowId, stateQuery } from '../workflows';
import { eventually } from './support/poll';
import { completeContent } from './support/notes';
import { runEnv } from './support/run-env';
import { useStack } from './support/stack';

/** Seconds where production has days: due after 2 s, a reminder every 1 s, escalation after 2 reminders. */
const FAST: Policy = {
  ...DEFAULT_POLICY,
  stageDueMs: { TEAM_REVIEW: 2_000, LEGAL_REVIEW: 60_000, HEAD_OF_SERVICE: 60_000, MINISTER: 60_000 },
  reminderIntervalMs: 1_000,
  escalateAfterReminders: 2,
  reviewPeriodMs: 4_000,
  reviewCadence: { high: 4_000, medium: 4_000, low: 4_000, priority1MaxMs: 4_000 },
  reviewReminderLeadMs: 2_000,
};

const suite = useStack({ policy: FAST });

const actions = async (noteId: string) =>
  (await suite.stack.sql<{ action: string; actorId: string | null; at: Date; details: { recipients?: string[] } }[]>`
    select action, actor_id, at, details from audit_log where note_id = ${noteId} and action <> 'note.content_read' order by seq`);

async function adopt(id: string, drafter = 'anna.devries') {
  await suite.http.submit(drafter, id);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await suite.http.decide(reviewer, id, 'approve')).statusCode).toBe(200);
}

/**
 * Keeps a finished execution's history as a replay fixture, when asked to (RECORD_HISTORIES=1). The
 * payloads in it are encrypted with the tests' payload key, with which the replay test decodes them.
 */
async function keepHistory(noteId: string, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  // The CLI writes the JSON form that replay reads (historyFromJSON).
  const shown = spawnSync(findTemporalCli()!.path, ['workflow', 'show', '--address', runEnv().TEST_TEMPORAL_ADDRESS, '-w', noteWorkflowId(noteId), '--output', 'json'], { encoding: 'utf8' });
  if (shown.status !== 0) throw new Error(shown.stderr);
  const dir = join(__dirname, 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), shown.stdout);
}

describe('deadlines', () => {
  it('reminds when the stage is due and at each interval, then escalates; after an outage, once, and the escalation if due, without a flood', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    // The worker is down while the stage falls due (2 s) and its escalation would (4 s): the durable
    // timer fires once a worker is back, for one reminder and the escalation, not for every one missed.
    await suite.stack.stopWorker();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await suite.stack.startWorker();
    const seen = await eventually(async () => {
      const rows = await actions(id);
      return rows.filter((r) => r.action === 'note.reminder_sent').length >= 3 ? rows : undefined;
    }, 'three reminders');
    const overdue = seen.filter((r) => r.action === 'note.reminder_sent' || r.action === 'note.escalated');
    expect(overdue.slice(0, 4).map((r) => r.action)).toEqual(['note.reminder_sent', 'note.escalated', 'note.reminder_sent', 'note.reminder_sent']);
    expect(overdue[0]).toMatchObject({ actorId: null, details: { recipients: ['carla.bakker'] } });
    expect(overdue[1]).toMatchObject({ details: { recipients: ['gert.mulder'] } });
    const reminders = overdue.filter((r) => r.action === 'note.reminder_sent').map((r) => r.at.getTime());
    for (let i = 1; i < reminders.length; i += 1) expect(reminders[i]! - reminders[i - 1]!).toBeGreaterThanOrEqual(900);

    const history = (await suite.http.call('ivo.peters', 'GET', `/notes/${id}/history`)).json<{ action: string }[]>();
    expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(['note.reminder_sent', 'note.escalated']));
    await suite.http.call('anna.devries', 'POST', `/notes/${id}/withdraw`, { reason: 'Test over.' });
    await keepHistory(id, 'reminders-escalation-withdrawn');
  });
});

describe('re-assessment', () => {
  it('is started by a drafter on an ACTIVE note, copies the adopted content, and supersedes the old note once adopted', async () => {
    const old = await suite.http.createNote('anna.devries', completeContent({ reviewDate: '2030-01-01' }));
    await adopt(old);
    // Another drafter has no need to know the note, so cannot re-assess it; its own drafter can.
    expect((await suite.http.call('bram.jansen', 'POST', `/notes/${old}/reassess`, { reason: 'Not mine.' })).statusCode).toBe(404);
    const res = await suite.http.call('anna.devries', 'POST', `/notes/${old}/reassess`, { reason: 'Change of government.' });
    expect(res.statusCode).toBe(201);
    const fresh = res.json<{ id: string }>().id;

    const [oldNote, newNote] = [(await suite.http.note('ivo.peters', old)).json(), (await suite.http.note('ivo.peters', fresh)).json()];
    expect(oldNote).toMatchObject({ status: 'ACTIVE', reassessment: fresh });
    expect(newNote).toMatchObject({ status: 'DRAFT', revision: 1, drafterId: 'anna.devries', supersedes: old, partnerId: oldNote.partnerId, contentSha256: oldNote.contentSha256 });
    expect(newNote.content).toEqual(oldNote.content);

    expect((await suite.http.call('anna.devries', 'POST', `/notes/${old}/reassess`, { reason: 'Again.' })).statusCode).toBe(409);
    await adopt(fresh);
    const superseded = await eventually(async () => {
      const note = (await suite.http.note('ivo.peters', old)).json();
      return note.status === 'SUPERSEDED' ? note : undefined;
    }, 'the old note superseded');
    expect(superseded).toMatchObject({ supersededBy: fresh });
    await suite.stack.client.workflow.getHandle(noteWorkflowId(old)).result();
    await keepHistory(old, 'adopted-reassessed-superseded');
  });

  it('hands the old note back its review when the re-assessment is withdrawn, so another can start', async () => {
    const old = await suite.http.createNote('anna.devries', completeContent({ reviewDate: '2031-01-01' }));
    await adopt(old);
    const first = (await suite.http.call('gert.mulder', 'POST', `/notes/${old}/reassess`, { reason: 'Incident abroad.' })).json<{ id: string }>().id;
    expect((await suite.http.note('ivo.peters', first)).json()).toMatchObject({ drafterId: 'anna.devries', supersedes: old });
    await suite.http.call('anna.devries', 'POST', `/notes/${first}/withdraw`, { reason: 'Premature.' });
    await eventually(async () => ((await suite.http.note('ivo.peters', old)).json<{ reassessment: string | null }>().reassessment === null ? true : undefined), 'the old note free again');
    const history = (await suite.http.call('ivo.peters', 'GET', `/notes/${old}/history`)).json<{ action: string; comment: string | null }[]>();
    expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(['note.reassessment_started', 'note.reassessment_ended']));
    expect(history.find((h) => h.action === 'note.reassessment_started')).toMatchObject({ comment: 'Incident abroad.' });
    expect((await suite.http.call('anna.devries', 'POST', `/notes/${old}/reassess`, { reason: 'Now.' })).statusCode).toBe(201);
  });

  it('starts by itself at the review date, after a reminder to the drafter’s desk before it', async () => {
    const old = await suite.http.createNote('anna.devries', completeContent({ reviewDate: null }));
    await adopt(old);
    const reassessment = await eventually(async () => {
      const note = (await suite.http.note('ivo.peters', old)).json<{ reassessment: string | null }>();
      return note.reassessment ?? undefined;
    }, 'an automatic re-assessment');
    expect((await actions(old)).map((r) => r.action)).toEqual(expect.arrayContaining(['note.review_reminder_sent', 'note.reassessment_started']));
    expect((await suite.http.note('ivo.peters', reassessment)).json()).toMatchObject({ status: 'DRAFT', drafterId: 'anna.devries', supersedes: old });
  });

  it('starts one re-assessment at the review date: should that one end unadopted, the note stays overdue until a person starts another', async () => {
    const old = await suite.http.createNote('anna.devries', completeContent({ reviewDate: null }));
    await adopt(old);
    const automatic = await eventually(async () => (await suite.http.note('ivo.peters', old)).json<{ reassessment: string | null }>().reassessment ?? undefined, 'the automatic re-assessment');
    await suite.http.call('anna.devries', 'POST', `/notes/${automatic}/withdraw`, { reason: 'Not now.' });
    await eventually(async () => ((await suite.http.note('ivo.peters', old)).json<{ reassessment: string | null }>().reassessment === null ? true : undefined), 'the old note free again');
    // Past its review date, with no re-assessment: it says so, and waits for a person instead of starting one again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await suite.http.note('ivo.peters', old)).json()).toMatchObject({ status: 'ACTIVE', reassessment: null, reviewOverdue: true });
    expect((await actions(old)).filter((r) => r.action === 'note.reassessment_started')).toHaveLength(1);
    expect((await suite.http.call('anna.devries', 'POST', `/notes/${old}/reassess`, { reason: 'Now, for real.' })).statusCode).toBe(201);
  });
});

describe('a long wait', () => {
  it('hands its state to a fresh run when the history grows, and keeps counting its deadlines there', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.call('anna.devries', 'POST', `/notes/${id}/withdraw`, { reason: 'Replaced by a note with a small history limit.' });
    // The same note content under a new id, started with a tiny history limit so the hand-over comes quickly.
    const note = await suite.stack.sql<{ partnerId: string }[]>`select partner_id from notes where id = ${id}`;
    const state = (await suite.stack.client.workflow.getHandle(noteWorkflowId(id)).query(stateQuery));
    const fresh = randomUUID();
    await suite.stack.sql.begin(async (tx) => {
      const [revision] = await tx<{ content: NoteContent; contentSha256: string }[]>`select content, content_sha256 from note_revisions where note_id = ${id}`;
      await insertNote(tx, { id: fresh, partnerId: note[0]!.partnerId, drafterId: 'anna.devries', supersedes: null, content: revision!.content, contentSha256: revision!.contentSha256 });
    });
    const start = newNoteState({ noteId: fresh, partnerId: state.partnerId, drafterId: 'anna.devries', supersedes: null, current: state.current, policy: FAST });
    const handle = await suite.stack.client.workflow.start(noteApproval, { workflowId: noteWorkflowId(fresh), taskQueue: suite.stack.taskQueue, args: [{ state: start, historyLimit: 40 }] });
    await suite.http.submit('anna.devries', fresh);

    const later = await eventually(async () => {
      const { runId } = await suite.stack.client.workflow.getHandle(noteWorkflowId(fresh)).describe();
      return runId !== handle.firstExecutionRunId ? runId : undefined;
    }, 'a continued run');
    expect(later).not.toBe(handle.firstExecutionRunId);
    const carried = await eventually(async () => {
      const s = await suite.stack.client.workflow.getHandle(noteWorkflowId(fresh)).query(stateQuery);
      return s.remindersSent + (s.escalated ? 1 : 0) >= 4 ? s : undefined;
    }, 'deadlines counted on in the new run');
    expect(carried).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW', escalated: true });
    await suite.http.call('anna.devries', 'POST', `/notes/${fresh}/withdraw`, { reason: 'Test over.' });
  });
});
