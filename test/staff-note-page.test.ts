import { randomUUID } from 'node:crypto';
import { noteRef } from '../domain/wording';
import { completeContent, newPartner } from './support/notes';
import { section, textOf } from './support/page-text';
import { formValue, signedIn, type StaffBrowser } from './support/staff';
import { useStack } from './support/stack';

/**
 * A note's page on the staff pages: its content in words, its route with who approved which revision
 * (void ones as void), its history, a diff between any two revisions, and only the actions the person
 * may take, each a form that goes through the note service and comes back with a sentence.
 */
const suite = useStack();

const contentReads = async (noteId: string, who: string) =>
  (await suite.stack.sql<{ what: string; revision: number }[]>`
    select details->>'what' as what, (details->>'revision')::int as revision from audit_log
    where note_id = ${noteId} and actor_id = ${who} and action = 'note.content_read' order by seq`).map((r) => [r.what, r.revision]);

async function newNote(content = completeContent()) {
  const partner = await newPartner(suite.stack.sql, { name: `Coastal Service ${randomUUID().slice(0, 8)}`, kind: 'military', relationships: [{ kind: 'nato', since: '2020-01-01' }] });
  return { id: await suite.http.createNote('anna.devries', content, partner.id), partner };
}

/** Posts a form of the note's page and follows the redirect, as a browser does. */
async function postAndFollow(browser: StaffBrowser, path: string, form: Record<string, string>) {
  const res = await browser.post(path, form);
  expect([res.statusCode, res.body]).toEqual([303, '']);
  return { location: res.headers.location as string, page: await browser.get(res.headers.location as string) };
}

describe('a note’s page', () => {
  it('shows every field of the content with codes in words, under the note’s classification, on the record', async () => {
    const { id, partner } = await newNote(completeContent({ overallRisk: 'high', mitigations: 'Quarterly review.', permittedCooperation: ['evaluated_intelligence_exchange', 'joint_operations'] }));
    const res = await (await signedIn(suite.stack, 'anna.devries')).get(`/app/notes/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = textOf(res.body);
    expect(res.body).toContain(`<title>Wegingsnotitie ${noteRef(id)}`);
    expect(res.body).not.toMatch(/<title>[^<]*Coastal/);
    expect(text).toContain(`${partner.name}, Testland (Military, NATO since 1 January 2020, SRM priority not set)`);
    expect(text).toMatch(/Classification: Stg\. Geheim.*Classification: Stg\. Geheim/);
    expect(text).toContain('Status Draft');
    for (const shown of [
      'Early warning on regional threats to deployed units.',
      'Respect for human rights in the country Findings Concerns reported by NGOs in 2025. Sources Open-source assessment 2026 Risk rating Medium',
      'Overall risk High',
      'The interest outweighs the risk given the mitigations.',
      'Quarterly review.',
      'exchange of evaluated intelligence joint operations',
      'Review date 30 June 2028',
      'The minister decides after the head of service: the overall risk is high.',
    ]) {
      expect(text).toContain(shown);
    }
    expect(text).not.toMatch(/stg_geheim|evaluated_intelligence_exchange|IN_REVIEW|TEAM_REVIEW|\bDRAFT\b/);
    expect(await contentReads(id, 'anna.devries')).toEqual([['note page', 1]]);
  });

  it('is the same 404 page for a note the person may not read as for one that does not exist', async () => {
    const { id } = await newNote();
    for (const who of ['bram.jansen', 'daan.visser', 'joke.hendriks']) {
      const browser = await signedIn(suite.stack, who);
      const refused = await browser.get(`/app/notes/${id}`);
      const missing = await browser.get(`/app/notes/${randomUUID()}`);
      const malformed = await browser.get('/app/notes/not-a-note');
      expect([refused.statusCode, missing.statusCode, malformed.statusCode]).toEqual([404, 404, 404]);
      expect(refused.body).toBe(missing.body);
      expect(malformed.body).toBe(missing.body);
      expect(refused.body).not.toContain(noteRef(id));
      // Nor may they act on it.
      expect((await browser.post(`/app/notes/${id}/withdraw`, { reason: 'Mine now.' })).statusCode).toBe(404);
    }
    expect(await contentReads(id, 'bram.jansen')).toEqual([]);
    // Each refused attempt is on the record, as on the API's routes.
    const refusals = await suite.stack.sql<{ details: object }[]>`
      select details from audit_log where note_id = ${id} and actor_id = 'bram.jansen' and action = 'note.access_refused' order by seq`;
    expect(refusals.map((r) => r.details)).toEqual([
      { status: 404, method: 'GET', route: '/app/notes/:id', ip: '127.0.0.1' },
      { status: 404, method: 'POST', route: '/app/notes/:id/withdraw', ip: '127.0.0.1' },
    ]);
  });

  it('offers each person only the actions they may take now', async () => {
    const { id } = await newNote();
    const formsOf = async (who: string) => {
      const html = (await (await signedIn(suite.stack, who)).get(`/app/notes/${id}`)).body;
      return { decide: html.includes('/decide"'), withdraw: html.includes('/withdraw"'), reassess: html.includes('/reassess"'), edit: html.includes(`href="/app/notes/${id}/edit"`) };
    };
    expect(await formsOf('anna.devries')).toEqual({ decide: false, withdraw: true, reassess: false, edit: true });
    expect(await formsOf('gert.mulder')).toEqual({ decide: false, withdraw: true, reassess: false, edit: false });
    expect(await formsOf('ivo.peters')).toEqual({ decide: false, withdraw: false, reassess: false, edit: false });
    await suite.http.submit('anna.devries', id);
    expect(await formsOf('carla.bakker')).toEqual({ decide: true, withdraw: false, reassess: false, edit: false });
    expect(await formsOf('anna.devries')).toEqual({ decide: false, withdraw: true, reassess: false, edit: false });
    await suite.http.decide('carla.bakker', id, 'approve');
    // Decided already at her stage; legal review's reviewer may decide now.
    expect(await formsOf('carla.bakker')).toEqual({ decide: false, withdraw: false, reassess: false, edit: false });
    expect(await formsOf('daan.visser')).toEqual({ decide: true, withdraw: false, reassess: false, edit: false });
    for (const who of ['daan.visser', 'gert.mulder']) await suite.http.decide(who, id, 'approve');
    expect(await formsOf('anna.devries')).toEqual({ decide: false, withdraw: false, reassess: true, edit: false });
    expect(await formsOf('gert.mulder')).toEqual({ decide: false, withdraw: false, reassess: true, edit: false });
  });
});

describe('deciding on the page', () => {
  it('records decisions through the service, refusing a missing comment beside its field, and shows the route with void approvals and the history', async () => {
    const { id } = await newNote();
    await suite.http.submit('anna.devries', id);
    const carla = await signedIn(suite.stack, 'carla.bakker');
    const form = (await carla.get(`/app/notes/${id}`)).body;
    expect([formValue(form, 'stage'), formValue(form, 'revision')]).toEqual(['TEAM_REVIEW', '1']);
    expect(textOf(form)).toContain('Your decision at team review on revision 1');

    const approved = await postAndFollow(carla, `/app/notes/${id}/decide`, { stage: 'TEAM_REVIEW', revision: '1', outcome: 'approve', comment: '' });
    expect(approved.location).toBe(`/app/notes/${id}?done=decided`);
    expect(textOf(approved.page.body)).toMatch(/You approved revision 1 at team review\. The note is at legal review \(0 of 1 approval\), due \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);

    const daan = await signedIn(suite.stack, 'daan.visser');
    const refused = await daan.post(`/app/notes/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '1', outcome: 'request_changes', comment: '   ' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('<p class="gap" id="decide-comment-problem">A comment is required to reject or request changes.</p>');
    expect(refused.body).toContain('value="request_changes" required checked');
    const tooLong = await daan.post(`/app/notes/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '1', outcome: 'reject', comment: `Kept <b>as typed</b> ${'x'.repeat(20_001)}` });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('The text is too long: at most 20,000 characters.');
    expect(tooLong.body).toContain('Kept &lt;b&gt;as typed&lt;/b&gt;');
    expect((await suite.stack.sql`select status from notes where id = ${id}`)[0]).toEqual({ status: 'IN_REVIEW' });

    const sentBack = await postAndFollow(daan, `/app/notes/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '1', outcome: 'request_changes', comment: 'Name the <sources> of the legal powers.' });
    expect(textOf(sentBack.page.body)).toContain('You requested changes to revision 1 at legal review. The note is back with its drafter.');

    const page = (await (await signedIn(suite.stack, 'anna.devries')).get(`/app/notes/${id}`)).body;
    const route = textOf(section(page, 'route'));
    expect(route).toMatch(/Team review: Ahead 1 approval needed\. Void: Carla Bakker approved revision 1 on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(changes were requested on revision 1\)/);
    expect(section(page, 'route')).toContain('<del>Carla Bakker approved revision 1');
    const history = section(page, 'history');
    expect(textOf(history)).toContain('Daan Visser requested changes to revision 1 at legal review. The note is back with its drafter.');
    expect(history).toContain('<blockquote class="text">Name the &lt;sources&gt; of the legal powers.</blockquote>');
    expect(page).toContain(`href="/app/notes/${id}/edit"`);

    // Daan's form of revision 1 is out of date now: refused in words, nothing changed.
    const stale = await daan.post(`/app/notes/${id}/decide`, { stage: 'LEGAL_REVIEW', revision: '1', outcome: 'approve', comment: 'Fine after all.' });
    expect(stale.statusCode).toBe(409);
    expect(textOf(stale.body)).toContain('The note is draft; no stage is open.');
    expect(stale.body).not.toContain('id="decide-comment"');
  });

  it('refuses a form that does not name the stage and revision the reviewer saw', async () => {
    const { id } = await newNote();
    await suite.http.submit('anna.devries', id);
    const res = await (await signedIn(suite.stack, 'carla.bakker')).post(`/app/notes/${id}/decide`, { outcome: 'approve', stage: 'SOMEWHERE', revision: 'one' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('This form does not say which stage and revision you decided on.');
    expect((await suite.stack.sql`select stage from notes where id = ${id}`)[0]).toEqual({ stage: 'TEAM_REVIEW' });
  });
});

describe('comparing revisions', () => {
  it('shows by default the previous revision against the current, old and new text marked and escaped, each revision read on the record', async () => {
    const { id } = await newNote();
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: 'Weigh it again.' });
    const content = completeContent({ weighing: 'The interest clearly outweighs the <script>risk</script> given the mitigations.', overallRisk: 'low' });
    const saved = await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { content, baseRevision: 1 });
    expect(saved.statusCode).toBe(200);

    const gert = await signedIn(suite.stack, 'gert.mulder');
    const res = await gert.get(`/app/notes/${id}`);
    expect(res.statusCode).toBe(200);
    const compare = section(res.body, 'compare');
    expect(compare).toContain('<option value="1" selected>Revision 1, Anna de Vries');
    expect(compare).toContain('<option value="2" selected>Revision 2, Anna de Vries');
    expect(compare).toContain('<h3>Weighing of interest against risk</h3>');
    expect(compare).toContain('<ins>clearly </ins>');
    expect(compare).toContain('<ins>&lt;script&gt;</ins>risk<ins>&lt;/script&gt;</ins>');
    expect(compare).toContain('<h3>Overall risk</h3>');
    expect(compare).toContain('<del>Medium</del>');
    expect(compare).toContain('<ins>Low</ins>');
    expect(compare).not.toContain('<script>');
    expect(compare).not.toContain('National-security interest');
    expect(await contentReads(id, 'gert.mulder')).toEqual([
      ['note page', 2],
      ['revision diff', 1],
      ['revision diff', 2],
    ]);

    // Either way round, and the same revision twice.
    const reversed = section((await gert.get(`/app/notes/${id}?from=2&to=1`)).body, 'compare');
    expect(reversed).toContain('<del>clearly </del>');
    expect(reversed).toContain('<ins>Medium</ins>');
    expect(textOf(section((await gert.get(`/app/notes/${id}?from=2&to=2`)).body, 'compare'))).toContain('Nothing in the content differs between revision 2 and revision 2.');
  });

  it('asks for two revisions of the note when the choice names none', async () => {
    const { id } = await newNote();
    const browser = await signedIn(suite.stack, 'anna.devries');
    expect(textOf(section((await browser.get(`/app/notes/${id}`)).body, 'compare'))).toContain('The note has one revision so far: nothing to compare yet.');
    for (const query of ['from=9&to=1', 'from=x', 'to=0', 'from=1&from=2']) {
      const res = await browser.get(`/app/notes/${id}?${query}`);
      expect([query, res.statusCode]).toEqual([query, 400]);
    }
    expect((await contentReads(id, 'anna.devries')).filter(([what]) => what === 'revision diff')).toEqual([]);
  });
});

describe('withdrawing and re-assessing on the page', () => {
  it('withdraws with a reason, required beside its field', async () => {
    const { id } = await newNote();
    const anna = await signedIn(suite.stack, 'anna.devries');
    const refused = await anna.post(`/app/notes/${id}/withdraw`, { reason: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('<p class="gap" id="withdraw-reason-problem">Give the reason for withdrawing the note.</p>');
    const { location, page } = await postAndFollow(anna, `/app/notes/${id}/withdraw`, { reason: 'Overtaken by events.' });
    expect(location).toBe(`/app/notes/${id}?done=withdrawn`);
    expect(textOf(page.body)).toContain('You withdrew the note. Its approval has ended.');
    expect(textOf(page.body)).toContain('Status Withdrawn');
    expect(page.body).not.toContain('/withdraw"');
    expect(textOf(section(page.body, 'history'))).toContain('Overtaken by events.');
    // A page flag alone confirms nothing: the head of service did not withdraw it.
    expect(textOf((await (await signedIn(suite.stack, 'gert.mulder')).get(`/app/notes/${id}?done=withdrawn`)).body)).not.toContain('You withdrew');
  });

  it('starts a re-assessment of an ACTIVE note and goes to the new note’s page', async () => {
    const { id } = await newNote();
    await suite.http.submit('anna.devries', id);
    for (const who of ['carla.bakker', 'daan.visser', 'gert.mulder']) await suite.http.decide(who, id, 'approve');
    const gert = await signedIn(suite.stack, 'gert.mulder');
    const refused = await gert.post(`/app/notes/${id}/reassess`, { reason: ' ' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Give the reason for re-assessing the note now.');
    const { location, page } = await postAndFollow(gert, `/app/notes/${id}/reassess`, { reason: 'Change of government.' });
    const [, newId] = location.match(/^\/app\/notes\/([0-9a-f-]{36})\?done=reassessed$/)!;
    expect(newId).not.toBe(id);
    expect(textOf(page.body)).toContain(`You started this re-assessment of ${noteRef(id)}: revision 1 holds its adopted text, ready to revise.`);
    const old = await gert.get(`/app/notes/${id}`);
    expect(textOf(old.body)).toContain(`Re-assessment Under way: ${noteRef(newId!)}`);
    expect(old.body).not.toContain('/reassess"');
    // A second one now is refused in words (a form from before the first).
    const again = await gert.post(`/app/notes/${id}/reassess`, { reason: 'Again.' });
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain(`A re-assessment (note ${noteRef(newId!)}) is under way already.`);
  });
});
