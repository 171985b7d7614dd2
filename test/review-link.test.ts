import { randomUUID } from 'node:crypto';
import { SEED_PEOPLE } from '../dev/seed-data';
import { signReviewLink } from '../domain/review-link';
import { eventually } from './support/poll';
import { completeContent, newPartner } from './support/notes';
import { TEST_PUBLIC_BASE_URL, TEST_REVIEW_LINK_SECRET, useStack } from './support/stack';

const suite = useStack();
const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;
const ref = (noteId: string) => `WN-${noteId.slice(0, 8).toUpperCase()}`;

/** The path of the review link in the newest mail to a person about a note, as a reviewer would click it. */
async function linkFor(personId: string, noteId: string, after = 0): Promise<string> {
  const mail = await eventually(async () => {
    const mails = suite.stack.mail.messages().filter((m) => m.to.includes(email(personId)) && m.subject.includes(ref(noteId)));
    return mails.length > after ? mails.at(-1) : undefined;
  }, `a review mail to ${personId}`);
  const url = mail.text.match(/https?:\/\/\S+\/review\/\S+/)![0];
  expect(url.startsWith(`${TEST_PUBLIC_BASE_URL}/review/`)).toBe(true);
  return url.slice(TEST_PUBLIC_BASE_URL.length);
}

const get = (path: string) => suite.stack.app.inject({ method: 'GET', url: path });
const post = (path: string, form: Record<string, string>) =>
  suite.stack.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
const footprint = (noteId: string) =>
  suite.stack.sql`select (select row_to_json(n) from notes n where n.id = ${noteId}) as note, (select count(*)::int from decisions where note_id = ${noteId}) as decisions`;

describe('the personal review link', () => {
  it('shows the note with a form, records the decision through the workflow, and then works no more', async () => {
    const partner = await newPartner(suite.stack.sql);
    const id = await suite.http.createNote('anna.devries', completeContent(), partner.id);
    await suite.http.submit('anna.devries', id);
    const link = await linkFor('carla.bakker', id);

    const page = await get(link);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain(partner.name);
    expect(page.body).toMatch(/<label><input type="radio" name="outcome" value="approve"/);
    expect(page.body).toContain('<label for="comment">');
    expect(page.body).not.toContain('<script');
    const reads = await suite.stack.sql`select 1 from audit_log where note_id = ${id} and actor_id = 'carla.bakker' and action = 'note.content_read'`;
    expect(reads).toHaveLength(1);

    const before = await footprint(id);
    const missing = await post(link, { outcome: 'reject', comment: '' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('A comment is required');
    expect(await footprint(id)).toEqual(before);

    const done = await post(link, { outcome: 'approve', comment: '' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your decision is recorded');
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ stage: 'LEGAL_REVIEW', approvals: [{ actorId: 'carla.bakker' }] });
    await linkFor('daan.visser', id);

    const after = await footprint(id);
    for (const reuse of [await get(link), await post(link, { outcome: 'reject', comment: 'Second thoughts.' })]) {
      expect(reuse.statusCode).toBe(409);
      expect(reuse.body).toContain('This link has been used');
    }
    expect(await footprint(id)).toEqual(after);
  });

  it('refuses an expired link, a link of a stage no longer open, a link to an older revision, and a forged one', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const teamLink = await linkFor('carla.bakker', id);

    const expired = await signReviewLink(TEST_REVIEW_LINK_SECRET, { sub: 'carla.bakker', note: id, rev: 1, stage: 'TEAM_REVIEW', jti: randomUUID() }, new Date(Date.now() - 60_000));
    const gone = await get(`/review/${expired}`);
    expect([gone.statusCode, gone.body.includes('This link has expired')]).toEqual([410, true]);

    const forged = await signReviewLink('x'.repeat(40), { sub: 'carla.bakker', note: id, rev: 1, stage: 'TEAM_REVIEW', jti: randomUUID() }, new Date(Date.now() + 60_000));
    expect((await get(`/review/${forged}`)).statusCode).toBe(404);

    await suite.http.decide('carla.bakker', id, 'approve');
    const legalLink = await linkFor('eva.smit', id);
    // Carla decided in the application: her emailed link now says so.
    const stale = await post(teamLink, { outcome: 'approve' });
    expect([stale.statusCode, stale.body.includes('You have decided already')]).toEqual([409, true]);

    await suite.http.decide('daan.visser', id, 'request_changes', 1, { comment: 'Add sources.' });
    await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Reweighed.' }) });
    await suite.http.submit('anna.devries', id);
    const before = await footprint(id);
    // Eva's link is for revision 1 at legal review; the note is at team review of revision 2.
    const older = await post(legalLink, { outcome: 'approve' });
    expect([older.statusCode, older.body.includes('out of date'), older.body.includes('revision 1 at Legal review')]).toEqual([409, true, true]);
    expect(await footprint(id)).toEqual(before);
  });

  it('is refused to someone who decided already, lost the stage’s role, or sends the form twice', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'approve');
    const [daan, eva, frank] = [await linkFor('daan.visser', id), await linkFor('eva.smit', id), await linkFor('frank.meijer', id)];

    await suite.stack.sql`update people set roles = '{}' where id = 'frank.meijer'`;
    try {
      const lost = await get(frank);
      expect([lost.statusCode, lost.body.includes('no longer yours')]).toEqual([403, true]);
    } finally {
      await suite.stack.sql`update people set roles = '{legal}' where id = 'frank.meijer'`;
    }

    // Two presses of the button: one decision, and an answer (not an error) for the other.
    const both = await Promise.all([post(eva, { outcome: 'request_changes', comment: 'Add sources.' }), post(eva, { outcome: 'request_changes', comment: 'Add sources.' })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await suite.stack.sql`select count(*)::int as n from decisions where note_id = ${id} and actor_id = 'eva.smit'`).toEqual([{ n: 1 }]);

    await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'With sources.' }) });
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'approve', 2);
    const fresh = await linkFor('daan.visser', id, 1);
    expect(fresh).not.toBe(daan);
    await suite.http.decide('daan.visser', id, 'approve', 2);
    const decided = await get(fresh);
    expect([decided.statusCode, decided.body.includes('You have decided already')]).toEqual([409, true]);
  });

  it('tells a reviewer what changed since the revision they last saw', async () => {
    const id = await suite.http.createNote('bram.jansen');
    await suite.http.submit('bram.jansen', id);
    await get(await linkFor('carla.bakker', id));
    await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: 'Weigh again.' });
    await suite.http.call('bram.jansen', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Weighed again.' }) });
    await suite.http.submit('bram.jansen', id);
    const page = await get(await linkFor('carla.bakker', id, 1));
    expect(page.body).toContain('Changed since revision 1, which you saw last');
    expect(page.body).toMatch(/<li>weighing<\/li>/);
  });
});
