import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTemporalCli } from '../dev/temporal-cli';
import { SEED_PEOPLE } from '../dev/seed-data';
import type { CapturedMail } from '../dev/smtp-capture';
import { type ConsentPolicy, type ConsentState, DEFAULT_CONSENT_POLICY } from '../domain/consent';
import { signConsentLink, signReviewLink } from '../domain/review-link';
import { consentRef } from '../domain/wording';
import { consentStateQuery, consentWorkflowId } from '../workflows';
import { completeContent, newPartner } from './support/notes';
import { eventually } from './support/poll';
import { runEnv } from './support/run-env';
import { TEST_PUBLIC_BASE_URL, TEST_REVIEW_LINK_SECRET, useStack } from './support/stack';

/**
 * The third-party rule end to end (issue 12), on the real stack: a consent request through legal
 * review and the head of service to REQUESTED, then (a) granted with conditions, or (b) unanswered:
 * the answer due, reminders, and the lapse; the up-front refusal of a recipient whose weighing note does
 * not permit the form, at creation and again at the head's approval; need to know; mail without content.
 */

/** Seconds where production has days: the answer due 3 s after sending, a reminder each second, the lapse 2.9 s after it is due. */
const FAST: ConsentPolicy = { ...DEFAULT_CONSENT_POLICY, stageDueMs: { LEGAL_REVIEW: 60_000, HEAD_OF_SERVICE: 60_000 }, answerDueMs: 3_000, answerReminderIntervalMs: 1_000, lapseAfterMs: 2_900 };
const suite = useStack({ consentPolicy: FAST });
const http = () => suite.http;
const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;
const today = () => new Date().toISOString().slice(0, 10);

interface Consent {
  id: string;
  status: string;
  stage: string | null;
  revision: number;
  content: { recipient: string; informationRef: string; form: string; justification: string };
  answerRecord: { answer: string; givenOn: string; conditions: string | null; recordedBy: string } | null;
}

/** A partner service with an ACTIVE weighing note permitting these forms: a recipient that may receive information. */
async function partnerWithActiveNote(forms: string[] = ['evaluated_intelligence_exchange']) {
  const partner = await newPartner(suite.stack.sql);
  const note = await http().createNote('anna.devries', completeContent({ permittedCooperation: forms as never }), partner.id);
  await http().submit('anna.devries', note);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await http().decide(reviewer, note, 'approve')).statusCode).toBe(200);
  return { partner, note };
}

const content = (recipient: string, overrides: Partial<Consent['content']> = {}) => ({
  recipient,
  informationRef: `NDIS-2026-${Math.floor(Math.random() * 9_000 + 1_000)}`,
  form: 'evaluated_intelligence_exchange',
  justification: 'The assessment bears on a threat to the recipient’s deployed units.',
  ...overrides,
});

async function create(originatorId: string, body: ReturnType<typeof content>, as = 'anna.devries') {
  return http().call(as, 'POST', '/consent-requests', { originatorId, content: body });
}
async function created(originatorId: string, body: ReturnType<typeof content>): Promise<string> {
  const res = await create(originatorId, body);
  expect([res.statusCode, res.body]).toEqual([201, expect.any(String)]);
  return res.json<{ id: string }>().id;
}
const read = async (id: string, as = 'gert.mulder') => (await http().call(as, 'GET', `/consent-requests/${id}`)).json<Consent>();
const decide = (as: string, id: string, stage: string, outcome = 'approve', extra: { comment?: string; revision?: number } = {}) =>
  http().call(as, 'POST', `/consent-requests/${id}/decisions`, { outcome, stage, revision: 1, ...extra });

/** Mail about one request (by its reference), in the order sent. */
const mailFor = (id: string): CapturedMail[] => suite.stack.mail.messages().filter((m) => m.subject.includes(consentRef(id)));
const sent = (mails: CapturedMail[]) => mails.map((m) => `${m.subject.split(':')[0]} → ${m.to.join(',')}`);

/** Through legal review (by the link in legal's mail) and the head of service, to REQUESTED. */
async function toRequested(id: string): Promise<void> {
  expect((await http().call('anna.devries', 'POST', `/consent-requests/${id}/submit`)).statusCode).toBe(200);
  const reviewMail = await eventually(async () => mailFor(id).find((m) => m.to.includes(email('daan.visser'))), 'the review mail to legal');
  const path = reviewMail.text.match(/http\S+\/review\/consent\/\S+/)![0].replace(TEST_PUBLIC_BASE_URL, '');
  const page = await suite.stack.app.inject({ method: 'GET', url: path });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(consentRef(id));
  const approve = () => suite.stack.app.inject({ method: 'POST', url: path, payload: { outcome: 'approve' } });
  const decided = await approve();
  expect([decided.statusCode, decided.body]).toEqual([200, expect.stringContaining('Your decision is recorded')]);
  // The link works once.
  expect((await approve()).statusCode).toBe(409);
  // The head of service decides once their mail is in: a review mail to someone who decided already is not sent.
  await eventually(async () => mailFor(id).find((m) => m.to.includes(email('gert.mulder'))), 'the review mail to the head of service');
  expect((await decide('gert.mulder', id, 'HEAD_OF_SERVICE')).statusCode).toBe(200);
  expect(await read(id)).toMatchObject({ status: 'REQUESTED', stage: null });
}

/** Keeps a finished execution's history as a replay fixture, when asked to (RECORD_HISTORIES=1). */
async function keepHistory(id: string, name: string) {
  await suite.stack.client.workflow.getHandle(consentWorkflowId(id)).result();
  if (!process.env.RECORD_HISTORIES) return;
  const shown = spawnSync(findTemporalCli()!.path, ['workflow', 'show', '--address', runEnv().TEST_TEMPORAL_ADDRESS, '-w', consentWorkflowId(id), '--output', 'json'], { encoding: 'utf8' });
  if (shown.status !== 0) throw new Error(shown.stderr);
  const dir = join(__dirname, 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), shown.stdout);
}

describe('a consent request', () => {
  it('goes through legal review and the head of service to the partner, and is granted with conditions: on the record, mailed without content', async () => {
    const originator = await newPartner(suite.stack.sql);
    const { partner: recipient } = await partnerWithActiveNote();
    const body = content(recipient.id);
    const id = await created(originator.id, body);
    expect(await read(id, 'anna.devries')).toMatchObject({ status: 'DRAFT', revision: 1, content: body });
    await toRequested(id);

    const conditions = 'Only to the recipient’s analysts; no further dissemination.';
    const answered = await http().call('anna.devries', 'POST', `/consent-requests/${id}/answer`, { answer: 'granted_with_conditions', givenOn: today(), conditions });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'GRANTED_WITH_CONDITIONS', answer: 'granted_with_conditions', answerRecord: { answer: 'granted_with_conditions', givenOn: today(), conditions, recordedBy: 'anna.devries' } });
    // Answered once: a second answer is refused and leaves nothing behind.
    expect((await http().call('gert.mulder', 'POST', `/consent-requests/${id}/answer`, { answer: 'refused', givenOn: today() })).statusCode).toBe(409);
    expect(await suite.stack.sql`select answer from consent_answers where consent_id = ${id}`).toEqual([{ answer: 'granted_with_conditions' }]);

    const history = (await http().call('ivo.peters', 'GET', `/consent-requests/${id}/history`)).json<{ action: string; summary: string }[]>();
    expect(history.map((h) => h.summary)).toEqual([
      'Anna de Vries created the request (revision 1).',
      'Anna de Vries submitted revision 1 for legal review.',
      'Daan Visser approved revision 1 at legal review. Head of service review is open.',
      'Gert Mulder approved sending revision 1 to the originating partner. Its answer is awaited.',
      'Anna de Vries recorded the partner’s answer: granted with conditions.',
    ]);

    // The workflow holds no content; the operator finds it by its search attributes.
    const handle = suite.stack.client.workflow.getHandle(consentWorkflowId(id));
    const state: ConsentState = await handle.result();
    expect(state).toMatchObject({ status: 'GRANTED_WITH_CONDITIONS', originatorId: originator.id });
    expect(JSON.stringify(state)).not.toContain(recipient.id);
    const { searchAttributes } = await handle.describe();
    expect(searchAttributes).toMatchObject({ ConsentStatus: ['GRANTED_WITH_CONDITIONS'], PartnerId: [originator.id] });

    const mails = await eventually(async () => (mailFor(id).some((m) => m.subject.startsWith('Approved for sending')) ? mailFor(id) : undefined), 'the drafter told to send it');
    expect(sent(mails).sort()).toEqual(
      [...['daan.visser', 'eva.smit', 'frank.meijer'].map((p) => `Review requested → ${email(p)}`), `Review requested → ${email('gert.mulder')}`, `Approved for sending → ${email('anna.devries')}`].sort(),
    );
    // No mail names the partners, the information or any text: only the reference, the stage and times.
    const forbidden = [originator.name, recipient.name, 'Testland', body.informationRef, body.justification, conditions, 'nato'];
    for (const m of mails) for (const word of forbidden) expect(`${m.subject}\n${m.text}\n${m.html}`.toLowerCase()).not.toContain(word.toLowerCase());
    await keepHistory(id, 'consent-granted-with-conditions');
  });

  it('without an answer: the drafter is told it is due, reminded, and the request lapses, each on the record and mailed', async () => {
    const originator = await newPartner(suite.stack.sql);
    const id = await created(originator.id, content('nato'));
    await toRequested(id);
    const lapsed = await eventually(async () => {
      const request = await read(id);
      return request.status === 'LAPSED' ? request : undefined;
    }, 'the lapse');
    expect(lapsed.status).toBe('LAPSED');
    const history = (await http().call('anna.devries', 'GET', `/consent-requests/${id}/history`)).json<{ action: string; summary: string; recipients: string[] | null }[]>();
    const late = history.filter((h) => ['consent.answer_overdue', 'consent.answer_reminder_sent', 'consent.lapsed'].includes(h.action));
    // Due at 3 s, reminded at 4 s and 5 s, lapsed at 5.9 s (a reminder late past the lapse is the lapse).
    const reminders = late.length - 2;
    expect(late.map((h) => h.action)).toEqual(['consent.answer_overdue', ...Array(reminders).fill('consent.answer_reminder_sent'), 'consent.lapsed']);
    expect(reminders).toBeGreaterThanOrEqual(1);
    for (const entry of late) expect(entry.recipients).toEqual(['anna.devries']);
    expect(late.at(-1)!.summary).toBe('No answer was recorded in time: the request lapsed, and Anna de Vries was told.');
    const toDrafter = await eventually(async () => {
      const mails = mailFor(id).filter((m) => m.to.includes(email('anna.devries')));
      return mails.some((m) => m.subject.startsWith('Lapsed')) ? mails : undefined;
    }, 'the lapse mailed');
    expect(toDrafter.map((m) => m.subject.split(':')[0])).toEqual(['Approved for sending', 'Answer due', ...Array(reminders).fill('Reminder'), 'Lapsed']);
    // Too late now: an answer is no longer awaited.
    expect((await http().call('anna.devries', 'POST', `/consent-requests/${id}/answer`, { answer: 'granted', givenOn: today() })).statusCode).toBe(409);
    await keepHistory(id, 'consent-lapsed');
  });
});

describe('the up-front refusal', () => {
  it('refuses a recipient whose ACTIVE note does not permit the form, or that has none, in the same words, creating nothing', async () => {
    const originator = await newPartner(suite.stack.sql);
    const { partner: permits } = await partnerWithActiveNote(['evaluated_intelligence_exchange']);
    const without = await newPartner(suite.stack.sql);
    const refusals = [await create(originator.id, content(permits.id, { form: 'joint_operations' })), await create(originator.id, content(without.id))];
    for (const res of refusals) {
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({ error: { code: 'conflict', message: 'no active weighing note of the recipient permits this form of cooperation, so the information may not be shared with it', details: { field: 'recipient' } } });
    }
    const itself = await create(originator.id, content(originator.id));
    expect([itself.statusCode, itself.json().error.details]).toEqual([422, { field: 'recipient' }]);
    expect(await suite.stack.sql`select id from consent_requests where originator_id = ${originator.id}`).toEqual([]);
    // NATO and the EU have no note: legal review is the check there.
    expect((await create(originator.id, content('eu', { form: 'unevaluated_data_provision' }))).statusCode).toBe(201);
  });

  it('refuses again at the head of service’s approval when the recipient’s note no longer permits the form', async () => {
    const originator = await newPartner(suite.stack.sql);
    const { partner: recipient, note } = await partnerWithActiveNote(['evaluated_intelligence_exchange']);
    const id = await created(originator.id, content(recipient.id));
    expect((await http().call('anna.devries', 'POST', `/consent-requests/${id}/submit`)).statusCode).toBe(200);
    expect((await decide('daan.visser', id, 'LEGAL_REVIEW')).statusCode).toBe(200);

    // Meanwhile the recipient is re-assessed: its new note, adopted, no longer permits the exchange.
    const fresh = (await http().call('anna.devries', 'POST', `/notes/${note}/reassess`, { reason: 'Incident.' })).json<{ id: string }>().id;
    expect((await http().call('anna.devries', 'PUT', `/notes/${fresh}/draft`, { baseRevision: 1, content: completeContent({ permittedCooperation: ['joint_operations'] }) })).statusCode).toBe(200);
    await http().submit('anna.devries', fresh);
    for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await http().decide(reviewer, fresh, 'approve', 2)).statusCode).toBe(200);
    await eventually(async () => ((await http().note('gert.mulder', note)).json<{ status: string }>().status === 'SUPERSEDED' ? true : undefined), 'the old note superseded');

    const refused = await decide('gert.mulder', id, 'HEAD_OF_SERVICE');
    expect([refused.statusCode, refused.json().error.details]).toEqual([409, { field: 'recipient' }]);
    expect(await read(id)).toMatchObject({ status: 'IN_REVIEW', stage: 'HEAD_OF_SERVICE' });
    // Rejecting it stays possible.
    expect((await decide('gert.mulder', id, 'HEAD_OF_SERVICE', 'reject', { comment: 'The recipient may no longer receive it.' })).statusCode).toBe(200);
  });
});

describe('need to know', () => {
  it('opens a request to its drafter, legal once it reached legal review, the head of service and the auditor; to anyone else it does not exist', async () => {
    const originator = await newPartner(suite.stack.sql);
    const id = await created(originator.id, content('eu'));
    const people = ['anna.devries', 'bram.jansen', 'carla.bakker', 'daan.visser', 'gert.mulder', 'hanna.deboer', 'ivo.peters', 'joke.hendriks', 'karel.smits'];
    const statuses = async () => Promise.all(people.map(async (who) => (await http().call(who, 'GET', `/consent-requests/${id}`)).statusCode));
    expect(await statuses()).toEqual([200, 404, 404, 404, 200, 404, 200, 404, 404]);
    expect((await http().call('anna.devries', 'POST', `/consent-requests/${id}/submit`)).statusCode).toBe(200);
    expect(await statuses()).toEqual([200, 404, 404, 200, 200, 404, 200, 404, 404]);

    const listed = async (who: string) => (await http().all<{ id: string }>(who, '/consent-requests')).map((c) => c.id);
    expect(await listed('daan.visser')).toContain(id);
    expect(await listed('bram.jansen')).not.toContain(id);
    // Another drafter may neither decide nor withdraw: it does not exist for them.
    expect((await decide('bram.jansen', id, 'LEGAL_REVIEW')).statusCode).toBe(404);
    expect((await http().call('bram.jansen', 'POST', `/consent-requests/${id}/withdraw`, { reason: 'Not mine.' })).statusCode).toBe(404);
    // The drafter decides on nothing of it (four eyes).
    expect((await decide('anna.devries', id, 'LEGAL_REVIEW')).statusCode).toBe(403);
    const refusals = await suite.stack.sql`select actor_id from audit_log where action = 'consent.access_refused' and details->>'consentId' = ${id} order by seq`;
    expect(refusals.map((r) => r.actorId)).toEqual(expect.arrayContaining(['bram.jansen', 'carla.bakker', 'karel.smits']));
    expect((await http().call('anna.devries', 'POST', `/consent-requests/${id}/withdraw`, { reason: 'No longer needed.' })).json()).toMatchObject({ status: 'WITHDRAWN' });
  });
});

describe('the review link', () => {
  it('is a consent link of its own: an expired one changes nothing, a note’s link or another’s role opens nothing', async () => {
    const originator = await newPartner(suite.stack.sql);
    const id = await created(originator.id, content('eu'));
    expect((await http().call('anna.devries', 'POST', `/consent-requests/${id}/submit`)).statusCode).toBe(200);
    const link = async (sub: string, expiresInMs: number) =>
      `/review/consent/${await signConsentLink(TEST_REVIEW_LINK_SECRET, { sub, consent: id, rev: 1, stage: 'LEGAL_REVIEW', jti: randomUUID() }, new Date(Date.now() + expiresInMs))}`;
    const page = (url: string, payload?: object) => suite.stack.app.inject({ method: payload ? 'POST' : 'GET', url, ...(payload ? { payload } : {}) });

    const expired = await page(await link('eva.smit', -60_000), { outcome: 'approve' });
    expect([expired.statusCode, expired.body]).toEqual([410, expect.stringContaining('This link has expired')]);
    const noteLink = `/review/consent/${await signReviewLink(TEST_REVIEW_LINK_SECRET, { sub: 'eva.smit', note: id, rev: 1, stage: 'LEGAL_REVIEW', jti: randomUUID() }, new Date(Date.now() + 60_000))}`;
    expect((await page(noteLink)).statusCode).toBe(404);
    const notLegal = await page(await link('carla.bakker', 60_000));
    expect(notLegal.statusCode).toBe(403);
    expect(notLegal.body).not.toContain(consentRef(id));
    expect(await read(id)).toMatchObject({ status: 'IN_REVIEW', stage: 'LEGAL_REVIEW' });
    const refused = await suite.stack.sql`select actor_id from audit_log where action = 'consent.access_refused' and details->>'consentId' = ${id}`;
    expect(refused.map((r) => r.actorId)).toEqual(['carla.bakker']);
    // A rejection needs a comment, and keeps the page.
    const noComment = await page(await link('eva.smit', 60_000), { outcome: 'reject' });
    expect([noComment.statusCode, noComment.body]).toEqual([400, expect.stringContaining('A comment is required to reject or request changes.')]);
    await http().call('anna.devries', 'POST', `/consent-requests/${id}/withdraw`, { reason: 'Test over.' });
  });
});

describe('the workflow', () => {
  it('answers its state to the API’s query: ids, hashes and deadlines, no content', async () => {
    const originator = await newPartner(suite.stack.sql);
    const body = content('nato');
    const id = await created(originator.id, body);
    const state = await suite.stack.client.workflow.getHandle(consentWorkflowId(id)).query(consentStateQuery);
    expect(state).toMatchObject({ consentId: id, originatorId: originator.id, status: 'DRAFT', current: { revision: 1, authorId: 'anna.devries' } });
    for (const word of [body.informationRef, body.justification, '"nato"']) expect(JSON.stringify(state)).not.toContain(word);
    await http().call('anna.devries', 'POST', `/consent-requests/${id}/withdraw`, { reason: 'Test over.' });
  });
});
