import { DEFAULT_POLICY } from '../domain/pipeline';
import { noteRef } from '../domain/wording';
import { completeContent, newPartner } from './support/notes';
import { section, textOf } from './support/page-text';
import { signedIn } from './support/staff';
import { useStack } from './support/stack';

/**
 * The inbox and the notes list of the staff pages: for reviewers, what they may decide now (oldest due
 * first, overdue said in words) and counts per stage; for drafters, their drafts, the notes sent back
 * to them and their adopted notes due for review; only notes the person may read, everywhere.
 */

// A database of its own, so that the counts and lists hold this suite's notes only. Legal review falls
// due at once, so that a note at it is overdue.
const suite = useStack({ ownDatabase: 'staff_inbox', policy: { ...DEFAULT_POLICY, stageDueMs: { ...DEFAULT_POLICY.stageDueMs, LEGAL_REVIEW: 1 } } });

/** A review date two days ahead: well within the reminder lead, and after today however long the setup takes. */
const soon = () => new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

const notes: Record<string, string> = {};
const partners: Record<string, string> = {};

beforeAll(async () => {
  const http = suite.http;
  const make = async (name: string, as = 'anna.devries', content = completeContent()) => {
    const partner = await newPartner(suite.stack.sql, { name: `Service ${name} ${Date.now().toString(36)}` });
    partners[name] = partner.name;
    notes[name] = await http.createNote(as, content, partner.id);
    return notes[name];
  };
  const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
    const { statusCode, body } = await res;
    if (statusCode !== 200) throw new Error(`${statusCode} ${body}`);
  };
  const adopt = async (id: string) => {
    await ok(http.submit('anna.devries', id));
    for (const who of ['carla.bakker', 'daan.visser', 'gert.mulder']) await ok(http.decide(who, id, 'approve'));
  };
  // At team review, two of them: the older due first.
  await ok(http.submit('anna.devries', await make('teamFirst')));
  await ok(http.submit('anna.devries', await make('teamSecond')));
  // At legal review, overdue at once.
  await ok(http.submit('anna.devries', await make('legal')));
  await ok(http.decide('carla.bakker', notes.legal!, 'approve'));
  await make('draft');
  // Sent back for changes on its latest revision.
  await ok(http.submit('anna.devries', await make('sentBack')));
  await ok(http.decide('carla.bakker', notes.sentBack!, 'request_changes', 1, { comment: 'Sharpen the findings.' }));
  await adopt(await make('reviewSoon', 'anna.devries', completeContent({ reviewDate: soon() })));
  await adopt(await make('reviewLater'));
  await make('bramsDraft', 'bram.jansen');
});

describe('the inbox of a reviewer', () => {
  it('lists what the team lead may decide now, oldest due first, each by reference and partner, with the count at their stage', async () => {
    const res = await (await signedIn(suite.stack, 'carla.bakker')).get('/app/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const toDecide = section(res.body, 'to-decide');
    const first = toDecide.indexOf(noteRef(notes.teamFirst!));
    expect(first).toBeGreaterThan(0);
    expect(toDecide.indexOf(noteRef(notes.teamSecond!))).toBeGreaterThan(first);
    expect(toDecide).toContain(`href="/app/notes/${notes.teamFirst}"`);
    expect(toDecide).toContain(partners.teamFirst);
    // Decided already, moved on, or sent back: nothing for her to decide.
    for (const name of ['legal', 'sentBack', 'draft', 'reviewSoon']) expect(res.body).not.toContain(noteRef(notes[name]!));
    expect(textOf(toDecide)).toContain('Team review: 2 to decide');
    expect(textOf(toDecide)).not.toContain('overdue');
    expect(res.body).not.toContain('id="drafts"');
  });

  it('says in words that a note is overdue, and counts the overdue ones', async () => {
    const res = await (await signedIn(suite.stack, 'daan.visser')).get('/app/');
    const toDecide = textOf(section(res.body, 'to-decide'));
    expect(toDecide).toContain('Legal review: 1 to decide, 1 overdue');
    expect(toDecide).toMatch(new RegExp(`${noteRef(notes.legal!)} ${partners.legal}, Testland Legal review, revision 1 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC Overdue`));
    // The team review notes have not reached his stage: he may not even read them.
    expect(res.body).not.toContain(noteRef(notes.teamFirst!));
  });
});

describe('the inbox of a drafter', () => {
  it('shows the notes sent back for changes, the other drafts, and the adopted notes whose review date nears; no one else’s', async () => {
    const res = await (await signedIn(suite.stack, 'anna.devries')).get('/app/');
    expect(res.statusCode).toBe(200);
    const sentBack = section(res.body, 'sent-back');
    const drafts = section(res.body, 'drafts');
    const reviewDue = section(res.body, 'review-due');
    expect(sentBack).toContain(noteRef(notes.sentBack!));
    expect(sentBack).toContain(partners.sentBack);
    expect(sentBack).not.toContain(noteRef(notes.draft!));
    expect(drafts).toContain(noteRef(notes.draft!));
    expect(drafts).not.toContain(noteRef(notes.sentBack!));
    expect(reviewDue).toContain(noteRef(notes.reviewSoon!));
    expect(textOf(reviewDue)).toContain('Not started');
    expect(reviewDue).not.toContain(noteRef(notes.reviewLater!));
    // In review, another drafter's, or nothing to decide for a drafter.
    for (const name of ['teamFirst', 'legal', 'bramsDraft']) expect(res.body).not.toContain(noteRef(notes[name]!));
    expect(res.body).not.toContain('id="to-decide"');
  });
});

describe('the inbox of someone who neither reviews nor drafts', () => {
  it('says so in a sentence and offers the pages they have', async () => {
    const res = await (await signedIn(suite.stack, 'ivo.peters')).get('/app/');
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('There is nothing for you to decide or draft here');
    expect(res.body).toContain('href="/app/audit"');
    expect(res.body).not.toContain('id="to-decide"');
    expect(res.body).not.toContain('id="drafts"');
  });
});

describe('the notes list', () => {
  const rowsOf = (html: string) => [...html.matchAll(/<tr><td><a class="ref" href="\/app\/notes\/([0-9a-f-]{36})">/g)].map((m) => m[1]);

  it('shows only the notes the person may read, with codes in words, newest first', async () => {
    const res = await (await signedIn(suite.stack, 'anna.devries')).get('/app/notes');
    expect(res.statusCode).toBe(200);
    const rows = rowsOf(res.body);
    const mine = ['teamFirst', 'teamSecond', 'legal', 'draft', 'sentBack', 'reviewSoon', 'reviewLater'].map((name) => notes[name]!);
    expect(rows).toEqual(expect.arrayContaining(mine));
    expect(rows).not.toContain(notes.bramsDraft);
    // Newest first.
    expect(rows.indexOf(notes.reviewLater!)).toBeLessThan(rows.indexOf(notes.teamFirst!));
    expect(textOf(res.body)).toContain('1 to 7 of 7');
    expect(textOf(res.body)).toContain('In review, revision 1');
    expect(textOf(res.body)).not.toMatch(/IN_REVIEW|TEAM_REVIEW|LEGAL_REVIEW/);
    expect(res.body).toContain(partners.legal);
    expect(res.body).not.toContain(partners.bramsDraft);
  });

  it('filters by status, stage and partner as the API does', async () => {
    const browser = await signedIn(suite.stack, 'gert.mulder');
    expect(rowsOf((await browser.get('/app/notes?status=ACTIVE')).body).sort()).toEqual([notes.reviewSoon, notes.reviewLater].sort());
    expect(rowsOf((await browser.get('/app/notes?stage=TEAM_REVIEW&status=&partner=')).body).sort()).toEqual([notes.teamFirst, notes.teamSecond].sort());
    const partnerId = (await suite.stack.sql<{ partnerId: string }[]>`select partner_id from notes where id = ${notes.legal!}`)[0]!.partnerId;
    const byPartner = await browser.get(`/app/notes?partner=${partnerId}`);
    expect(rowsOf(byPartner.body)).toEqual([notes.legal]);
    // The filter keeps its choice.
    expect(byPartner.body).toContain(`<option value="${partnerId}" selected>`);
  });

  it('pages with previous and next links that keep the filters', async () => {
    const browser = await signedIn(suite.stack, 'gert.mulder');
    const first = await browser.get('/app/notes?limit=3');
    expect(textOf(first.body)).toContain('1 to 3 of 8');
    expect(first.body).toContain('href="/app/notes?limit=3&amp;offset=3" rel="next"');
    expect(first.body).not.toContain('Previous page');
    const last = await browser.get('/app/notes?status=&limit=3&offset=6');
    expect(textOf(last.body)).toContain('7 to 8 of 8');
    expect(last.body).toContain('href="/app/notes?limit=3&amp;offset=3" rel="prev"');
    expect(last.body).not.toContain('Next page');
    const filtered = await browser.get('/app/notes?status=IN_REVIEW&limit=2');
    expect(filtered.body).toContain('href="/app/notes?status=IN_REVIEW&amp;limit=2&amp;offset=2" rel="next"');
    // Every page together is the whole list, each note once.
    const all = [...rowsOf(first.body), ...rowsOf((await browser.get('/app/notes?limit=3&offset=3')).body), ...rowsOf(last.body)];
    expect(new Set(all).size).toBe(8);
  });

  it('refuses filters it does not know with a 400 page that says so', async () => {
    const browser = await signedIn(suite.stack, 'anna.devries');
    for (const query of ['status=LIMBO', 'stage=NOWHERE', 'partner=not-a-uuid', 'limit=0', 'limit=201', 'offset=-1']) {
      const res = await browser.get(`/app/notes?${query}`);
      expect([query, res.statusCode]).toEqual([query, 400]);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('The list cannot be shown that way');
    }
  });
});
