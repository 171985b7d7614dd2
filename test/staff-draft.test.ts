import type { NoteContent, NoteContentInput } from '../domain/note-content';
import { noteRef } from '../domain/wording';
import { completeContent, newPartner } from './support/notes';
import { formFields } from './support/page-form';
import { signedIn, type StaffBrowser } from './support/staff';
import { useStack } from './support/stack';

/**
 * The draft editor in the staff pages: a new note for a chosen partner, revisions saved on the base
 * the form was loaded with (a conflict shows both versions and lets the person save theirs on top),
 * invalid input refused beside its field with everything typed kept, and submitting: unsaved changes
 * saved first, each gap beside its field. Driven as a browser would, through the API's own inject.
 */
const suite = useStack();

const note = async (id: string) => suite.http.note('anna.devries', id).then((res) => res.json<{ status: string; stage: string | null; revision: number; content: NoteContent }>());
const editorOf = (id: string) => `/app/notes/${id}/edit`;
/** The editor as the browser shows it, and its form as it would post it back untouched. */
async function openEditor(browser: StaffBrowser, id: string) {
  const page = await browser.get(editorOf(id));
  expect(page.statusCode).toBe(200);
  return { page, form: formFields(page.body, editorOf(id)) };
}
/** The text of the element with this id (a field's problem, beside it). */
const textOf = (html: string, id: string) =>
  html
    .match(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</div>`))?.[1]
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
/** The two versions of a field as the comparison shows them, in words: the latest saved, and what was typed. */
function versions(html: string, label: string) {
  const field = html.match(new RegExp(`<h3>${label}</h3>\\s*<div class="versions">([\\s\\S]*?)</div>\\s*</div>`))?.[1] ?? '';
  const [latest, typed] = field.split('<h4>What you typed</h4>').map((side) => side.replace(/<h4>.*?<\/h4>/, '').replace(/<[^>]+>/g, '').trim());
  return { latest, typed, removed: /<del>/.test(field), added: /<ins>/.test(field) };
}
/** What a person reads: the page without its markup (attribute values, where codes live, left out). */
const visibleText = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ');

let anna: StaffBrowser;
beforeAll(async () => {
  anna = await signedIn(suite.stack, 'anna.devries');
});

describe('a new note', () => {
  it('is written for a chosen partner, with the editor’s fields, and created as revision 1 with what was typed', async () => {
    const partner = await newPartner(suite.stack.sql, { name: 'Coastal Naval Intelligence' });
    const page = await anna.get('/app/notes/new');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain(`<option value="${partner.id}">Coastal Naval Intelligence, Testland</option>`);
    expect(page.body).toContain('href="/app/partners/new"');
    for (const legend of ['Respect for human rights in the country', 'Level of data protection', 'Permitted forms of cooperation']) expect(page.body).toContain(`<legend>${legend}</legend>`);
    expect(visibleText(page.body)).toContain('Stg. Geheim');
    expect(visibleText(page.body)).not.toMatch(/stg_geheim|unevaluated_data_provision/);

    const form = formFields(page.body, '/app/notes/new');
    const res = await anna.post('/app/notes/new', {
      ...form,
      partnerId: partner.id,
      nationalSecurityInterest: 'Early warning at sea.\r\nSecond line.',
      'criteria.humanRights.sources': 'NGO report 2025\r\n\r\nEmbassy cable 14\r\n',
      'criteria.humanRights.rating': 'medium',
      permittedCooperation: ['evaluated_intelligence_exchange', 'joint_operations'],
      classification: 'stg_confidentieel',
    });
    expect(res.statusCode).toBe(303);
    const id = res.headers.location!.match(/^\/app\/notes\/([0-9a-f-]{36})\/edit\?done=saved$/)![1]!;
    expect((await note(id)).content).toMatchObject({
      nationalSecurityInterest: 'Early warning at sea.\nSecond line.',
      criteria: { humanRights: { sources: ['NGO report 2025', 'Embassy cable 14'], rating: 'medium', findings: '' } },
      permittedCooperation: ['evaluated_intelligence_exchange', 'joint_operations'],
      classification: 'stg_confidentieel',
      reviewDate: null,
    });
    const editor = await anna.get(res.headers.location!);
    expect(editor.body).toContain('Revision 1 saved.');
    expect(editor.body).toContain('Coastal Naval Intelligence, Testland');
    expect(editor.body).toContain('Classification: Stg. Confidentieel');
  });

  it('is offered to drafters only', async () => {
    const carla = await signedIn(suite.stack, 'carla.bakker');
    const page = await carla.get('/app/notes/new');
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain('name="partnerId"');
    expect((await carla.post('/app/notes/new', { partnerId: (await newPartner(suite.stack.sql)).id })).statusCode).toBe(403);
  });

  it('refuses a missing partner and bad input beside their fields, keeps what was typed, and creates nothing', async () => {
    const partner = await newPartner(suite.stack.sql);
    const form = formFields((await anna.get('/app/notes/new')).body, '/app/notes/new');
    const typed = { weighing: 'Worth it <b>on balance</b> & more.', reviewDate: '2027-02-30' };
    const res = await anna.post('/app/notes/new', { ...form, ...typed });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'f-partnerId-problem')).toBe('Choose the partner service this note assesses.');
    expect(textOf(res.body, 'f-reviewDate-problem')).toBe('Give the date as year-month-day, for example 2027-06-30.');
    expect(res.body).toContain('<a href="#f-partnerId">Partner service</a>');
    const kept = formFields(res.body, '/app/notes/new');
    expect([kept.weighing, kept.reviewDate]).toEqual([typed.weighing, typed.reviewDate]);
    expect(res.body).toContain('Worth it &lt;b&gt;on balance&lt;/b&gt; &amp; more.');

    const again = await anna.post('/app/notes/new', { ...kept, partnerId: partner.id });
    expect(again.statusCode).toBe(400);
    expect(formFields(again.body, '/app/notes/new').partnerId).toBe(partner.id);
    expect(await suite.stack.sql`select 1 from notes where partner_id = ${partner.id}`).toHaveLength(0);
  });

  it('for a partner with a current note says so in words, links that note, and keeps what was typed', async () => {
    const partner = await newPartner(suite.stack.sql);
    const current = await suite.http.createNote('bram.jansen', completeContent(), partner.id);
    const form = formFields((await anna.get('/app/notes/new')).body, '/app/notes/new');
    const res = await anna.post('/app/notes/new', { ...form, partnerId: partner.id, weighing: 'My own weighing.' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`The partner service has a current wegingsnotitie, ${noteRef(current)}`);
    expect(res.body).toContain(`href="/app/notes/${current}"`);
    expect(formFields(res.body, '/app/notes/new')).toMatchObject({ partnerId: partner.id, weighing: 'My own weighing.' });
  });
});

describe('the draft editor', () => {
  it('shows every field of the note and saves a new revision on the base it was loaded with', async () => {
    const findings = '\nStarts with a line break, as typed.';
    const id = await suite.http.createNote('anna.devries', { criteria: { legalPowers: { findings, sources: ['Statute 2019', 'Court ruling 2024'], rating: 'high' } }, permittedCooperation: ['assistance_requests'] });
    const { page, form } = await openEditor(anna, id);
    expect(page.body).toContain('Classification: Stg. Geheim');
    expect(form).toMatchObject({ baseRevision: '1', 'criteria.legalPowers.findings': findings, 'criteria.legalPowers.sources': 'Statute 2019\nCourt ruling 2024', 'criteria.legalPowers.rating': 'high', permittedCooperation: 'assistance_requests', classification: '', reviewDate: '' });
    expect(page.body).toContain('Requests for assistance from the partner (minister decides)');
    expect(page.body).toMatch(/after today \(\d{1,2} \w+ \d{4}\) and no later than \d{1,2} \w+ \d{4}/);
    const [read] = await suite.stack.sql`select details from audit_log where note_id = ${id} and actor_id = 'anna.devries' and action = 'note.content_read' order by seq desc limit 1`;
    expect(read!.details).toEqual({ what: 'draft editor', revision: 1 });

    const res = await anna.post(editorOf(id), { ...form, weighing: 'Interest outweighs risk.', classification: 'stg_confidentieel' });
    expect([res.statusCode, res.headers.location]).toEqual([303, `${editorOf(id)}?done=saved`]);
    const saved = await note(id);
    expect(saved.revision).toBe(2);
    // What was not touched came back as it was.
    expect(saved.content.criteria.legalPowers).toEqual({ findings, sources: ['Statute 2019', 'Court ruling 2024'], rating: 'high', mitigations: '' });
    expect(saved.content).toMatchObject({ weighing: 'Interest outweighs risk.', classification: 'stg_confidentieel', permittedCooperation: ['assistance_requests'] });
    const after = await anna.get(res.headers.location!);
    expect(after.body).toContain('Revision 2 saved.');
    expect(formFields(after.body, editorOf(id)).baseRevision).toBe('2');
  });

  it('refuses a bad date, text over the limit and control characters beside their fields, keeps everything typed, and saves nothing', async () => {
    const id = await suite.http.createNote('anna.devries', {});
    const { form } = await openEditor(anna, id);
    const typed = { reviewDate: '2027-13-01', weighing: 'w'.repeat(50_001), 'criteria.humanRights.sources': 'Fine source\nBad \u0007 source', nationalSecurityInterest: '<script>alert(1)</script>' };
    const res = await anna.post(editorOf(id), { ...form, ...typed });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'f-reviewDate-problem')).toBe('Give the date as year-month-day, for example 2027-06-30.');
    expect(textOf(res.body, 'f-weighing-problem')).toBe('This text is too long: at most 50,000 characters.');
    expect(textOf(res.body, 'f-criteria-humanRights-sources-problem')).toBe('Line 2 must not contain control characters.');
    expect(res.body).toContain('<a href="#f-criteria-humanRights-sources">Respect for human rights in the country: sources</a>');
    expect(res.body).not.toContain('<script>');
    expect(formFields(res.body, editorOf(id))).toMatchObject({ ...typed, baseRevision: '1' });
    expect((await note(id)).revision).toBe(1);
  });

  it('on a conflicting save shows both versions where they differ, and saves the person’s text on top of the latest', async () => {
    const id = await suite.http.createNote('anna.devries', { weighing: 'The first weighing.', overallRisk: 'low' });
    const { form } = await openEditor(anna, id);
    // Meanwhile, in another window, revision 2.
    const other = await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: { weighing: 'The weighing of another window.', overallRisk: 'low' } });
    expect(other.statusCode).toBe(200);

    const res = await anna.post(editorOf(id), { ...form, weighing: 'My weighing, typed with care.', overallRisk: 'high' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Revision 2 was saved after you opened revision 1, so your text was not saved.');
    expect(versions(res.body, 'Weighing of interest against risk')).toEqual({ latest: 'The weighing of another window.', typed: 'My weighing, typed with care.', removed: true, added: true });
    expect(versions(res.body, 'Overall risk')).toMatchObject({ latest: 'Low', typed: 'High' });
    expect(res.body).not.toContain('<h3>National-security interest</h3>');
    const again = formFields(res.body, editorOf(id));
    expect(again).toMatchObject({ baseRevision: '2', weighing: 'My weighing, typed with care.', overallRisk: 'high' });

    const saved = await anna.post(editorOf(id), again);
    expect(saved.statusCode).toBe(303);
    expect(await note(id)).toMatchObject({ revision: 3, content: { weighing: 'My weighing, typed with care.', overallRisk: 'high' } });
  });

  it('is the drafter’s, and a draft’s only: others read why, and no form', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent());
    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    const inReview = await anna.get(editorOf(id));
    expect(inReview.statusCode).toBe(409);
    expect(inReview.body).toContain(`${noteRef(id)} is in review (team review) now: only a draft can be edited or submitted.`);
    expect(inReview.body).not.toContain(`action="${editorOf(id)}"`);
    const carla = await signedIn(suite.stack, 'carla.bakker');
    const reviewer = await carla.get(editorOf(id));
    expect(reviewer.statusCode).toBe(403);
    expect(reviewer.body).toContain(`Only the drafter of ${noteRef(id)} can edit it.`);
    expect(reviewer.body).not.toContain(`action="${editorOf(id)}"`);
    const bram = await signedIn(suite.stack, 'bram.jansen');
    expect((await bram.get(editorOf(id))).statusCode).toBe(404);
    expect((await bram.post(editorOf(id), { baseRevision: '1', weighing: 'Not mine.' })).statusCode).toBe(404);
    expect((await anna.get('/app/notes/not-a-uuid/edit')).statusCode).toBe(404);
  });

  it('after the note moved on, shows what was typed beside the latest revision, and no form', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent());
    const { form } = await openEditor(anna, id);
    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    const res = await anna.post(editorOf(id), { ...form, weighing: 'Too late, but kept.' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`${noteRef(id)} is in review (team review) now`);
    expect(res.body).toContain('What you typed was not saved.');
    expect(versions(res.body, 'Weighing of interest against risk')).toMatchObject({ latest: completeContent().weighing, typed: 'Too late, but kept.' });
    expect(res.body).not.toContain(`action="${editorOf(id)}"`);
    expect((await note(id)).revision).toBe(1);
  });
});

describe('submitting', () => {
  it('an incomplete note shows each gap beside its field and a summary linking to each, after saving the unsaved changes', async () => {
    const id = await suite.http.createNote('anna.devries', { ...completeContent(), criteria: { ...completeContent().criteria, humanRights: { findings: '', rating: 'high' } } });
    const { form } = await openEditor(anna, id);
    const res = await anna.post(`/app/notes/${id}/submit`, { ...form, weighing: 'A better weighing.' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Your changes were saved as revision 2.');
    expect(res.body).toContain('Not submitted: revision 2 is not complete yet');
    expect(res.body).toContain('<a href="#f-criteria-humanRights-findings">Respect for human rights in the country: findings</a>: Findings are required.');
    expect(res.body).toContain('<a href="#f-criteria-humanRights-mitigations">Respect for human rights in the country: mitigations</a>: A high rating needs mitigations.');
    expect(textOf(res.body, 'f-criteria-humanRights-findings-problem')).toBe('Findings are required.');
    expect(res.body).toContain('id="f-criteria-humanRights-findings"');
    expect(formFields(res.body, editorOf(id))).toMatchObject({ baseRevision: '2', weighing: 'A better weighing.' });
    expect(await note(id)).toMatchObject({ status: 'DRAFT', revision: 2, content: { weighing: 'A better weighing.' } });
  });

  it('with unsaved changes saves them as a revision first, then submits that revision', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent());
    const { page, form } = await openEditor(anna, id);
    expect(page.body).toContain(`formaction="/app/notes/${id}/submit"`);
    const res = await anna.post(`/app/notes/${id}/submit`, { ...form, weighing: 'Weighed once more before submitting.' });
    expect([res.statusCode, res.headers.location]).toEqual([303, `/app/notes/${id}?done=submitted`]);
    expect(await note(id)).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW', revision: 2, content: { weighing: 'Weighed once more before submitting.' } });
  });

  it('without changes, from the editor or the note’s page, submits the revision shown as it is', async () => {
    const [fromEditor, fromPage] = await Promise.all([suite.http.createNote('anna.devries', completeContent()), suite.http.createNote('anna.devries', completeContent())]);
    const { form } = await openEditor(anna, fromEditor);
    expect((await anna.post(`/app/notes/${fromEditor}/submit`, form)).headers.location).toBe(`/app/notes/${fromEditor}?done=submitted`);
    expect((await anna.post(`/app/notes/${fromPage}/submit`, { revision: '1' })).headers.location).toBe(`/app/notes/${fromPage}?done=submitted`);
    for (const id of [fromEditor, fromPage]) expect(await note(id)).toMatchObject({ status: 'IN_REVIEW', revision: 1 });
  });

  it('the revision on which changes were requested says so in words, the editor open to revise it', async () => {
    const content: NoteContentInput = completeContent();
    const id = await suite.http.createNote('anna.devries', content);
    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    expect((await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: 'Sharpen the findings.' })).statusCode).toBe(200);
    const res = await anna.post(`/app/notes/${id}/submit`, {});
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Not submitted. Changes were requested on revision 1; save a new revision before submitting.');
    expect(formFields(res.body, editorOf(id))).toMatchObject({ baseRevision: '1', weighing: content.weighing });
  });
});
