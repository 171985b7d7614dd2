import { SEED_PARTNERS } from '../dev/seed-data';
import { api, completeContent } from './support/notes';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
let http: ReturnType<typeof api>;
beforeAll(async () => {
  stack = await startStack();
  http = api(stack);
});
afterAll(() => stack?.close());

describe('reading notes', () => {
  it('lists notes with filters and pagination, without content', async () => {
    const partnerId = SEED_PARTNERS[1]!.id;
    const ids = [await http.createNote('bram.jansen', completeContent(), partnerId), await http.createNote('bram.jansen', completeContent(), partnerId)];
    await http.submit('bram.jansen', ids[1]!);
    const inReview = (await http.call('eva.smit', 'GET', `/notes?partnerId=${partnerId}&status=IN_REVIEW`)).json<{ items: { id: string; content?: unknown }[]; total: number }>();
    expect(inReview.items.map((n) => n.id)).toContain(ids[1]);
    expect(inReview.items.map((n) => n.id)).not.toContain(ids[0]);
    expect(inReview.items[0]).not.toHaveProperty('content');
    const page = (await http.call('eva.smit', 'GET', `/notes?partnerId=${partnerId}&limit=1&offset=1`)).json<{ items: unknown[]; total: number }>();
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect((await http.call('eva.smit', 'GET', '/notes?status=LIMBO')).statusCode).toBe(400);
    expect((await http.call('joke.hendriks', 'GET', '/notes')).statusCode).toBe(403);
  });

  it('gives each reviewer an inbox of the stages they may decide, oldest due first, without their own revisions or decided ones', async () => {
    const first = await http.createNote('anna.devries');
    const second = await http.createNote('anna.devries');
    await http.submit('anna.devries', first);
    await http.submit('anna.devries', second);
    const inbox = (await http.call('carla.bakker', 'GET', '/tasks')).json<{ id: string; stage: string }[]>();
    const mine = inbox.filter((n) => [first, second].includes(n.id)).map((n) => n.id);
    expect(mine).toEqual([first, second]);
    await http.decide('carla.bakker', first, 'approve');
    const after = (await http.call('carla.bakker', 'GET', '/tasks')).json<{ id: string }[]>().map((n) => n.id);
    expect(after).not.toContain(first);
    expect((await http.call('daan.visser', 'GET', '/tasks')).json<{ id: string }[]>().map((n) => n.id)).toContain(first);
    expect((await http.call('anna.devries', 'GET', '/tasks')).statusCode).toBe(403);
  });
});

describe('the audit trail over HTTP', () => {
  it('records every content read and decision, is for the auditor only, and verifies whole', async () => {
    const id = await http.createNote('anna.devries');
    await http.note('eva.smit', id);
    const trail = (await http.call('ivo.peters', 'GET', `/audit?noteId=${id}`)).json<{ action: string; actorId: string }[]>();
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([['note.created', 'anna.devries'], ['note.content_read', 'eva.smit']]);
    expect((await http.call('carla.bakker', 'GET', '/audit')).statusCode).toBe(403);
    expect((await http.call('ivo.peters', 'GET', '/audit/verify')).json()).toMatchObject({ ok: true, checked: expect.any(Number) });
  });
});
