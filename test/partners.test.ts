import { randomUUID } from 'node:crypto';
import { PartnerChange } from '../domain/partner';
import { useStack } from './support/stack';

const suite = useStack();

const partner = { name: 'Coastal Naval Intelligence', country: 'Marinia', kind: 'military', relationship: 'nato', srmPriority: 3 };

describe('partners', () => {
  it('are created by an admin or drafter, listed and read by staff', async () => {
    const created = await suite.stack.app.inject({ method: 'POST', url: '/partners', headers: await suite.stack.auth('bram.jansen'), payload: partner });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(created.json()).toMatchObject({ ...partner, id });

    const list = await suite.stack.app.inject({ method: 'GET', url: '/partners?limit=1', headers: await suite.stack.auth('eva.smit') });
    expect(list.statusCode).toBe(200);
    const { items, total } = list.json<{ items: { id: string }[]; total: number }>();
    // A page of one; `total` counts them all, the three seeded and this one at least.
    expect(items).toHaveLength(1);
    expect(total).toBeGreaterThanOrEqual(4);
    expect((await suite.http.all<{ id: string }>('eva.smit', '/partners')).map((p) => p.id)).toContain(id);

    const one = await suite.stack.app.inject({ method: 'GET', url: `/partners/${id}`, headers: await suite.stack.auth('ivo.peters') });
    expect(one.json()).toMatchObject({ id, name: partner.name });
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
});

describe('changing a partner', () => {
  const change = async (as: string, id: string, payload: object) => suite.stack.app.inject({ method: 'PATCH', url: `/partners/${id}`, headers: await suite.stack.auth(as), payload });
  const register = async (name: string) => (await suite.stack.app.inject({ method: 'POST', url: '/partners', headers: await suite.stack.auth('joke.hendriks'), payload: { ...partner, name } })).json<{ id: string }>().id;
  const stored = async (id: string) => (await suite.stack.sql`select name, country, kind, relationship, srm_priority from partners where id = ${id}`)[0];
  const trail = (id: string) => suite.stack.sql<{ actorId: string; details: object }[]>`
    select actor_id, details from audit_log where action = 'partner.updated' and details->>'partnerId' = ${id} order by seq`;

  it('is for an admin or drafter, changes what it names, and is on the record before and after', async () => {
    const id = await register('Harbour Watch Service');
    const res = await change('anna.devries', id, { srmPriority: 1, relationship: 'bilateral' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, name: 'Harbour Watch Service', srmPriority: 1, relationship: 'bilateral', kind: 'military' });
    expect(await stored(id)).toEqual({ name: 'Harbour Watch Service', country: 'Marinia', kind: 'military', relationship: 'bilateral', srmPriority: 1 });
    expect((await change('joke.hendriks', id, { name: '  Harbour Watch Command ' })).json()).toMatchObject({ name: 'Harbour Watch Command' });

    // Setting what is so already is no change, and not on the record.
    expect((await change('joke.hendriks', id, { name: 'Harbour Watch Command', kind: 'military' })).statusCode).toBe(200);
    const before = { name: 'Harbour Watch Service', country: 'Marinia', kind: 'military', relationship: 'nato', srmPriority: 3 };
    expect(await trail(id)).toEqual([
      { actorId: 'anna.devries', details: { partnerId: id, before, after: { ...before, relationship: 'bilateral', srmPriority: 1 } } },
      { actorId: 'joke.hendriks', details: { partnerId: id, before: { ...before, relationship: 'bilateral', srmPriority: 1 }, after: { ...before, name: 'Harbour Watch Command', relationship: 'bilateral', srmPriority: 1 } } },
    ]);
  });

  it('refuses the name and country of another partner (409), bad input (400), an unknown partner (404) and a reviewer (403), changing nothing', async () => {
    const [id] = [await register('Lighthouse Service'), await register('Beacon Service')];
    const before = { partner: await stored(id!), trail: await trail(id!) };
    const refusals: [string, string, object, number][] = [
      ['joke.hendriks', id!, { name: 'Beacon Service' }, 409],
      ['joke.hendriks', id!, {}, 400],
      ['joke.hendriks', id!, { srmPriority: 9 }, 400],
      ['joke.hendriks', id!, { kind: 'naval' }, 400],
      ['joke.hendriks', id!, { name: 'Two\nLines' }, 400],
      ['joke.hendriks', id!, { id: randomUUID() }, 400],
      ['joke.hendriks', 'not-a-uuid', { srmPriority: 2 }, 400],
      ['joke.hendriks', randomUUID(), { srmPriority: 2 }, 404],
      ['daan.visser', id!, { srmPriority: 2 }, 403],
      ['ivo.peters', id!, { srmPriority: 2 }, 403],
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
