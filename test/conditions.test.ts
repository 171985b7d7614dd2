import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { SEED_PEOPLE } from '../dev/seed-data';
import type { NoteContentInput } from '../domain/note-content';
import { DEFAULT_POLICY, type Policy } from '../domain/pipeline';
import { conditionRef, noteRef } from '../domain/wording';
import { conditionsStateQuery, conditionsWorkflowId, type noteConditions } from '../workflows';
import { completeContent, newPartner } from './support/notes';
import { section, textOf } from './support/page-text';
import { eventually } from './support/poll';
import { signedIn } from './support/staff';
import { TEST_PUBLIC_BASE_URL, useStack } from './support/stack';

/**
 * Conditions of an adopted note as tracked work (issue 12): each mitigation of the adopted revision
 * becomes a condition owned by the drafter, due after CONDITION_DUE, reminded and escalated when
 * overdue as a review stage is, closed by its owner with evidence, reassigned with before and after on
 * the record, and carried over to the re-assessment that supersedes the note. Seconds where
 * production has days: due 3 s after adoption, a reminder every second, escalation after two.
 */
const FAST: Policy = { ...DEFAULT_POLICY, reminderIntervalMs: 1_000, escalateAfterReminders: 2, conditionDueMs: 3_000 };
const suite = useStack({ policy: FAST });

const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;
const AT_CORRIDOR = 'No exchange on the northern corridor until the inquiry reports.';
const LIMITED = 'Exchange limited to evaluated intelligence; annual review.';

/** A complete note whose human-rights criterion and whose own "mitigations and conditions" state one each. */
function withMitigations(overrides: Partial<NoteContentInput> = {}): NoteContentInput {
  const content = completeContent({ mitigations: LIMITED, ...overrides });
  content.criteria!.humanRights!.mitigations = AT_CORRIDOR;
  return content;
}

interface Condition {
  id: string;
  ref: string;
  position: number;
  source: string;
  text: string;
  ownerId: string;
  dueAt: string;
  status: string;
  evidence: string | null;
  remindersSent: number;
  escalated: boolean;
  carriedFrom: { conditionId: string; noteId: string; position: number } | null;
  carriedTo: { conditionId: string; noteId: string; position: number } | null;
}

async function adopt(id: string, drafter = 'anna.devries') {
  expect((await suite.http.submit(drafter, id)).statusCode).toBe(200);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await suite.http.decide(reviewer, id, 'approve')).statusCode).toBe(200);
}

/** An adopted note, and its conditions once its workflow has made them. */
async function adoptedWithConditions(content = withMitigations(), count = 2): Promise<{ id: string; partnerName: string; conditions: Condition[] }> {
  const partner = await newPartner(suite.stack.sql);
  const id = await suite.http.createNote('anna.devries', content, partner.id);
  await adopt(id);
  const conditions = await eventually(async () => {
    const items = (await suite.http.call('anna.devries', 'GET', `/notes/${id}/conditions`)).json<{ items: Condition[] }>().items;
    return items.length === count ? items : undefined;
  }, 'the conditions made');
  return { id, partnerName: partner.name, conditions };
}

const trail = async (noteId: string, prefix = 'condition.') =>
  suite.stack.sql<{ action: string; actorId: string | null; details: Record<string, unknown> }[]>`
    select action, actor_id, details from audit_log where note_id = ${noteId} and action like ${`${prefix}%`} order by seq`;

const mailAbout = (ref: string) => suite.stack.mail.messages().filter((m) => m.subject.includes(ref));

/**
 * Keeps a finished execution's history as a replay fixture, when asked to (RECORD_HISTORIES=1), as the
 * deadline suite keeps the notes' own; encrypted with the tests' payload key.
 */
async function keepHistory(workflowId: string, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await suite.stack.client.workflow.getHandle(workflowId).fetchHistory();
  const dir = join(__dirname, 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), historyToJSON(history));
}

describe('at adoption', () => {
  it('makes a condition of each mitigation, owned by the drafter, due after the configured time, and mails the owner without content', async () => {
    const { id, partnerName, conditions } = await adoptedWithConditions();
    const note = (await suite.http.note('anna.devries', id)).json<{ adoptedAt: string }>();
    expect(conditions.map((c) => [c.ref, c.source, c.text, c.ownerId, c.status])).toEqual([
      [conditionRef(id, 1), 'criteria.humanRights.mitigations', AT_CORRIDOR, 'anna.devries', 'open'],
      [conditionRef(id, 2), 'mitigations', LIMITED, 'anna.devries', 'open'],
    ]);
    for (const c of conditions) expect(Date.parse(c.dueAt) - Date.parse(note.adoptedAt)).toBeGreaterThanOrEqual(FAST.conditionDueMs!);

    const mails = await eventually(async () => (mailAbout(noteRef(id)).filter((m) => m.subject.startsWith('Condition assigned')).length === 2 ? mailAbout(noteRef(id)) : undefined), 'the owner mailed');
    // Queued together, they go out in either order.
    const assigned = mails.filter((m) => m.subject.startsWith('Condition assigned')).sort((a, b) => a.subject.localeCompare(b.subject));
    expect(assigned.map((m) => [m.subject, m.to])).toEqual([
      [`Condition assigned: ${conditionRef(id, 1)}`, [email('anna.devries')]],
      [`Condition assigned: ${conditionRef(id, 2)}`, [email('anna.devries')]],
    ]);
    expect(assigned[0]!.text).toContain(`Sign in to open the condition: ${TEST_PUBLIC_BASE_URL}/app/conditions/${conditions[0]!.id}`);
    // Mail carries no content: neither the partner nor the conditions' text.
    for (const m of mails) for (const word of [partnerName, AT_CORRIDOR, LIMITED, 'corridor']) expect(`${m.subject}\n${m.text}\n${m.html}`).not.toContain(word);

    expect((await trail(id)).map((e) => [e.action, e.details.position, e.details.recipients])).toEqual([
      ['condition.created', 1, ['anna.devries']],
      ['condition.created', 2, ['anna.devries']],
    ]);
    // The workflow holds ids, owners and due times: no text.
    const state = await suite.stack.client.workflow.getHandle(conditionsWorkflowId(id)).query(conditionsStateQuery);
    expect(state.items!.map((item) => item.id)).toEqual(conditions.map((c) => c.id));
    expect(JSON.stringify(state)).not.toMatch(/corridor|evaluated intelligence/);
  });
});

describe('an overdue condition', () => {
  it('reminds its owner when due and after, escalates to the head of service, and is closed by its owner with evidence', async () => {
    const { id, conditions } = await adoptedWithConditions(completeContent({ mitigations: LIMITED }), 1);
    const [condition] = conditions;
    const nudges = await eventually(async () => {
      const entries = await trail(id);
      return entries.filter((e) => e.action === 'condition.reminder_sent').length >= 2 && entries.some((e) => e.action === 'condition.escalated') ? entries : undefined;
    }, 'reminders and the escalation');
    expect(nudges.filter((e) => e.action !== 'condition.created').slice(0, 3).map((e) => [e.action, e.actorId, e.details.recipients])).toEqual([
      ['condition.reminder_sent', null, ['anna.devries']],
      ['condition.reminder_sent', null, ['anna.devries']],
      ['condition.escalated', null, ['gert.mulder']],
    ]);
    const ref = conditionRef(id, 1);
    const mails = await eventually(async () => (mailAbout(ref).some((m) => m.subject.startsWith('Escalation')) ? mailAbout(ref) : undefined), 'the escalation mailed');
    expect(mails.slice(0, 4).map((m) => [m.subject, m.to[0]])).toEqual([
      [`Condition assigned: ${ref}`, email('anna.devries')],
      [`Condition due: ${ref}`, email('anna.devries')],
      [`Reminder: ${ref} is overdue`, email('anna.devries')],
      [`Escalation: ${ref} is overdue`, email('gert.mulder')],
    ]);
    const overdue = (await suite.http.call('anna.devries', 'GET', '/conditions?owner=me&open=true')).json<{ items: (Condition & { overdue: boolean })[] }>();
    expect(overdue.items.find((c) => c.id === condition!.id)).toMatchObject({ overdue: true, escalated: true });

    // Only its owner closes it as fulfilled; another drafter does not know of it; the evidence is required.
    const close = (who: string, body: object) => suite.http.call(who, 'POST', `/conditions/${condition!.id}/close`, body);
    expect((await close('bram.jansen', { evidence: 'Not mine.' })).statusCode).toBe(404);
    expect((await close('carla.bakker', { evidence: 'Not mine either.' })).statusCode).toBe(403);
    expect((await close('anna.devries', { evidence: '  ' })).statusCode).toBe(400);
    const closed = await close('anna.devries', { evidence: 'Exchange agreement amended; annex B limits it.' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'fulfilled', closedBy: 'anna.devries', evidence: 'Exchange agreement amended; annex B limits it.' });
    expect((await close('anna.devries', { evidence: 'Again.' })).statusCode).toBe(409);

    // Every condition closed: the tracking ends, with nothing more to remind.
    const handle = suite.stack.client.workflow.getHandle<typeof noteConditions>(conditionsWorkflowId(id));
    expect((await handle.result()).items!.map((item) => item.open)).toEqual([false]);
    expect((await trail(id)).at(-1)).toMatchObject({ action: 'condition.closed', actorId: 'anna.devries', details: { outcome: 'fulfilled' } });
    expect((await suite.http.call('anna.devries', 'GET', '/conditions?owner=me&open=true')).json<{ items: Condition[] }>().items.map((c) => c.id)).not.toContain(condition!.id);
    await keepHistory(conditionsWorkflowId(id), 'conditions-reminded-escalated-closed');
  });
});

describe('reassignment', () => {
  it('gives a condition another owner and due date, on the record with before and after; the owner sees it, not the note', async () => {
    const { id, conditions } = await adoptedWithConditions();
    const [first, second] = conditions;
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const patch = async (who: string, conditionId: string, body: object) =>
      suite.stack.app.inject({ method: 'PATCH', url: `/conditions/${conditionId}`, headers: await suite.stack.auth(who), payload: body });

    expect((await patch('carla.bakker', first!.id, { ownerId: 'bram.jansen' })).statusCode).toBe(403);
    expect((await patch('anna.devries', first!.id, { ownerId: 'karel.smits' })).statusCode).toBe(400);
    expect((await patch('anna.devries', first!.id, { dueAt: '2020-01-01T00:00:00Z' })).statusCode).toBe(409);
    expect((await patch('anna.devries', first!.id, {})).statusCode).toBe(400);
    const res = await patch('anna.devries', first!.id, { ownerId: 'bram.jansen', dueAt: later });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ownerId: 'bram.jansen', dueAt: later, status: 'open', remindersSent: 0, escalated: false });
    const entry = (await trail(id)).find((e) => e.action === 'condition.reassigned')!;
    expect(entry).toMatchObject({ actorId: 'anna.devries', details: { position: 1, before: { ownerId: 'anna.devries', dueAt: first!.dueAt }, after: { ownerId: 'bram.jansen', dueAt: later }, recipients: ['bram.jansen'] } });
    await eventually(async () => (mailAbout(conditionRef(id, 1)).some((m) => m.to.includes(email('bram.jansen'))) ? true : undefined), 'the new owner mailed');

    // The owner reads their own condition, text and all, and lists it; the note stays unknown to them.
    const owned = (await suite.http.call('bram.jansen', 'GET', '/conditions?owner=me&open=true')).json<{ items: Record<string, unknown>[] }>();
    const listed = owned.items.find((c) => c.id === first!.id);
    expect(listed).toMatchObject({ ref: conditionRef(id, 1) });
    expect(listed).not.toHaveProperty('text');
    expect((await suite.http.call('bram.jansen', 'GET', `/conditions/${first!.id}`)).json()).toMatchObject({ text: AT_CORRIDOR });
    expect((await suite.http.call('bram.jansen', 'GET', `/conditions/${second!.id}`)).statusCode).toBe(404);
    // A refused attempt on a condition is one on its note, on the record: the team lead's reassignment, and this.
    expect((await trail(id, 'note.access_refused')).map((e) => [e.actorId, e.details.conditionId, e.details.status])).toEqual([
      ['carla.bakker', first!.id, 403],
      ['bram.jansen', second!.id, 404],
    ]);
    expect((await suite.http.note('bram.jansen', id)).statusCode).toBe(404);
    expect((await suite.http.call('bram.jansen', 'GET', `/notes/${id}/conditions`)).statusCode).toBe(404);

    // The former owner closes it no more; the new one does. The head of service closes the other as no longer applicable.
    expect((await suite.http.call('anna.devries', 'POST', `/conditions/${first!.id}/close`, { evidence: 'Done.' })).statusCode).toBe(403);
    expect((await suite.http.call('bram.jansen', 'POST', `/conditions/${first!.id}/close`, { evidence: 'Inquiry reported; corridor open again.' })).json()).toMatchObject({ status: 'fulfilled', closedBy: 'bram.jansen' });
    expect((await suite.http.call('anna.devries', 'POST', `/conditions/${second!.id}/close`, { outcome: 'not_applicable', evidence: 'No.' })).statusCode).toBe(403);
    expect((await suite.http.call('gert.mulder', 'POST', `/conditions/${second!.id}/close`, { outcome: 'not_applicable', evidence: 'The exchange has ended.' })).json()).toMatchObject({ status: 'not_applicable', closedBy: 'gert.mulder' });
    await suite.stack.client.workflow.getHandle(conditionsWorkflowId(id)).result();
  });
});

describe('a re-assessment', () => {
  it('shows the earlier note’s open conditions to its drafter, and carries them over when it is adopted', async () => {
    const { id: old, conditions } = await adoptedWithConditions(withMitigations(), 2);
    const [first, second] = conditions;
    await suite.http.call('anna.devries', 'POST', `/conditions/${first!.id}/close`, { evidence: 'Inquiry reported.' });
    const fresh = (await suite.http.call('anna.devries', 'POST', `/notes/${old}/reassess`, { reason: 'Change of government.' })).json<{ id: string }>().id;

    const browser = await signedIn(suite.stack, 'anna.devries');
    for (const path of [`/app/notes/${fresh}`, `/app/notes/${fresh}/edit`]) {
      const carried = section((await browser.get(path)).body, 'carried-conditions');
      expect([path, textOf(carried)]).toEqual([path, expect.stringContaining(`Open conditions of ${noteRef(old)}`)]);
      expect(textOf(carried)).toContain(`${conditionRef(old, 2)} Mitigations and conditions ${LIMITED} Anna de Vries`);
      expect(textOf(carried)).not.toContain(AT_CORRIDOR);
    }

    // Its own text states both mitigations again: two conditions of its own, and the one still open comes over third.
    await adopt(fresh);
    const carried = await eventually(async () => {
      const items = (await suite.http.call('anna.devries', 'GET', `/notes/${fresh}/conditions`)).json<{ items: Condition[] }>().items;
      return items.length === 3 ? items : undefined;
    }, 'the re-assessment’s conditions');
    expect(carried.map((c) => [c.position, c.text, c.carriedFrom?.conditionId ?? null])).toEqual([
      [1, AT_CORRIDOR, null],
      [2, LIMITED, null],
      [3, LIMITED, second!.id],
    ]);
    expect(carried[2]).toMatchObject({ ownerId: second!.ownerId, dueAt: second!.dueAt });
    const before = (await suite.http.call('anna.devries', 'GET', `/notes/${old}/conditions`)).json<{ items: Condition[] }>().items;
    expect(before.map((c) => [c.status, c.carriedTo?.conditionId ?? null])).toEqual([
      ['fulfilled', null],
      ['carried_over', carried[2]!.id],
    ]);
    // The earlier note's tracking ends; its carried condition is acted on in the re-assessment only.
    await suite.stack.client.workflow.getHandle(conditionsWorkflowId(old)).result();
    const again = await suite.http.call('anna.devries', 'POST', `/conditions/${second!.id}/close`, { evidence: 'Here?' });
    expect([again.statusCode, again.json().error.message]).toEqual([409, 'the note’s conditions are tracked no more']);
    expect((await trail(old)).map((e) => e.action)).toContain('condition.carried_over');
    await keepHistory(conditionsWorkflowId(old), 'conditions-carried-over');
  });
});

describe('the pages', () => {
  it('show a note’s conditions with the forms each person may use, the owner’s in the inbox, and close them through forms', async () => {
    const { id, conditions } = await adoptedWithConditions();
    const [first, second] = conditions;
    const [anna, gert, carla] = await Promise.all([signedIn(suite.stack, 'anna.devries'), signedIn(suite.stack, 'gert.mulder'), signedIn(suite.stack, 'carla.bakker')]);

    const annaPage = section((await anna.get(`/app/notes/${id}`)).body, 'conditions');
    expect(textOf(annaPage)).toContain(`${conditionRef(id, 1)} : Open`);
    expect(textOf(annaPage)).toContain(AT_CORRIDOR);
    expect(annaPage).toContain(`action="/app/conditions/${first!.id}/close"`);
    expect(annaPage).toContain(`action="/app/conditions/${first!.id}/reassign"`);
    expect(annaPage).not.toContain(`/dismiss"`);
    const gertPage = section((await gert.get(`/app/notes/${id}`)).body, 'conditions');
    expect(gertPage).toContain(`action="/app/conditions/${first!.id}/dismiss"`);
    expect(gertPage).not.toContain(`/close"`);
    const carlaPage = section((await carla.get(`/app/notes/${id}`)).body, 'conditions');
    expect(textOf(carlaPage)).toContain(LIMITED);
    expect(carlaPage).not.toContain('<form');

    const inbox = section((await anna.get('/app/')).body, 'conditions-owned');
    expect(textOf(inbox)).toContain(`${conditionRef(id, 1)} Respect for human rights in the country: mitigations`);
    expect(inbox).not.toContain('corridor');

    // Without evidence the form comes back saying so; with it, the condition's page confirms.
    const empty = await anna.post(`/app/conditions/${first!.id}/close`, { text: '' });
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('Give the evidence that the condition is met.');
    const done = await anna.post(`/app/conditions/${first!.id}/close`, { text: 'Inquiry reported.' });
    expect([done.statusCode, done.headers.location]).toEqual([303, `/app/conditions/${first!.id}?done=closed`]);
    const page = await anna.get(done.headers.location as string);
    expect(textOf(page.body)).toContain('You closed the condition.');
    expect(textOf(page.body)).toContain('Evidence Inquiry reported.');
    expect(page.body).toContain('Classification: Stg. Geheim');

    // Reassigned to another drafter from the page: the new owner reads the condition, not the note.
    const moved = await anna.post(`/app/conditions/${second!.id}/reassign`, { ownerId: 'bram.jansen', dueDate: '2030-01-31', shownOwnerId: 'anna.devries', shownDueDate: second!.dueAt.slice(0, 10) });
    expect(moved.statusCode).toBe(303);
    const bram = await signedIn(suite.stack, 'bram.jansen');
    const his = await bram.get(`/app/conditions/${second!.id}`);
    expect(textOf(his.body)).toContain('the note itself is not yours to read');
    expect(textOf(his.body)).toContain('Owner Bram Jansen Due 2030-01-31 00:00 UTC');
    expect(his.body).toContain(`action="/app/conditions/${second!.id}/close"`);
    expect((await bram.get(`/app/notes/${id}`)).statusCode).toBe(404);
    expect(textOf(section((await bram.get('/app/')).body, 'conditions-owned'))).toContain(conditionRef(id, 2));
  });
});
