import { randomUUID } from 'node:crypto';
import { SEED_PEOPLE } from '../dev/seed-data';
import { signReviewLink } from '../domain/review-link';
import { eventually } from './support/poll';
import { completeContent, newPartner } from './support/notes';
import { TEST_PUBLIC_BASE_URL, TEST_REVIEW_LINK_SECRET, useStack } from './support/stack';

// Its own database: a test takes a legal reviewer's role away for a moment, which other suites' reviews would meet.
const suite = useStack({ ownDatabase: 'weighing_notes_review_link' });
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
    expect(page.body).toContain(`<h1>Review ${ref(id)}</h1>`);
    expect(page.body).toContain(`<dd>Weighing note ${ref(id)}</dd>`);
    // Codes in words: classification, kind, relationship, ratings, forms, review date.
    for (const words of ['Stg. Geheim', '<dd>Civil</dd>', '<dd>Bilateral since 1 January 2020</dd>', 'Rating:</strong> Medium', 'Exchange of evaluated intelligence', '30 June 2028']) expect(page.body).toContain(words);
    expect(page.body).not.toMatch(/stg_geheim|evaluated_intelligence_exchange|>(civil|bilateral|medium)</);
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
    expect(done.body).toMatch(new RegExp(`You approved revision 1 of ${ref(id)} at team review on \\d{1,2} [A-Z][a-z]+ \\d{4} at \\d\\d:\\d\\d UTC\\. Legal review has been asked to decide\\.`));
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
    expect(gone.body).toContain(`<form method="post" action="${expired}/new-link">`);

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
    expect([older.statusCode, older.body.includes('out of date'), older.body.includes('revision 1 at legal review; the note is now at revision 2 in team review')]).toEqual([409, true, true]);
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

  it('shows a reviewer the old and the new text of each field changed since the revision they last saw', async () => {
    const id = await suite.http.createNote('bram.jansen');
    await suite.http.submit('bram.jansen', id);
    await get(await linkFor('carla.bakker', id));
    await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: 'Weigh again.' });
    const weighing = 'The interest <b>clearly</b> outweighs the risk given the mitigations.';
    await suite.http.call('bram.jansen', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing, classification: 'stg_zeer_geheim' }) });
    await suite.http.submit('bram.jansen', id);
    const page = await get(await linkFor('carla.bakker', id, 1));
    const changes = page.body.slice(page.body.indexOf('<h2 id="changes">'), page.body.indexOf('<h2>The partner</h2>'));
    expect(changes).toContain('Changed since revision 1, which you saw last');
    expect(changes.match(/<h3>[^<]+<\/h3>/g)).toEqual(['<h3>Weighing of interest against risk</h3>', '<h3>Classification</h3>']);
    // Content is text, never markup: what the drafter typed is escaped inside the marks.
    expect(changes).toMatch(/<ins>[^<]*&lt;b&gt;clearly&lt;\/b&gt;[^<]*<\/ins>/);
    expect(page.body).not.toContain('<b>');
    expect(changes).toContain('Stg. <ins>Zeer </ins>Geheim');
    expect(changes).not.toMatch(/<del>|stg_/);
  });
});

describe('an expired link', () => {
  const expiredLink = async (personId: string, noteId: string, stage: 'TEAM_REVIEW' | 'LEGAL_REVIEW', secret = TEST_REVIEW_LINK_SECRET) =>
    `/review/${await signReviewLink(secret, { sub: personId, note: noteId, rev: 1, stage, jti: randomUUID() }, new Date(Date.now() - 60_000))}`;
  const newLinksQueued = (noteId: string) => suite.stack.sql<{ recipientId: string; stage: string; revision: number }[]>`
    select recipient_id, stage, revision from outbox where note_id = ${noteId} and kind = 'new_review_link' and link_id is not null`;
  const requestsOnRecord = (noteId: string) =>
    suite.stack.sql<{ actorId: string; status: number }[]>`
      select actor_id, (details->>'status')::int as status from audit_log where note_id = ${noteId} and action = 'review.new_link_requested' order by seq`;

  it('mails its person a new link while they may still decide, once per link, on the record', async () => {
    const partner = await newPartner(suite.stack.sql);
    // High risk: legal review needs two approvals, so the stage stays open after the first.
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }), partner.id);
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'approve');
    await linkFor('eva.smit', id);
    const expired = await expiredLink('eva.smit', id, 'LEGAL_REVIEW');

    const page = await get(expired);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('<button type="submit">Mail me a new link</button>');
    const asked = await post(`${expired}/new-link`, {});
    expect([asked.statusCode, asked.body.includes('A new link is on its way to your mailbox.')]).toEqual([202, true]);
    for (const told of [page.body, asked.body]) for (const word of [partner.name, ref(id), 'Medium', 'High']) expect(told).not.toContain(word);
    expect(await newLinksQueued(id)).toEqual([{ recipientId: 'eva.smit', stage: 'LEGAL_REVIEW', revision: 1 }]);

    const again = await post(`${expired}/new-link`, {});
    expect([again.statusCode, again.body.includes('A new link for this one was asked for on')]).toEqual([202, true]);
    expect(await newLinksQueued(id)).toHaveLength(1);
    expect(await requestsOnRecord(id)).toEqual([
      { actorId: 'eva.smit', status: 202 },
      { actorId: 'eva.smit', status: 202 },
    ]);

    // It goes out at once (the note's execution is told), through the worker, minted then: a link that
    // opens the page. No transition of the note is needed for it.
    const fresh = await eventually(async () => {
      const mails = suite.stack.mail.messages().filter((m) => m.to.includes(email('eva.smit')) && m.subject === `New review link: weighing note ${ref(id)} (legal review)`);
      return mails[0];
    }, 'the new link mailed');
    const link = fresh.text.match(/https?:\/\/\S+\/review\/\S+/)![0].slice(TEST_PUBLIC_BASE_URL.length);
    const opened = await get(link);
    expect([opened.statusCode, opened.body.includes(partner.name)]).toEqual([200, true]);
  });

  it('says why no new link comes, telling nothing of the note to someone who may no longer read it', async () => {
    const partner = await newPartner(suite.stack.sql);
    const id = await suite.http.createNote('anna.devries', completeContent(), partner.id);
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'approve');
    await linkFor('frank.meijer', id);
    const secrets = [partner.name, ref(id), 'revision'];

    const forged = await post(`${await expiredLink('eva.smit', id, 'LEGAL_REVIEW', 'x'.repeat(40))}/new-link`, {});
    expect([forged.statusCode, forged.body.includes('This link is not valid')]).toEqual([404, true]);
    expect(await requestsOnRecord(id)).toEqual([]);

    await suite.stack.sql`update people set roles = '{}' where id = 'frank.meijer'`;
    try {
      const lost = await post(`${await expiredLink('frank.meijer', id, 'LEGAL_REVIEW')}/new-link`, {});
      expect([lost.statusCode, lost.body.includes('needs a role you no longer hold')]).toEqual([403, true]);
      for (const word of secrets) expect(lost.body).not.toContain(word);
    } finally {
      await suite.stack.sql`update people set roles = '{legal}' where id = 'frank.meijer'`;
    }

    const decided = await post(`${await expiredLink('carla.bakker', id, 'TEAM_REVIEW')}/new-link`, {});
    expect([decided.statusCode, decided.body.includes('You have decided on revision 1 at team review already')]).toEqual([409, true]);

    await suite.http.call('anna.devries', 'POST', `/notes/${id}/withdraw`, { reason: 'Overtaken by events.' });
    const over = await post(`${await expiredLink('eva.smit', id, 'LEGAL_REVIEW')}/new-link`, {});
    expect([over.statusCode, over.body.includes('the note is now withdrawn (revision 1)')]).toEqual([409, true]);

    const live = await signReviewLink(TEST_REVIEW_LINK_SECRET, { sub: 'eva.smit', note: id, rev: 1, stage: 'LEGAL_REVIEW', jti: randomUUID() }, new Date(Date.now() + 60_000));
    expect((await post(`/review/${live}/new-link`, {})).body).toContain('This link still works');

    expect(await newLinksQueued(id)).toEqual([]);
    expect(await requestsOnRecord(id)).toEqual([
      { actorId: 'frank.meijer', status: 403 },
      { actorId: 'carla.bakker', status: 409 },
      { actorId: 'eva.smit', status: 409 },
    ]);
  });
});
