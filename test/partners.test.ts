import { randomUUID } from 'node:crypto';
import { PartnerChange } from '../domain/partner';
import { noteWorkflowId, stateQuery } from '../workflows';
import { useStack } from './support/stack';

const suite = useStack();

const partner = {
  name: 'Coastal Naval Intelligence',
  country: 'Marinia',
  kind: 'military',
  relationships: [
    { kind: 'nato', since: '2006-04-03' },
    { kind: 'bilateral', since: '2012-10-01' },
  ],
};
/** The same relationships as answered and stored: in kind order (bilateral, NATO, EU, other multilateral). */
const inKindOrder = [partner.relationships[1], partner.relationships[0]];

const register = async (name: string, body: object = {}) =>
  (await suite.http.call('joke.hendriks', 'POST', '/partners', { ...partner, name, ...body })).json<{ id: string }>().id;
const relationshipsOf = (id: string) => suite.stack.sql<{ kind: string; since: string }[]>`select kind, since::text from partner_relationships where partner_id = ${id} order by kind`;

describe('partners', () => {
  it('are created by an admin or drafter with their relationships and no SRM priority, listed and read by staff', async () => {
    const created = await suite.stack.app.inject({ method: 'POST', url: '/partners', headers: await suite.stack.auth('bram.jansen'), payload: partner });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(created.json()).toEqual({ ...partner, relationships: inKindOrder, id, srmPriority: null, createdAt: expect.any(String) });
    expect(await relationshipsOf(id)).toEqual([
      { kind: 'bilateral', since: '2012-10-01' },
      { kind: 'nato', since: '2006-04-03' },
    ]);

    const list = await suite.stack.app.inject({ method: 'GET', url: '/partners?limit=1', headers: await suite.stack.auth('eva.smit') });
    expect(list.statusCode).toBe(200);
    const { items, total } = list.json<{ items: { id: string }[]; total: number }>();
    // A page of one; `total` counts them all, the three seeded and this one at least.
    expect(items).toHaveLength(1);
    expect(total).toBeGreaterThanOrEqual(4);
    const all = await suite.http.all<{ id: string; srmPriority: number | null }>('eva.smit', '/partners');
    expect(all.map((p) => p.id)).toContain(id);
    // By SRM priority, those without one last.
    const priorities = all.map((p) => p.srmPriority ?? 5);
    expect(priorities).toEqual([...priorities].sort());

    const one = await suite.stack.app.inject({ method: 'GET', url: `/partners/${id}`, headers: await suite.stack.auth('ivo.peters') });
    expect(one.json()).toMatchObject({ id, name: partner.name, relationships: inKindOrder, srmPriority: null });
  });

  it('refuse a duplicate (409), an unknown id (404) and a reviewer creating one (403)', async () => {
    const duplicate = { ...partner, name: 'Duplicate Service' };
    const headers = await suite.stack.auth('joke.hendriks');
    expect((await suite.stack.app.inject({ method: 'POST', url: '/partners', headers, payload: duplicate })).statusCode).toBe(201);
    const again = await suite.stack.app.inject({ method: 'POST', url: '/partners', headers, payload: duplicate });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'conflict' } });

    const missing = await suite.stack.app.inject({ method: 'GET', url: '/partners/00000000-0000-4000-8000-000000000000', headers });
    expect(missing.statusCode).toBe(404);

    const byLegal = await suite.stack.app.inject({ method: 'POST', url: '/partners', headers: await suite.stack.auth('daan.visser'), payload: { ...partner, name: 'Other' } });
    expect(byLegal.statusCode).toBe(403);
    expect(await suite.stack.sql`select 1 from partners where name = 'Other'`).toHaveLength(0);
  });

  it('refuse relationships that are none, twice the same kind, of no known kind, or not begun by today, and an SRM priority (400), registering nothing', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const refused: [object, string][] = [
      [{ relationships: [] }, 'body.relationships'],
      [{ relationships: undefined }, 'body.relationships'],
      [{ relationships: [{ kind: 'nato', since: '2004-03-29' }, { kind: 'nato', since: '2010-01-01' }] }, 'body.relationships'],
      [{ relationships: [{ kind: 'naval', since: '2004-03-29' }] }, 'body.relationships.0.kind'],
      [{ relationships: [{ kind: 'eu', since: tomorrow }] }, 'body.relationships.0.since'],
      [{ relationships: [{ kind: 'eu', since: '2021-02-30' }] }, 'body.relationships.0.since'],
      [{ relationships: [{ kind: 'eu' }] }, 'body.relationships.0.since'],
      [{ srmPriority: 2 }, 'body'],
    ];
    for (const [body, field] of refused) {
      const res = await suite.http.call('joke.hendriks', 'POST', '/partners', { ...partner, name: 'Refused Relationship Service', ...body });
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field)).toContain(field);
    }
    expect(await suite.stack.sql`select 1 from partners where name = 'Refused Relationship Service'`).toHaveLength(0);
  });
});

describe('changing a partner', () => {
  const change = async (as: string, id: string, payload: object) => suite.stack.app.inject({ method: 'PATCH', url: `/partners/${id}`, headers: await suite.stack.auth(as), payload });
  const stored = async (id: string) => ({
    ...(await suite.stack.sql`select name, country, kind from partners where id = ${id}`)[0],
    relationships: await relationshipsOf(id),
  });
  const trail = (id: string) => suite.stack.sql<{ actorId: string; details: object }[]>`
    select actor_id, details from audit_log where action = 'partner.updated' and details->>'partnerId' = ${id} order by seq`;

  it('is for an admin or drafter, changes what it names (the relationships all at once), and is on the record before and after', async () => {
    const id = await register('Harbour Watch Service');
    const eu = [{ kind: 'eu', since: '2019-01-15' }];
    const res = await change('anna.devries', id, { relationships: eu, kind: 'combined' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, name: 'Harbour Watch Service', relationships: eu, kind: 'combined', srmPriority: null });
    expect(await stored(id)).toEqual({ name: 'Harbour Watch Service', country: 'Marinia', kind: 'combined', relationships: eu });
    expect((await change('joke.hendriks', id, { name: '  Harbour Watch Command ' })).json()).toMatchObject({ name: 'Harbour Watch Command', relationships: eu });

    // Setting what is so already is no change, and not on the record; nor is the same relationships in another order.
    expect((await change('joke.hendriks', id, { name: 'Harbour Watch Command', kind: 'combined', relationships: eu })).statusCode).toBe(200);
    const before = { name: 'Harbour Watch Service', country: 'Marinia', kind: 'military', relationships: inKindOrder };
    const afterFirst = { ...before, kind: 'combined', relationships: eu };
    expect(await trail(id)).toEqual([
      { actorId: 'anna.devries', details: { partnerId: id, before, after: afterFirst } },
      { actorId: 'joke.hendriks', details: { partnerId: id, before: afterFirst, after: { ...afterFirst, name: 'Harbour Watch Command' } } },
    ]);
    const both = await register('Harbour Twin Service');
    expect((await change('joke.hendriks', both, { relationships: partner.relationships })).statusCode).toBe(200);
    expect(await trail(both)).toEqual([]);
  });

  it('refuses the name and country of another partner (409), bad input (400), an unknown partner (404) and a reviewer (403), changing nothing', async () => {
    const [id] = [await register('Lighthouse Service'), await register('Beacon Service')];
    const before = { partner: await stored(id!), trail: await trail(id!) };
    const eu = { relationships: [{ kind: 'eu', since: '2019-01-15' }] };
    const refusals: [string, string, object, number][] = [
      ['joke.hendriks', id!, { name: 'Beacon Service' }, 409],
      ['joke.hendriks', id!, {}, 400],
      ['joke.hendriks', id!, { srmPriority: 2 }, 400],
      ['joke.hendriks', id!, { relationships: [] }, 400],
      ['joke.hendriks', id!, { relationship: 'eu' }, 400],
      ['joke.hendriks', id!, { kind: 'naval' }, 400],
      ['joke.hendriks', id!, { name: 'Two\nLines' }, 400],
      ['joke.hendriks', id!, { id: randomUUID() }, 400],
      ['joke.hendriks', 'not-a-uuid', eu, 400],
      ['joke.hendriks', randomUUID(), eu, 404],
      ['daan.visser', id!, eu, 403],
      ['ivo.peters', id!, eu, 403],
      ['gert.mulder', id!, eu, 403],
    ];
    for (const [as, target, payload, status] of refusals) {
      const res = await change(as, target, payload);
      expect({ as, payload, status: res.statusCode }).toEqual({ as, payload, status });
      expect(res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await change('joke.hendriks', id!, { name: 'Beacon Service' })).json()).toEqual({
      error: { code: 'conflict', message: 'a partner with this name and country exists', details: { field: 'name' } },
    });
    expect({ partner: await stored(id!), trail: await trail(id!) }).toEqual(before);
  });

  it('lets one of two changes racing to the same name and country through, the other 409', async () => {
    const ids = [await register('Racing Service One'), await register('Racing Service Two')];
    const answers = await Promise.all(ids.map((id) => change('joke.hendriks', id, { name: 'Racing Service' })));
    expect(answers.map((res) => res.statusCode).sort()).toEqual([200, 409]);
    expect(await suite.stack.sql`select 1 from partners where name = 'Racing Service'`).toHaveLength(1);
  });

  it('is documented with an example body and the statuses it refuses with', async () => {
    const { paths } = (await suite.stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const patch = paths['/partners/{id}'].patch;
    const examples: Record<string, { value: unknown }> = patch.requestBody.content['application/json'].examples;
    expect(Object.values(examples).map(({ value }) => PartnerChange.safeParse(value).success)).toEqual([true, true]);
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '503']));
  });
});

describe('a partner’s SRM priority', () => {
  const set = async (as: string, id: string, payload: object) => suite.stack.app.inject({ method: 'PUT', url: `/partners/${id}/srm-priority`, headers: await suite.stack.auth(as), payload });
  const history = async (as: string, id: string) => suite.stack.app.inject({ method: 'GET', url: `/partners/${id}/srm-priority`, headers: await suite.stack.auth(as) });
  const settings = (id: string) => suite.stack.sql`select priority, previous, justification, set_by from srm_priority_history where partner_id = ${id} order by seq`;
  const trail = (id: string) => suite.stack.sql<{ actorId: string; details: Record<string, unknown> }[]>`
    select actor_id, details from audit_log where action = 'partner.srm_priority_set' and details->>'partnerId' = ${id} order by seq`;
  const WHY = ['Main partner on the northern flank since the 2026 exercises.', 'Exchange has become daily;\nraised to the highest.'];

  it('is set by the head of service alone, with a justification, each setting kept (who, when, from, to, why) and on the record by reference', async () => {
    const id = await register('Priority Watch Service');
    const first = await set('gert.mulder', id, { priority: 2, justification: WHY[0] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ id: expect.any(String), partnerId: id, priority: 2, previous: null, justification: WHY[0], setBy: 'gert.mulder', setByName: 'Gert Mulder', setAt: expect.any(String) });
    const second = await set('gert.mulder', id, { priority: 1, justification: `  ${WHY[1]}  ` });
    expect(second.json()).toMatchObject({ priority: 1, previous: 2, justification: WHY[1] });
    expect((await suite.http.call('carla.bakker', 'GET', `/partners/${id}`)).json()).toMatchObject({ srmPriority: 1 });

    // The history, newest first, to any staff member; its reading on the record.
    const read = await history('carla.bakker', id);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ total: 2, items: [second.json(), first.json()] });
    expect(await suite.stack.sql`select 1 from audit_log where action = 'partner.read' and actor_id = 'carla.bakker' and details = ${suite.stack.sql.json({ partnerId: id, what: 'SRM priority history' })}`).toHaveLength(1);

    // The trail names each setting, never its justification.
    const entries = await trail(id);
    expect(entries).toEqual([
      { actorId: 'gert.mulder', details: { partnerId: id, srmPriorityEntry: first.json<{ id: string }>().id, priorityBefore: null, priorityAfter: 2 } },
      { actorId: 'gert.mulder', details: { partnerId: id, srmPriorityEntry: second.json<{ id: string }>().id, priorityBefore: 2, priorityAfter: 1 } },
    ]);
    expect(JSON.stringify(entries)).not.toContain('northern flank');

    // The priority it has already: no new setting, nothing on the record; the answer is the setting that gave it.
    const again = await set('gert.mulder', id, { priority: 1, justification: 'Confirmed.' });
    expect(again.json()).toEqual(second.json());
    expect(await settings(id)).toHaveLength(2);
    expect(await trail(id)).toHaveLength(2);
    expect((await suite.http.call('ivo.peters', 'GET', '/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('refuses everyone but the head of service (403), bad input (400) and an unknown partner (404), changing nothing', async () => {
    const id = await register('Priority Refusal Service');
    const good = { priority: 3, justification: 'Occasional exchange.' };
    const refusals: [string, string, object, number][] = [
      ['joke.hendriks', id, good, 403],
      ['anna.devries', id, good, 403],
      ['ivo.peters', id, good, 403],
      ['hanna.deboer', id, good, 403],
      ['karel.smits', id, good, 403],
      ['gert.mulder', id, { ...good, priority: 5 }, 400],
      ['gert.mulder', id, { ...good, priority: 0 }, 400],
      ['gert.mulder', id, { ...good, priority: '2' }, 400],
      ['gert.mulder', id, { ...good, justification: '   ' }, 400],
      ['gert.mulder', id, { priority: 2 }, 400],
      ['gert.mulder', id, { ...good, setBy: 'ivo.peters' }, 400],
      ['gert.mulder', id, { ...good, justification: 'x'.repeat(5_001) }, 400],
      ['gert.mulder', 'not-a-uuid', good, 400],
      ['gert.mulder', randomUUID(), good, 404],
    ];
    for (const [as, target, payload, status] of refusals) {
      const res = await set(as, target, payload);
      expect({ as, payload, status: res.statusCode }).toEqual({ as, payload, status });
    }
    expect((await suite.stack.app.inject({ method: 'PUT', url: `/partners/${id}/srm-priority`, payload: good })).statusCode).toBe(401);
    expect(await settings(id)).toEqual([]);
    expect(await trail(id)).toEqual([]);
    expect((await history('karel.smits', id)).statusCode).toBe(403);
    expect((await history('anna.devries', randomUUID())).statusCode).toBe(404);
    expect((await history('anna.devries', id)).json()).toEqual({ items: [], total: 0 });
  });

  it('keeps one history when two settings race: each names the one before it', async () => {
    const id = await register('Priority Race Service');
    const answers = await Promise.all([1, 2, 3, 4].map((priority) => set('gert.mulder', id, { priority, justification: `Set to ${priority}.` })));
    expect(answers.map((res) => res.statusCode)).toEqual([200, 200, 200, 200]);
    const rows = await settings(id);
    expect(rows.map((row) => row.previous)).toEqual([null, ...rows.slice(0, -1).map((row) => row.priority)]);
  });

  it('goes with the submit into the note’s workflow, which sets the review cadence by it', async () => {
    const id = await register('Priority Cadence Service');
    await set('gert.mulder', id, { priority: 1, justification: 'Highest.' });
    const noteId = await suite.http.createNote('anna.devries', undefined, id);
    await suite.http.submit('anna.devries', noteId);
    expect(await suite.stack.client.workflow.getHandle(noteWorkflowId(noteId)).query(stateQuery)).toMatchObject({ partnerPriority: 1 });
  });
});
