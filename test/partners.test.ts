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
