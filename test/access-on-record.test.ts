import { randomUUID } from 'node:crypto';
import { signReviewLink } from '../domain/review-link';
import { completeContent } from './support/notes';
import { TEST_REVIEW_LINK_SECRET, useStack } from './support/stack';

/**
 * Accountability (DOMAIN.md): every response that shows a note's content is a read on the record,
 * partners' registration and reads are too, and so is every refused attempt on a note, with who
 * tried. The trail names people, notes and partners, never content.
 */
const suite = useStack();
const COMMENT = 'Secret comment about the liaison officer';
const REASON = 'Secret reason for withdrawing';

const trail = (noteId: string) =>
  suite.stack.sql<{ action: string; actorId: string | null; details: Record<string, unknown> }[]>`
    select action, actor_id, details from audit_log where note_id = ${noteId} order by seq`;
const reads = async (noteId: string) => (await trail(noteId)).filter((e) => e.action === 'note.content_read').map((e) => [e.actorId, e.details.what]);
const refusals = async (noteId: string) => (await trail(noteId)).filter((e) => e.action === 'note.access_refused').map((e) => [e.actorId, e.details.status, e.details.route]);

describe('everything that shows content is on the record', () => {
  it('records a read for every response carrying a note’s content: reads, a saved draft and the workflow’s state', async () => {
    const { http } = suite;
    const id = await http.createNote('anna.devries');
    const answers = [
      await http.submit('anna.devries', id),
      await http.decide('carla.bakker', id, 'request_changes', 1, { comment: COMMENT }),
    ];
    await http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Revised.' }) });
    await http.note('gert.mulder', id);
    await http.call('ivo.peters', 'GET', `/notes/${id}/history`);
    await http.call('carla.bakker', 'GET', `/notes/${id}/workflow-state`);
    answers.push(await http.call('anna.devries', 'POST', `/notes/${id}/withdraw`, { reason: REASON }));
    expect(await reads(id)).toEqual([
      ['anna.devries', 'draft response'],
      ['gert.mulder', 'note'],
      ['ivo.peters', 'history'],
      ['carla.bakker', 'workflow state'],
    ]);
    // A submission, decision or withdrawal is answered with the new state, never the content: no read there.
    expect(answers.map((answer) => [answer.statusCode, answer.json<{ status: string }>().status, 'content' in answer.json()])).toEqual([
      [200, 'IN_REVIEW', false],
      [200, 'DRAFT', false],
      [200, 'WITHDRAWN', false],
    ]);
    const written = JSON.stringify(await trail(id));
    for (const secret of [COMMENT, REASON, 'Revised.', completeContent().weighing!]) expect(written).not.toContain(secret);
  });

  it('records every refused attempt on a note (a token refused, 403, 404) with who tried, and nothing the request carried', async () => {
    const { http, stack } = suite;
    const id = await http.createNote('anna.devries');
    await http.submit('anna.devries', id);
    // No token at all is no one's attempt: the access log has it, the trail does not. A forged token is someone's.
    expect((await stack.app.inject({ method: 'GET', url: `/notes/${id}`, remoteAddress: '10.1.2.3' })).statusCode).toBe(401);
    expect((await stack.app.inject({ method: 'GET', url: `/notes/${id}`, remoteAddress: '10.1.2.3', headers: { authorization: 'Bearer forged.token.here' } })).statusCode).toBe(401);
    expect((await http.call('eva.smit', 'GET', `/notes/${id}/history`)).statusCode).toBe(404);
    expect((await http.call('bram.jansen', 'POST', `/notes/${id}/withdraw`, { reason: REASON })).statusCode).toBe(404);
    expect((await http.decide('gert.mulder', id, 'reject', 1, { comment: COMMENT })).statusCode).toBe(403);
    expect(await refusals(id)).toEqual([
      [null, 401, '/notes/:id'],
      ['eva.smit', 404, '/notes/:id/history'],
      ['bram.jansen', 404, '/notes/:id/withdraw'],
      ['gert.mulder', 403, '/notes/:id/decisions'],
    ]);
    const [anonymous] = (await trail(id)).filter((e) => e.action === 'note.access_refused');
    expect(anonymous!.details).toEqual({ status: 401, method: 'GET', route: '/notes/:id', ip: '10.1.2.3' });
    const written = JSON.stringify(await trail(id));
    for (const secret of [COMMENT, REASON]) expect(written).not.toContain(secret);
  });

  it('records a review link refused to a genuine holder (role lost, note not theirs to read), not a forged one', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const link = async (sub: string, secret = TEST_REVIEW_LINK_SECRET) =>
      `/review/${await signReviewLink(secret, { sub, note: id, rev: 1, stage: 'TEAM_REVIEW', jti: randomUUID() }, new Date(Date.now() + 60_000))}`;
    // Eva (legal) holds a link for team review: she lacks the role, and the note has not reached her stage.
    expect((await suite.stack.app.inject({ method: 'GET', url: await link('eva.smit') })).statusCode).toBe(403);
    expect((await suite.stack.app.inject({ method: 'GET', url: await link('carla.bakker', 'f'.repeat(40)) })).statusCode).toBe(404);
    expect(await refusals(id)).toEqual([['eva.smit', 403, '/review/:token']]);
  });

  it('records who registers and who reads partners, by id', async () => {
    const created = await suite.http.call('joke.hendriks', 'POST', '/partners', { name: 'Record Keeping Service', country: 'Archivia', kind: 'civil', relationships: [{ kind: 'bilateral', since: '2020-01-01' }] });
    const { id } = created.json<{ id: string }>();
    await suite.http.call('carla.bakker', 'GET', '/partners');
    await suite.http.call('ivo.peters', 'GET', `/partners/${id}`);
    // Other suites read partners meanwhile: this one's entries are those naming its partner, and the list read after its creation.
    const entries = await suite.stack.sql<{ action: string; actorId: string; details: Record<string, unknown> }[]>`
      select action, actor_id, details from audit_log
      where details->>'partnerId' = ${id}
         or (action = 'partner.list_read' and actor_id = 'carla.bakker' and seq > (select seq from audit_log where details->>'partnerId' = ${id} and action = 'partner.created'))
      order by seq`;
    expect(entries.map((e) => [e.action, e.actorId])).toEqual(expect.arrayContaining([
      ['partner.created', 'joke.hendriks'],
      ['partner.list_read', 'carla.bakker'],
      ['partner.read', 'ivo.peters'],
    ]));
    expect(entries[0]).toEqual({ action: 'partner.created', actorId: 'joke.hendriks', details: { partnerId: id } });
    expect(JSON.stringify(entries)).not.toContain('Archivia');
    expect((await suite.http.call('ivo.peters', 'GET', '/audit/verify')).json()).toMatchObject({ ok: true });
  });
});
