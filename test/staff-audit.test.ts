import { entryHash } from '../db/audit';
import { noteRef } from '../domain/wording';
import { signedIn, type StaffBrowser } from './support/staff';
import { useStack } from './support/stack';

/**
 * The audit trail's page, the auditor's alone: the verdict on the whole chain first, then the entries in
 * words, filtered in SQL by note, person, action and days, through the audit service of the JSON API.
 */
// A database of the suite's own: its last test breaks the chain, which no other suite may see.
const suite = useStack({ ownDatabase: 'weighing_notes_staff_audit' });

/** The rows of the trail's table, each cell's text (links and line breaks as text). */
const rows = (html: string) =>
  [...(html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) =>
    [...row!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map(([, cell]) => cell!.replace(/<br>/g, ' | ').replace(/<[^>]+>/g, '').trim()),
  );
const besideField = (html: string, name: string) => html.match(new RegExp(`<p class="gap" id="field-${name}-error">([^<]*)</p>`))?.[1];

let auditor: StaffBrowser;
let noteId: string;
beforeAll(async () => {
  noteId = await suite.http.createNote('anna.devries');
  await suite.http.note('gert.mulder', noteId);
  await suite.http.note('eva.smit', noteId);
  auditor = await signedIn(suite.stack, 'ivo.peters');
});

describe('the audit page', () => {
  it('does not exist for anyone but the auditor, nor in their navigation', async () => {
    for (const who of ['anna.devries', 'carla.bakker', 'gert.mulder', 'joke.hendriks', 'karel.smits']) {
      const browser = await signedIn(suite.stack, who);
      const page = await browser.get('/app/audit');
      expect({ who, status: page.statusCode }).toEqual({ who, status: 404 });
      expect(page.body).not.toContain('href="/app/audit"');
    }
    expect((await auditor.get('/app/')).body).toContain('href="/app/audit"');
  });

  it('says first whether the trail is whole, then shows the entries newest first, in words, with a link to each note', async () => {
    const page = await auditor.get(`/app/audit?note=${noteRef(noteId)}`);
    expect(page.statusCode).toBe(200);
    const [checked] = await suite.stack.sql<{ n: number }[]>`select count(*)::int as n from audit_log`;
    expect(page.body).toMatch(new RegExp(`The trail is whole and unaltered: all (\\d+) entries checked`));
    expect(Number(page.body.match(/all (\d+) entries checked/)![1])).toBeGreaterThanOrEqual(checked!.n);
    expect(page.body.indexOf('whole and unaltered')).toBeLessThan(page.body.indexOf('<table>'));

    const ref = noteRef(noteId);
    expect(rows(page.body).map(([, , person, action, note]) => [person, action, note])).toEqual([
      ['Eva Smit', 'Access to a note refused', ref],
      ['Gert Mulder', 'Note content read', ref],
      ['Anna de Vries', 'Note created', ref],
    ]);
    expect(page.body).toContain(`<a href="/app/notes/${noteId}">${ref}</a>`);
    expect(rows(page.body)[0]![5]).toBe('client address: 127.0.0.1 | route: /notes/:id | request: GET | status: 404');
    expect(rows(page.body)[1]![5]).toBe('what was read: note | revision: 1');
    expect(rows(page.body)[0]![1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    // Codes as words: no action's code is shown as text, only as the value of its choice in the filter.
    expect(page.body).not.toMatch(/>[^<]*note\.(created|content_read|access_refused)/);
  });

  it('filters by note id, person, action and days, keeping the filters in the form and in the paging links', async () => {
    const byPerson = await auditor.get(`/app/audit?note=${noteId}&person=gert.mulder&action=note.content_read`);
    expect(rows(byPerson.body).map((row) => row[2])).toEqual(['Gert Mulder']);
    expect(byPerson.body).toContain('<option value="gert.mulder" selected>Gert Mulder (gert.mulder)</option>');
    expect(byPerson.body).toContain('<option value="note.content_read" selected>Note content read</option>');

    const today = new Date().toISOString().slice(0, 10);
    const days = await auditor.get(`/app/audit?note=${noteId}&from=${today}&to=${today}&limit=1`);
    expect(rows(days.body)).toHaveLength(1);
    expect(days.body).toContain('1 to 1 of 3');
    const next = days.body.match(/href="([^"]+)" rel="next"/)![1]!.replaceAll('&amp;', '&');
    expect(Object.fromEntries(new URL(next, 'http://x').searchParams)).toEqual({ note: noteId, from: today, to: today, limit: '1', offset: '1' });
    expect(rows((await auditor.get(next)).body).map((row) => row[3])).toEqual(['Note content read']);

    const signIns = await auditor.get('/app/audit?person=ivo.peters&action=staff.signed_in');
    expect(rows(signIns.body).every(([, , person, action]) => person === 'Ivo Peters' && action === 'Signed in to the staff pages')).toBe(true);
    expect(rows(signIns.body).length).toBeGreaterThan(0);
    expect(rows((await auditor.get(`/app/audit?note=${noteId}&to=2020-01-01`)).body)).toEqual([]);
  });

  it('refuses a malformed filter beside its field, keeping what was typed, and lists nothing', async () => {
    const page = await auditor.get('/app/audit?note=WN-12%3Cb%3E&from=2026-11-02&to=2026-11-01');
    expect(page.statusCode).toBe(400);
    expect(besideField(page.body, 'note')).toBe('Give a note’s reference, like WN-1A2B3C4D, or its id.');
    expect(besideField(page.body, 'to')).toBe('Give the last day as a date, on or after the first day.');
    expect(page.body).toContain('value="WN-12&lt;b&gt;"');
    expect(page.body).toContain('The trail is whole and unaltered');
    expect(page.body).not.toContain('<table>');
  });

  it('says where the chain is broken, when it is', async () => {
    const [whole] = await suite.stack.sql<{ n: number }[]>`select count(*)::int as n from audit_log`;
    const forged = { eventKey: 'forged/1', at: new Date(), actorId: 'joke.hendriks', action: 'person.updated', noteId: null, details: {} };
    // A row that does not link to the one before it, as a hand in the database would leave it.
    const [row] = await suite.stack.sql<{ seq: string }[]>`
      insert into audit_log (event_key, at, actor_id, action, note_id, details, prev_hash, hash)
      values (${forged.eventKey}, ${forged.at}, ${forged.actorId}, ${forged.action}, null, '{}', ${'f'.repeat(64)}, ${entryHash('f'.repeat(64), forged)})
      returning seq`;
    const page = await auditor.get('/app/audit');
    expect(page.body).toContain(`The trail is broken at entry ${row!.seq}: it does not link to the row before it. The ${whole!.n} entries before it are whole.`);
    expect(page.body).toContain('class="box error" role="status"');
  });
});
