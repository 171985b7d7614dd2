import { completeContent, newPartner } from './support/notes';
import { useStack } from './support/stack';

const suite = useStack();

describe('reading notes', () => {
  it('lists notes with filters and pagination, without content', async () => {
    const partnerId = (await newPartner(suite.stack.sql)).id;
    // One current note per partner: the first is withdrawn before the second is made.
    const first = await suite.http.createNote('bram.jansen', completeContent(), partnerId);
    await suite.http.call('bram.jansen', 'POST', `/notes/${first}/withdraw`, { reason: 'Started over.' });
    const ids = [first, await suite.http.createNote('bram.jansen', completeContent(), partnerId)];
    await suite.http.submit('bram.jansen', ids[1]!);
    const inReview = (await suite.http.call('gert.mulder', 'GET', `/notes?partnerId=${partnerId}&status=IN_REVIEW`)).json<{ items: { id: string; content?: unknown }[]; total: number }>();
    expect(inReview.items.map((n) => n.id)).toContain(ids[1]);
    expect(inReview.items.map((n) => n.id)).not.toContain(ids[0]);
    expect(inReview.items[0]).not.toHaveProperty('content');
    const page = (await suite.http.call('gert.mulder', 'GET', `/notes?partnerId=${partnerId}&limit=1&offset=1`)).json<{ items: { id: string }[]; total: number }>();
    expect(page).toEqual({ items: [expect.objectContaining({ id: ids[0] })], total: 2 });
    // `total` counts every match, a page past the last one too.
    expect((await suite.http.call('gert.mulder', 'GET', `/notes?partnerId=${partnerId}&limit=3&offset=11`)).json()).toEqual({ items: [], total: 2 });
    expect((await suite.http.call('gert.mulder', 'GET', '/notes?status=LIMBO')).statusCode).toBe(400);
    // Need to know, in the list too: the drafter and the team lead (whose stage the submitted note reached) see theirs only.
    const listed = async (who: string) => (await suite.http.call(who, 'GET', `/notes?partnerId=${partnerId}`)).json<{ items: { id: string }[] }>().items.map((n) => n.id);
    expect(await listed('bram.jansen')).toEqual(expect.arrayContaining(ids));
    expect(await listed('carla.bakker')).toContain(ids[1]);
    expect(await listed('carla.bakker')).not.toContain(ids[0]);
    for (const stranger of ['anna.devries', 'eva.smit', 'hanna.deboer', 'joke.hendriks']) expect(await listed(stranger)).not.toEqual(expect.arrayContaining([ids[0]]));
  });

  it('gives each reviewer an inbox of the stages they may decide, oldest due first, without their own revisions or decided ones', async () => {
    const first = await suite.http.createNote('anna.devries');
    const second = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', first);
    await suite.http.submit('anna.devries', second);
    const inbox = async (who: string) => (await suite.http.all<{ id: string }>(who, '/tasks')).map((n) => n.id);
    expect((await inbox('carla.bakker')).filter((id) => [first, second].includes(id))).toEqual([first, second]);
    await suite.http.decide('carla.bakker', first, 'approve');
    expect(await inbox('carla.bakker')).not.toContain(first);
    expect(await inbox('daan.visser')).toContain(first);
    const page = (await suite.http.call('carla.bakker', 'GET', '/tasks?limit=1')).json<{ items: unknown[]; total: number }>();
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThanOrEqual(1);
    expect((await suite.http.call('anna.devries', 'GET', '/tasks')).statusCode).toBe(403);
  });
});

describe('the audit trail over HTTP', () => {
  it('records every content read and decision, is for the auditor only, and verifies whole', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.note('gert.mulder', id);
    expect((await suite.http.note('eva.smit', id)).statusCode).toBe(404);
    const { items: trail, total } = (await suite.http.call('ivo.peters', 'GET', `/audit?noteId=${id}`)).json<{ items: { action: string; actorId: string; details: object }[]; total: number }>();
    expect(total).toBe(3);
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([
      ['note.created', 'anna.devries'],
      ['note.content_read', 'gert.mulder'],
      ['note.access_refused', 'eva.smit'],
    ]);
    expect(trail[2]!.details).toEqual({ status: 404, method: 'GET', route: '/notes/:id', ip: '127.0.0.1' });
    expect((await suite.http.call('carla.bakker', 'GET', '/audit')).statusCode).toBe(403);
    expect((await suite.http.call('ivo.peters', 'GET', '/audit/verify')).json()).toMatchObject({ ok: true, checked: expect.any(Number) });
  });
});
