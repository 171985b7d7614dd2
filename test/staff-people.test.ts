import { formValue, signedIn, type StaffBrowser } from './support/staff';
import { useStack } from './support/stack';

/**
 * The people pages, the admin's alone: the list with its filters, adding and changing a person, with
 * the rules of `/people` (the id's form, a unique email, the last admin) through the same service.
 */
// Its own database: the people it adds hold reviewing roles, and would be mailed in other suites' notes.
const suite = useStack({ ownDatabase: 'weighing_notes_staff_people' });
const ADMIN = 'joke.hendriks';

const besideField = (html: string, name: string) => html.match(new RegExp(`<p class="gap" id="${name}-error">([^<]*)</p>`))?.[1];
/** The names in the list, in order. */
const listed = (html: string) => [...html.matchAll(/<td><a href="\/app\/people\/[^"]+\/edit">([^<]*)<\/a><\/td>/g)].map(([, name]) => name);
const person = async (id: string) => (await suite.stack.sql`select id, name, email, roles, active from people where id = ${id}`)[0];
const trail = (personId: string) =>
  suite.stack.sql<{ action: string; actorId: string; details: object }[]>`
    select action, actor_id, details from audit_log where details->>'personId' = ${personId} order by seq`;

let admin: StaffBrowser;
beforeAll(async () => {
  admin = await signedIn(suite.stack, ADMIN);
});

describe('the people pages', () => {
  it('do not exist for anyone but the admin, whose navigation alone leads there', async () => {
    for (const who of ['anna.devries', 'gert.mulder', 'ivo.peters', 'karel.smits']) {
      const browser = await signedIn(suite.stack, who);
      expect((await browser.get('/app/')).body).not.toContain('href="/app/people"');
      for (const path of ['/app/people', '/app/people/new', '/app/people/anna.devries/edit']) expect({ who, path, status: (await browser.get(path)).statusCode }).toEqual({ who, path, status: 404 });
      const posted = await browser.post(`/app/people/${who}/edit`, { name: 'Taken Over', email: `${who}@mivd.example`, roles: ['admin'], active: 'yes' });
      expect(posted.statusCode).toBe(404);
      expect(await person(who)).toMatchObject({ roles: expect.not.arrayContaining(['admin']) });
    }
    expect((await admin.get('/app/')).body).toContain('href="/app/people"');
  });

  it('list everyone with their roles in words, filtered by role and by being active, paged', async () => {
    const all = await admin.get('/app/people');
    expect(all.statusCode).toBe(200);
    expect(listed(all.body)).toEqual(expect.arrayContaining(['Anna de Vries', 'Karel Smits', 'Joke Hendriks']));
    expect(all.body).toContain('<td>daan.visser</td><td>daan.visser@mivd.example</td><td>Legal affairs</td><td>Active</td>');
    expect(all.body).not.toMatch(/<td>(team_lead|head_of_service|legal)<\/td>/);

    const legal = await admin.get('/app/people?role=legal&active=');
    expect(listed(legal.body)).toEqual(['Daan Visser', 'Eva Smit', 'Frank Meijer']);
    expect(legal.body).toContain('<option value="legal" selected>Legal affairs</option>');
    const paged = await admin.get('/app/people?role=legal&limit=2');
    expect(listed(paged.body)).toEqual(['Daan Visser', 'Eva Smit']);
    expect(paged.body).toContain('href="/app/people?role=legal&amp;limit=2&amp;offset=2" rel="next"');
    expect(listed((await admin.get('/app/people?active=false')).body)).toEqual([]);
    expect((await admin.get('/app/people?role=king')).statusCode).toBe(400);
  });

  it('add a person, active, on the record, and confirm it in a sentence', async () => {
    const blank = await admin.get('/app/people/new');
    expect(blank.body).toContain('<input type="checkbox" name="roles" value="legal"> Legal affairs</label>');
    const res = await admin.post('/app/people/new', { id: 'lena.vos', name: 'Lena Vos', email: 'Lena.Vos@mivd.example', roles: ['team_lead', 'legal'] });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/app/people?done=added&id=lena.vos']);
    expect(await person('lena.vos')).toEqual({ id: 'lena.vos', name: 'Lena Vos', email: 'lena.vos@mivd.example', roles: ['team_lead', 'legal'], active: true });
    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain('Lena Vos (lena.vos) is added, active, as Team lead, Legal affairs.');
    expect(await trail('lena.vos')).toEqual([{ action: 'person.created', actorId: ADMIN, details: expect.objectContaining({ personId: 'lena.vos', before: null }) }]);
  });

  it('refuse what the API refuses beside its field, keeping everything typed, and add no one', async () => {
    const typed = { id: 'Mark Dekker', name: 'M', email: 'not an email', roles: [] as string[] };
    const res = await admin.post('/app/people/new', typed);
    expect(res.statusCode).toBe(400);
    expect(besideField(res.body, 'field-id')).toBe('Give an id in lowercase like first.last: letters and digits, in parts joined by a dot or a hyphen.');
    expect(besideField(res.body, 'field-name')).toBe('Give the name: 2 to 200 characters, on one line.');
    expect(besideField(res.body, 'field-email')).toBe('Give an email address, like first.last@mivd.example.');
    expect(besideField(res.body, 'roles')).toBe('Tick at least one role.');
    expect([formValue(res.body, 'id'), formValue(res.body, 'email')]).toEqual(['Mark Dekker', 'not an email']);

    const takenId = await admin.post('/app/people/new', { id: 'anna.devries', name: 'Another Anna', email: 'another.anna@mivd.example', roles: ['auditor'] });
    expect(takenId.statusCode).toBe(409);
    expect(besideField(takenId.body, 'field-id')).toBe('A person with the id anna.devries exists.');
    expect(takenId.body).toContain('value="auditor" checked');
    expect(formValue(takenId.body, 'name')).toBe('Another Anna');

    const takenEmail = await admin.post('/app/people/new', { id: 'mark.dekker', name: 'Mark Dekker', email: 'ANNA.DEVRIES@mivd.example', roles: ['legal'] });
    expect(takenEmail.statusCode).toBe(409);
    expect(besideField(takenEmail.body, 'field-email')).toBe('The email anna.devries@mivd.example belongs to anna.devries.');
    expect(formValue(takenEmail.body, 'email')).toBe('ANNA.DEVRIES@mivd.example');
    expect(await person('mark.dekker')).toBeUndefined();
    expect(await suite.stack.sql`select 1 from people where name in ('Another Anna', 'M')`).toHaveLength(0);
  });

  it('change a person’s name, email and roles, and deactivate them, each change on the record before and after', async () => {
    await admin.post('/app/people/new', { id: 'nina.bos', name: 'Nina Bos', email: 'nina.bos@mivd.example', roles: ['drafter'] });
    const edit = await admin.get('/app/people/nina.bos/edit');
    expect(edit.body).toContain('<title>Change Nina Bos');
    expect(edit.body).toContain('value="drafter" checked');
    expect(edit.body).toContain('name="active" value="yes" checked');

    const saved = await admin.post('/app/people/nina.bos/edit', { name: 'Nina de Bos', email: 'nina.debos@mivd.example', roles: ['drafter', 'legal'], active: 'yes' });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, '/app/people?done=saved&id=nina.bos']);
    expect((await admin.get(saved.headers.location as string)).body).toContain('Your changes to Nina de Bos (nina.bos) are saved.');

    // An unticked box is not posted: the person is deactivated.
    await admin.post('/app/people/nina.bos/edit', { name: 'Nina de Bos', email: 'nina.debos@mivd.example', roles: ['drafter', 'legal'] });
    expect(await person('nina.bos')).toEqual({ id: 'nina.bos', name: 'Nina de Bos', email: 'nina.debos@mivd.example', roles: ['drafter', 'legal'], active: false });
    expect(listed((await admin.get('/app/people?active=false')).body)).toEqual(['Nina de Bos']);

    const unchanged = await admin.post('/app/people/nina.bos/edit', { name: 'Nina de Bos', email: 'nina.debos@mivd.example', roles: ['legal', 'drafter'] });
    expect((await admin.get(unchanged.headers.location as string)).body).toContain('Nothing was changed');
    const before = { name: 'Nina Bos', email: 'nina.bos@mivd.example', roles: ['drafter'], active: true };
    const between = { name: 'Nina de Bos', email: 'nina.debos@mivd.example', roles: ['drafter', 'legal'], active: true };
    expect((await trail('nina.bos')).slice(1)).toEqual([
      { action: 'person.updated', actorId: ADMIN, details: { personId: 'nina.bos', before, after: between } },
      { action: 'person.updated', actorId: ADMIN, details: { personId: 'nina.bos', before: between, after: { ...between, active: false } } },
    ]);
  });

  it('keep the last active admin an admin and active, saying so beside the roles or the box', async () => {
    const typed = { name: 'Joke Hendriks', email: 'joke.hendriks@mivd.example' };
    const demoted = await admin.post(`/app/people/${ADMIN}/edit`, { ...typed, roles: ['drafter'], active: 'yes' });
    expect(demoted.statusCode).toBe(409);
    expect(besideField(demoted.body, 'roles')).toBe('The last active admin keeps the admin role and stays active; make someone else admin first.');
    expect(demoted.body).toContain('value="drafter" checked');
    expect(demoted.body).not.toContain('value="admin" checked');

    const deactivated = await admin.post(`/app/people/${ADMIN}/edit`, { ...typed, name: 'Joke H.', roles: ['admin'] });
    expect(besideField(deactivated.body, 'active')).toMatch(/^The last active admin/);
    expect(formValue(deactivated.body, 'name')).toBe('Joke H.');
    expect(await person(ADMIN)).toMatchObject({ name: 'Joke Hendriks', roles: ['admin'], active: true });
  });

  it('have no page for a person who does not exist, or an id that cannot be one', async () => {
    expect((await admin.get('/app/people/nobody.here/edit')).statusCode).toBe(404);
    expect((await admin.post('/app/people/nobody.here/edit', { name: 'Nobody', email: 'nobody@mivd.example', roles: ['drafter'], active: 'yes' })).statusCode).toBe(404);
    expect(await person('nobody.here')).toBeUndefined();
  });
});
