import { noteRef } from '../domain/wording';
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

  it('filters by note (id or reference), person, action and days, in any combination, with the name of who acted', async () => {
    const id = await suite.http.createNote('bram.jansen');
    await suite.http.note('gert.mulder', id);
    await suite.http.note('ivo.peters', id);
    await suite.http.note('gert.mulder', id);
    type Entry = { seq: number; at: string; actorId: string | null; actorName: string | null; action: string; noteId: string | null };
    const trail = async (query: string) => {
      const res = await suite.http.call('ivo.peters', 'GET', `/audit?${query}`);
      expect(res.statusCode).toBe(200);
      return res.json<{ items: Entry[]; total: number }>();
    };
    const all = await trail(`noteId=${id}`);
    expect(all.items.map((e) => [e.action, e.actorId, e.actorName])).toEqual([
      ['note.created', 'bram.jansen', 'Bram Jansen'],
      ['note.content_read', 'gert.mulder', 'Gert Mulder'],
      ['note.content_read', 'ivo.peters', 'Ivo Peters'],
      ['note.content_read', 'gert.mulder', 'Gert Mulder'],
    ]);
    // The reference mail and pages show stands for the note: in either case, its eight digits only.
    for (const ref of [noteRef(id), noteRef(id).toLowerCase().replace('wn-', 'WN-')]) expect(await trail(`noteRef=${ref}`)).toEqual(all);

    const reads = await trail(`noteId=${id}&actorId=gert.mulder&action=note.content_read`);
    expect(reads).toEqual({ total: 2, items: [all.items[1], all.items[3]] });
    expect(await trail(`noteId=${id}&actorId=gert.mulder&action=note.content_read&limit=1&offset=1`)).toEqual({ total: 2, items: [all.items[3]] });
    expect((await trail(`actorId=bram.jansen&action=note.created`)).items.map((e) => e.noteId)).toContain(id);

    const today = all.items[0]!.at.slice(0, 10);
    const dayAfter = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    expect((await trail(`noteId=${id}&from=${today}&to=${today}`)).total).toBe(4);
    expect((await trail(`noteId=${id}&from=${dayAfter(today, 1)}`)).total).toBe(0);
    expect((await trail(`noteId=${id}&to=${dayAfter(today, -1)}`)).total).toBe(0);
    expect((await trail(`noteId=${id}&actorId=nobody.here`)).total).toBe(0);
  });

  it('refuses a malformed filter with 400 naming it', async () => {
    for (const [query, field] of [
      ['noteRef=WN-123', 'querystring.noteRef'],
      ['noteRef=1a2b3c4d', 'querystring.noteRef'],
      ['noteId=WN-1A2B3C4D', 'querystring.noteId'],
      ['action=DROP TABLE', 'querystring.action'],
      ['from=2026-13-01', 'querystring.from'],
      ['from=0000-01-01', 'querystring.from'],
      ['to=9999-12-31', 'querystring.to'],
      ['from=2026-11-02&to=2026-11-01', 'querystring.to'],
      ['who=ivo.peters', 'querystring'],
    ]) {
      const res = await suite.http.call('ivo.peters', 'GET', `/audit?${query}`);
      expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
      expect(res.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect((await suite.http.call('carla.bakker', 'GET', '/audit?action=note.decided')).statusCode).toBe(403);
  });

  it('documents its filters', async () => {
    const { paths } = (await suite.stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const documented = paths['/audit'].get.parameters.map((p: { name: string; description?: string }) => [p.name, !!p.description]);
    expect(documented).toEqual(expect.arrayContaining([['noteId', true], ['noteRef', true], ['actorId', true], ['action', true], ['from', true], ['to', true]]));
  });
});
