import { startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const partner = { name: 'Coastal Naval Intelligence', country: 'Marinia', kind: 'military', relationship: 'nato', srmPriority: 3 };

describe('partners', () => {
  it('are created by an admin or drafter, listed and read by staff', async () => {
    const created = await stack.app.inject({ method: 'POST', url: '/partners', headers: await stack.auth('bram.jansen'), payload: partner });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(created.json()).toMatchObject({ ...partner, id });

    const list = await stack.app.inject({ method: 'GET', url: '/partners', headers: await stack.auth('eva.smit') });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ id: string }[]>().map((p) => p.id)).toContain(id);

    const one = await stack.app.inject({ method: 'GET', url: `/partners/${id}`, headers: await stack.auth('ivo.peters') });
    expect(one.json()).toMatchObject({ id, name: partner.name });
  });

  it('refuse a duplicate (409), an unknown id (404) and a reviewer creating one (403)', async () => {
    const duplicate = { ...partner, name: 'Duplicate Service' };
    const headers = await stack.auth('joke.hendriks');
    expect((await stack.app.inject({ method: 'POST', url: '/partners', headers, payload: duplicate })).statusCode).toBe(201);
    const again = await stack.app.inject({ method: 'POST', url: '/partners', headers, payload: duplicate });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'conflict' } });

    const missing = await stack.app.inject({ method: 'GET', url: '/partners/00000000-0000-4000-8000-000000000000', headers });
    expect(missing.statusCode).toBe(404);

    const byLegal = await stack.app.inject({ method: 'POST', url: '/partners', headers: await stack.auth('daan.visser'), payload: { ...partner, name: 'Other' } });
    expect(byLegal.statusCode).toBe(403);
    expect(await stack.sql`select 1 from partners where name = 'Other'`).toHaveLength(0);
  });
});
