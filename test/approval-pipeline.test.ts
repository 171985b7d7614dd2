import { WorkflowUpdateFailedError } from '@temporalio/client';
import { decideUpdate, stateQuery, noteWorkflowId } from '../workflows';
import { completeContent, newPartner } from './support/notes';
import { useStack } from './support/stack';

const suite = useStack();

/** Everything a refused request must leave as it was: the read model, decisions and the story in the audit trail (reads and refusals are on the record, but no part of the story). */
async function footprint(noteId: string) {
  return suite.stack.sql`
    select (select row_to_json(n) from notes n where n.id = ${noteId}) as note,
           (select count(*)::int from decisions where note_id = ${noteId}) as decisions,
           (select count(*)::int from note_revisions where note_id = ${noteId}) as revisions,
           (select count(*)::int from audit_log where note_id = ${noteId} and action not in ('note.content_read', 'note.access_refused')) as events`;
}

type Answer = { statusCode: number; json: () => unknown };

/** Sends a request that must be refused, and checks it left the note's footprint as it found it. */
async function refused(send: () => Promise<Answer>, status: number, noteId: string): Promise<Answer> {
  const before = await footprint(noteId);
  const res = await send();
  await expectRefused(res, status, noteId, before);
  return res;
}

async function expectRefused(res: Answer, status: number, noteId: string, before: unknown) {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(await footprint(noteId)).toEqual(before);
}

async function approveThrough(id: string, reviewers: string[], revision = 1) {
  for (const reviewer of reviewers) expect((await suite.http.decide(reviewer, id, 'approve', revision)).statusCode).toBe(200);
}

describe('the approval pipeline, end to end through HTTP', () => {
  it('takes a new partner’s note from draft through team, legal and head of service to ACTIVE, in the read model and the workflow', async () => {
    const created = await suite.http.call('joke.hendriks', 'POST', '/partners', { name: 'Southern Military Intelligence', country: 'Suderland', kind: 'military', relationships: [{ kind: 'bilateral', since: '2020-01-01' }] });
    expect(created.statusCode).toBe(201);
    const id = await suite.http.createNote('anna.devries', completeContent(), created.json<{ id: string }>().id);

    const submitted = await suite.http.submit('anna.devries', id);
    expect(submitted.json()).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW', stageDueAt: expect.any(String) });
    await approveThrough(id, ['carla.bakker']);
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ stage: 'LEGAL_REVIEW' });
    await approveThrough(id, ['daan.visser', 'gert.mulder']);

    const read = (await suite.http.note('ivo.peters', id)).json();
    expect(read).toMatchObject({ status: 'ACTIVE', stage: null, revision: 1, reviewDueAt: '2028-06-30T00:00:00.000Z', adoptedAt: expect.any(String) });
    const state = await suite.stack.client.workflow.getHandle(noteWorkflowId(id)).query(stateQuery);
    expect(state).toMatchObject({ status: 'ACTIVE', decisions: [{ actorId: 'carla.bakker' }, { actorId: 'daan.visser' }, { actorId: 'gert.mulder' }] });
    expect(state.decisions.every((d) => d.contentSha256 === read.contentSha256)).toBe(true);
  });

  it.each([
    ['high overall risk', { overallRisk: 'high' as const }],
    ['provision of unevaluated data', { permittedCooperation: ['unevaluated_data_provision' as const] }],
  ])('routes a note with %s to the minister, and legal needs two at high risk', async (_why, overrides) => {
    const id = await suite.http.createNote('bram.jansen', completeContent(overrides));
    await suite.http.submit('bram.jansen', id);
    const high = 'overallRisk' in overrides;
    await approveThrough(id, ['carla.bakker', 'daan.visser']);
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ stage: high ? 'LEGAL_REVIEW' : 'HEAD_OF_SERVICE' });
    if (high) await approveThrough(id, ['eva.smit']);
    await approveThrough(id, ['gert.mulder']);
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ status: 'IN_REVIEW', stage: 'MINISTER' });
    await approveThrough(id, ['hanna.deboer']);
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ status: 'ACTIVE' });
  });

  it('sends changes back to DRAFT, voids the approvals of the old revision, and restarts review at the first stage', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    await approveThrough(id, ['carla.bakker']);
    expect((await suite.http.decide('daan.visser', id, 'request_changes', 1, { comment: 'Sharpen the data-protection findings.' })).json()).toMatchObject({ status: 'DRAFT', stage: null });

    const before = await footprint(id);
    await expectRefused(await suite.http.submit('anna.devries', id), 409, id, before);
    const revised = await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Revised weighing.' }) });
    expect(revised.json()).toMatchObject({ status: 'DRAFT', revision: 2, revisionAuthorId: 'anna.devries' });
    await refused(() => suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent() }), 409, id);

    expect((await suite.http.submit('anna.devries', id)).json()).toMatchObject({ stage: 'TEAM_REVIEW', revision: 2, approvals: [] });
    expect((await suite.http.decide('carla.bakker', id, 'approve', 1)).statusCode).toBe(409);
    await approveThrough(id, ['carla.bakker'], 2);
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ stage: 'LEGAL_REVIEW', approvals: [{ actorId: 'carla.bakker', revision: 2 }] });

    const history = (await suite.http.call('ivo.peters', 'GET', `/notes/${id}/history`)).json<{ action: string; revision: number; comment: string | null }[]>();
    expect(history.map((h) => h.action)).toEqual(['note.created', 'note.submitted', 'note.decided', 'note.decided', 'note.revised', 'note.submitted', 'note.decided']);
    expect(history.find((h) => h.comment)).toMatchObject({ revision: 1, comment: 'Sharpen the data-protection findings.' });
  });

  it('rejects, and withdraws by the drafter or the head of service; an ended note takes nothing more', async () => {
    const rejected = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', rejected);
    expect((await suite.http.decide('carla.bakker', rejected, 'reject', 1, { comment: 'Out of scope.' })).json()).toMatchObject({ status: 'REJECTED' });
    const before = await footprint(rejected);
    await expectRefused(await suite.http.decide('carla.bakker', rejected, 'approve'), 409, rejected, before);

    for (const by of ['anna.devries', 'gert.mulder']) {
      const id = await suite.http.createNote('anna.devries');
      const res = await suite.http.call(by, 'POST', `/notes/${id}/withdraw`, { reason: 'No longer needed.' });
      expect(res.json()).toMatchObject({ status: 'WITHDRAWN' });
    }
    const id = await suite.http.createNote('anna.devries');
    const snapshot = await footprint(id);
    // Another drafter has no need to know this note: for them it does not exist.
    await expectRefused(await suite.http.call('bram.jansen', 'POST', `/notes/${id}/withdraw`, { reason: 'Not mine.' }), 404, id, snapshot);
    await expectRefused(await suite.http.call('carla.bakker', 'POST', `/notes/${id}/withdraw`, { reason: 'Not mine.' }), 404, id, snapshot);
  });
});

describe('the review cadence (SRM)', () => {
  const DAY = 86_400_000;
  it.each([
    ['a low-risk note of a priority-1 partner', 'low', 1, 730],
    ['a low-risk note of a priority-3 partner', 'low', 3, 1_095],
    ['a high-risk note of a priority-1 partner', 'high', 1, 365],
  ] as const)('reviews %s, without a review date of its own, the cadence after its adoption', async (_what, overallRisk, srmPriority, days) => {
    const partner = await newPartner(suite.stack.sql, { srmPriority });
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk, reviewDate: null, mitigations: 'Annual review.' }), partner.id);
    await suite.http.submit('anna.devries', id);
    const reviewers = overallRisk === 'high' ? ['carla.bakker', 'daan.visser', 'eva.smit', 'gert.mulder', 'hanna.deboer'] : ['carla.bakker', 'daan.visser', 'gert.mulder'];
    for (const reviewer of reviewers) expect((await suite.http.decide(reviewer, id, 'approve')).statusCode).toBe(200);
    const note = (await suite.http.note('gert.mulder', id)).json<{ status: string; adoptedAt: string; reviewDueAt: string }>();
    expect(note.status).toBe('ACTIVE');
    expect(Date.parse(note.reviewDueAt) - Date.parse(note.adoptedAt)).toBe(days * DAY);
  });
});

describe('every refusal leaves no trace', () => {
  let id: string;
  beforeAll(async () => {
    id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }));
  });

  it('refuses an incomplete submit with the list of gaps (422)', async () => {
    const incomplete = await suite.http.createNote('anna.devries', { nationalSecurityInterest: 'Only this.' });
    const before = await footprint(incomplete);
    const res = await suite.http.submit('anna.devries', incomplete);
    await expectRefused(res, 422, incomplete, before);
    const fields = res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['criteria.dataProtection.findings', 'criteria.legalPowers.rating', 'overallRisk', 'classification']));
  });

  it('refuses a submit by another drafter as if the note did not exist (404), and by the head of service (403)', async () => {
    await refused(() => suite.http.submit('bram.jansen', id), 404, id);
    await refused(() => suite.http.submit('gert.mulder', id), 403, id);
  });

  it.each([
    // Legal review has not been reached: to the legal adviser the note does not exist yet.
    ['a role whose stage the note has not reached', 'daan.visser', 1, 404],
    ['the wrong role', 'gert.mulder', 1, 403],
    ['the revision’s own author', 'anna.devries', 1, 403],
    ['a stale revision', 'carla.bakker', 2, 409],
  ])('refuses a decision by %s', async (_why, who, revision, status) => {
    if ((await footprint(id))[0]!.note.status === 'DRAFT') await suite.http.submit('anna.devries', id);
    await refused(() => suite.http.decide(who, id, 'approve', revision), status, id);
  });

  it('refuses a second vote by the same person (403), and a decision meant for a stage no longer open (409)', async () => {
    await approveThrough(id, ['carla.bakker', 'daan.visser']);
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ stage: 'LEGAL_REVIEW', approvals: [{ actorId: 'carla.bakker' }, { actorId: 'daan.visser' }] });
    await refused(() => suite.http.decide('daan.visser', id, 'approve'), 403, id);
    await refused(() => suite.http.decide('eva.smit', id, 'approve', 1, { stage: 'TEAM_REVIEW' }), 409, id);
    await refused(() => suite.http.decide('gert.mulder', id, 'approve'), 403, id);
  });

  it('refuses a decision that does not name its stage (400): it could land on a stage its sender never saw', async () => {
    const res = await refused(() => suite.http.call('eva.smit', 'POST', `/notes/${id}/decisions`, { outcome: 'approve', revision: 1 }), 400, id);
    expect((res.json() as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain('body.stage');
  });

  it('refuses a reject without a comment (400) and a reassessment of a note not adopted (409)', async () => {
    await refused(() => suite.http.decide('eva.smit', id, 'reject'), 400, id);
    await refused(() => suite.http.call('anna.devries', 'POST', `/notes/${id}/reassess`, { reason: 'Coup.' }), 409, id);
  });

  it('refuses a malformed decision sent to the workflow past the API, in its validator, naming what is wrong', async () => {
    const before = await footprint(id);
    const malformed = { decisionId: 'not-a-uuid', actor: { id: 'eva.smit', roles: ['legal' as const] }, outcome: 'approve' as const, revision: 1, stage: 'LEGAL_REVIEW' as const };
    const update = suite.stack.client.workflow.getHandle(noteWorkflowId(id)).executeUpdate(decideUpdate, { args: [malformed] });
    await expect(update).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(update.catch((error: WorkflowUpdateFailedError) => Promise.reject(error.cause))).rejects.toThrow(/malformed request: .*decisionId/s);
    expect(await footprint(id)).toEqual(before);
  });
});

describe('authentication and input', () => {
  // Other suites write to the same database meanwhile: count only what these requests could have written.
  let partnerId: string;
  const written = () => suite.stack.sql`
    select (select count(*) from notes where partner_id = ${partnerId})::int as notes,
           (select count(*) from audit_log where details->>'partnerId' = ${partnerId} and action like 'note.%')::int as audit`;
  beforeAll(async () => {
    const res = await suite.http.call('joke.hendriks', 'POST', '/partners', { name: 'Input Test Service', country: 'Testland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] });
    partnerId = res.json<{ id: string }>().id;
  });

  it('answers 401 without a token and with an invalid one, writing nothing', async () => {
    for (const headers of [{}, { authorization: 'Bearer not.a.token' }, { authorization: 'Basic abc' }]) {
      const res = await suite.stack.app.inject({ method: 'POST', url: '/notes', headers, payload: { partnerId, content: {} } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(await written()).toEqual([{ notes: 0, audit: 0 }]);
  });

  it('answers 400 with each field named to a malformed body, and to malformed JSON; 404 to an unknown route', async () => {
    const res = await suite.http.call('anna.devries', 'POST', '/notes', { partnerId, content: { overallRisk: 'extreme', criteria: { humanRights: { rating: 7 } } }, extra: 1 });
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.content.overallRisk', 'body.content.criteria.humanRights.rating']));
    const badId = await suite.http.call('anna.devries', 'POST', '/notes', { partnerId: 'nope', content: {} });
    expect(badId.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field)).toContain('body.partnerId');
    const bad = await suite.stack.app.inject({ method: 'POST', url: '/notes', headers: { ...(await suite.stack.auth('anna.devries')), 'content-type': 'application/json' }, payload: `{"partnerId": "${partnerId}", ` });
    expect(bad.statusCode).toBe(400);
    expect(await written()).toEqual([{ notes: 0, audit: 0 }]);
    const unknown = await suite.stack.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
