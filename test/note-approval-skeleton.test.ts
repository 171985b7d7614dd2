import { SEED_PARTNERS } from '../dev/seed-data';
import { noteWorkflowId } from '../api/note-workflow';
import { stateQuery } from '../workflows';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const partner = SEED_PARTNERS[0]!;

async function createNote(drafter = 'anna.devries') {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/notes',
    headers: await stack.auth(drafter),
    payload: { partnerId: partner.id, content: { nationalSecurityInterest: 'Early warning on regional threats.' } },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; status: string; revision: number }>();
}

describe('the walking skeleton, end to end through HTTP', () => {
  it('creates a partner, creates a note, submits it, approves it and reads ADOPTED from the read model and the workflow', async () => {
    const created = await stack.app.inject({
      method: 'POST',
      url: '/partners',
      headers: await stack.auth('joke.hendriks'),
      payload: { name: 'Southern Military Intelligence', country: 'Suderland', kind: 'military', relationship: 'bilateral', srmPriority: 2 },
    });
    expect(created.statusCode).toBe(201);
    const newPartner = created.json<{ id: string }>();

    const noteRes = await stack.app.inject({
      method: 'POST',
      url: '/notes',
      headers: await stack.auth('anna.devries'),
      payload: { partnerId: newPartner.id, content: {} },
    });
    expect(noteRes.statusCode).toBe(201);
    const note = noteRes.json<{ id: string; status: string; revision: number }>();
    expect(note).toMatchObject({ status: 'DRAFT', revision: 1 });

    const submitted = await stack.app.inject({ method: 'POST', url: `/notes/${note.id}/submit`, headers: await stack.auth('anna.devries') });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json()).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW' });

    const decided = await stack.app.inject({
      method: 'POST',
      url: `/notes/${note.id}/decisions`,
      headers: await stack.auth('carla.bakker'),
      payload: { outcome: 'approve', revision: 1 },
    });
    expect(decided.statusCode).toBe(200);

    const read = await stack.app.inject({ method: 'GET', url: `/notes/${note.id}`, headers: await stack.auth('ivo.peters') });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ status: 'ADOPTED', stage: null, revision: 1, approvals: [{ actorId: 'carla.bakker', stage: 'TEAM_REVIEW' }] });

    const workflowState = await stack.client.workflow.getHandle(noteWorkflowId(note.id)).query(stateQuery);
    expect(workflowState).toMatchObject({ status: 'ADOPTED', stage: null, decisions: [{ actorId: 'carla.bakker', outcome: 'approve' }] });
    const result = await stack.client.workflow.getHandle(noteWorkflowId(note.id)).result();
    expect(result.status).toBe('ADOPTED');
  });
});

describe('authentication and roles', () => {
  it('answers 401 without a token and with an invalid one, writing nothing', async () => {
    const before = await stack.sql`select count(*)::int as n from notes`;
    for (const headers of [{}, { authorization: 'Bearer not.a.token' }, { authorization: 'Basic abc' }]) {
      const res = await stack.app.inject({ method: 'POST', url: '/notes', headers, payload: { partnerId: partner.id, content: {} } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(await stack.sql`select count(*)::int as n from notes`).toEqual(before);
  });

  it('answers 403 to a wrong role, at the API and in the workflow', async () => {
    const asLegal = await stack.app.inject({
      method: 'POST',
      url: '/notes',
      headers: await stack.auth('daan.visser'),
      payload: { partnerId: partner.id, content: {} },
    });
    expect(asLegal.statusCode).toBe(403);

    const note = await createNote();
    await stack.app.inject({ method: 'POST', url: `/notes/${note.id}/submit`, headers: await stack.auth('anna.devries') });
    const byLegal = await stack.app.inject({
      method: 'POST',
      url: `/notes/${note.id}/decisions`,
      headers: await stack.auth('daan.visser'),
      payload: { outcome: 'approve', revision: 1 },
    });
    expect(byLegal.statusCode).toBe(403);
    expect(byLegal.json()).toMatchObject({ error: { code: 'forbidden' } });
    const [row] = await stack.sql`select status, stage from notes where id = ${note.id}`;
    expect(row).toEqual({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW' });
    expect(await stack.sql`select 1 from decisions where note_id = ${note.id}`).toHaveLength(0);
  });
});

describe('malformed input', () => {
  it('answers 400 with each field named, and writes nothing', async () => {
    const before = await stack.sql`select (select count(*) from notes)::int as notes, (select count(*) from audit_log)::int as audit`;
    const res = await stack.app.inject({
      method: 'POST',
      url: '/notes',
      headers: await stack.auth('anna.devries'),
      payload: { partnerId: 'nope', content: { overallRisk: 'extreme', criteria: { humanRights: { rating: 7 } } } },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.partnerId', 'body.content.overallRisk', 'body.content.criteria.humanRights.rating']));
    expect(await stack.sql`select (select count(*) from notes)::int as notes, (select count(*) from audit_log)::int as audit`).toEqual(before);
  });

  it('answers 400 to malformed JSON and 404 to an unknown route, in the error format', async () => {
    const bad = await stack.app.inject({
      method: 'POST',
      url: '/notes',
      headers: { ...(await stack.auth('anna.devries')), 'content-type': 'application/json' },
      payload: '{"partnerId": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'bad_request' } });
    const unknown = await stack.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
