import { SEED_PARTNERS } from '../dev/seed-data';
import { formValue, signedIn } from './support/staff';
import { useStack } from './support/stack';

/**
 * The partner pages: the list and one partner for staff, registering and changing one for the admin
 * and drafters, each through the partner service of the JSON API (the same rules, the same record).
 */
const suite = useStack();

const form = { name: 'Estuary Naval Intelligence', country: 'Marinia', kind: 'military', relationship: 'nato', srmPriority: '3' };
const trail = (action: string, actorId: string) =>
  suite.stack.sql<{ details: Record<string, unknown> }[]>`select details from audit_log where action = ${action} and actor_id = ${actorId} order by seq`;
/** The refusal shown beside a field: the paragraph the field's description points to. */
const besideField = (html: string, name: string) => html.match(new RegExp(`<p class="gap" id="field-${name}-error">([^<]*)</p>`))?.[1];
/** The partner registered under this name: the test's own, made just before. */
const idOf = async (name: string) => (await stored(name))[0]!.id;
const stored = (name: string) => suite.stack.sql<{ id: string; country: string; kind: string; srmPriority: number }[]>`select id, country, kind, srm_priority from partners where name = ${name}`;

describe('the list of partner services', () => {
  it('shows every partner in words, by SRM priority, paged like the API, its reading on the record', async () => {
    const browser = await signedIn(suite.stack, 'daan.visser');
    const before = (await trail('partner.list_read', 'daan.visser')).length;
    const page = await browser.get('/app/partners');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    for (const partner of SEED_PARTNERS) expect(page.body).toContain(`>${partner.name}</a>`);
    expect(page.body).toMatch(/Northern Defence Intelligence Service<\/a><\/td><td>Nordland<\/td><td>Military<\/td><td>Bilateral<\/td><td>1 \(highest\)<\/td>/);
    expect(page.body).toContain('<td>Combined</td><td>NATO</td>');
    expect(page.body).not.toMatch(/>(military|civil|combined|nato|bilateral|eu)</);
    expect((await trail('partner.list_read', 'daan.visser')).length).toBe(before + 1);

    const first = await browser.get('/app/partners?limit=1');
    const total = Number(first.body.match(/1 to 1 of (\d+)/)?.[1]);
    expect(total).toBeGreaterThanOrEqual(SEED_PARTNERS.length);
    expect(first.body).toContain('href="/app/partners?limit=1&amp;offset=1"');
    expect(first.body).not.toContain('Previous page');
    const second = await browser.get('/app/partners?limit=1&offset=1');
    expect(second.body).toContain(`2 to 2 of ${total}`);
    expect(second.body).toContain('href="/app/partners?limit=1&amp;offset=0" rel="prev"');
    expect((await browser.get('/app/partners?limit=zero')).statusCode).toBe(400);
  });

  it('offers registering to the admin and drafters only, and does not exist for the operator', async () => {
    const drafter = await signedIn(suite.stack, 'anna.devries');
    expect((await drafter.get('/app/partners')).body).toContain('href="/app/partners/new"');
    const reviewer = await signedIn(suite.stack, 'gert.mulder');
    const list = await reviewer.get('/app/partners');
    expect(list.body).not.toContain('/app/partners/new');
    expect((await reviewer.get(`/app/partners/${SEED_PARTNERS[0]!.id}`)).body).not.toContain('/edit');
    const operator = await signedIn(suite.stack, 'karel.smits');
    expect((await operator.get('/app/partners')).statusCode).toBe(404);
    expect((await operator.get(`/app/partners/${SEED_PARTNERS[0]!.id}`)).statusCode).toBe(404);
  });
});

describe('registering a partner service', () => {
  it('shows each refusal beside its field, keeps what was typed, and registers nothing', async () => {
    const browser = await signedIn(suite.stack, 'anna.devries');
    const blank = await browser.get('/app/partners/new');
    expect(blank.statusCode).toBe(200);
    expect(formValue(blank.body, '_csrf')).toBe(browser.csrf);

    const res = await browser.post('/app/partners/new', { ...form, name: ' X ', kind: '', srmPriority: '9' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Nothing was saved');
    expect(besideField(res.body, 'name')).toBe('Give the service’s name: 2 to 200 characters, on one line.');
    expect(besideField(res.body, 'kind')).toBe('Choose the kind of service.');
    expect(besideField(res.body, 'srmPriority')).toBe('Choose an SRM priority from 1 (highest) to 5 (lowest).');
    expect(besideField(res.body, 'country')).toBeUndefined();
    expect(res.body).toContain('id="field-name" name="name" value=" X " aria-invalid="true" aria-describedby="field-name-error"');
    expect(formValue(res.body, 'country')).toBe('Marinia');
    expect(res.body).toContain('<option value="nato" selected>NATO</option>');
    expect(await stored('X')).toHaveLength(0);
  });

  it('registers, on the record, and confirms it on the partner’s page; the same name and country again is refused beside the name', async () => {
    const browser = await signedIn(suite.stack, 'anna.devries');
    const res = await browser.post('/app/partners/new', form);
    expect(res.statusCode).toBe(303);
    const [partner] = await stored(form.name);
    expect(partner).toMatchObject({ country: 'Marinia', kind: 'military', srmPriority: 3 });
    expect(res.headers.location).toBe(`/app/partners/${partner!.id}?done=registered`);
    const page = await browser.get(res.headers.location as string);
    expect(page.body).toContain('Estuary Naval Intelligence is registered.');
    expect(page.body).toContain('<dt>Relationship</dt><dd>NATO</dd>');
    expect(await trail('partner.created', 'anna.devries')).toContainEqual({ details: { partnerId: partner!.id } });
    expect(await trail('partner.read', 'anna.devries')).toContainEqual({ details: { partnerId: partner!.id } });

    const again = await browser.post('/app/partners/new', { ...form, srmPriority: '2' });
    expect(again.statusCode).toBe(409);
    expect(besideField(again.body, 'name')).toBe('A partner with this name and country exists.');
    expect(again.body).toContain('<option value="2" selected>2</option>');
    expect(await stored(form.name)).toHaveLength(1);
  });

  it('escapes what was typed, wherever it is shown', async () => {
    const browser = await signedIn(suite.stack, 'joke.hendriks');
    const name = '<script>alert(1)</script> "Service"';
    const res = await browser.post('/app/partners/new', { ...form, name, country: 'Scriptland' });
    const page = await browser.get(res.headers.location as string);
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;Service&quot; is registered.');
    const refused = await browser.post('/app/partners/new', { ...form, name, country: '' });
    expect(refused.body).not.toContain('<script>');
  });

  it('does not exist for a reviewer, who registers nothing by posting to it', async () => {
    const reviewer = await signedIn(suite.stack, 'carla.bakker');
    expect((await reviewer.get('/app/partners/new')).statusCode).toBe(404);
    const res = await reviewer.post('/app/partners/new', { ...form, name: 'Posted By A Reviewer' });
    expect(res.statusCode).toBe(404);
    expect(await stored('Posted By A Reviewer')).toHaveLength(0);
  });

  it('refuses a form without the session’s token', async () => {
    const browser = await signedIn(suite.stack, 'anna.devries');
    const res = await browser.post('/app/partners/new', { ...form, name: 'Forged Service', _csrf: 'forged'.repeat(6) });
    expect(res.statusCode).toBe(403);
    expect(await stored('Forged Service')).toHaveLength(0);
  });
});

describe('changing a partner service', () => {
  it('shows the partner in the form, saves a change on the record with before and after, and says so', async () => {
    const browser = await signedIn(suite.stack, 'bram.jansen');
    const created = await browser.post('/app/partners/new', { ...form, name: 'Mountain Watch', country: 'Alpina' });
    const id = await idOf('Mountain Watch');
    expect(created.headers.location).toContain(id);

    const edit = await browser.get(`/app/partners/${id}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('<title>Change Mountain Watch');
    expect(formValue(edit.body, 'name')).toBe('Mountain Watch');
    expect(edit.body).toContain('<option value="3" selected>3</option>');

    const saved = await browser.post(`/app/partners/${id}/edit`, { ...form, name: 'Mountain Watch Service', country: 'Alpina', srmPriority: '1' });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, `/app/partners/${id}?done=saved`]);
    const page = await browser.get(saved.headers.location as string);
    expect(page.body).toContain('Your changes to Mountain Watch Service are saved.');
    expect(page.body).toContain('<dt>SRM priority</dt><dd>1 (highest)</dd>');
    const before = { name: 'Mountain Watch', country: 'Alpina', kind: 'military', relationship: 'nato', srmPriority: 3 };
    expect(await trail('partner.updated', 'bram.jansen')).toEqual([{ details: { partnerId: id, before, after: { ...before, name: 'Mountain Watch Service', srmPriority: 1 } } }]);

    const unchanged = await browser.post(`/app/partners/${id}/edit`, { ...form, name: 'Mountain Watch Service', country: 'Alpina', srmPriority: '1' });
    expect((await browser.get(unchanged.headers.location as string)).body).toContain('Nothing was changed');
    expect(await trail('partner.updated', 'bram.jansen')).toHaveLength(1);
  });

  it('refuses another partner’s name and country beside the name, and bad input beside its field, keeping what was typed', async () => {
    const browser = await signedIn(suite.stack, 'joke.hendriks');
    await browser.post('/app/partners/new', { ...form, name: 'Valley Service', country: 'Alpina' });
    const id = await idOf('Valley Service');
    const taken = await browser.post(`/app/partners/${id}/edit`, { ...form, name: 'Mountain Watch Service', country: 'Alpina', relationship: 'eu' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('<title>Change Valley Service');
    expect(besideField(taken.body, 'name')).toBe('A partner with this name and country exists.');
    expect(formValue(taken.body, 'name')).toBe('Mountain Watch Service');
    expect(taken.body).toContain('<option value="eu" selected>EU</option>');

    const bad = await browser.post(`/app/partners/${id}/edit`, { ...form, name: 'Valley Service', country: 'A\u0007lpina' });
    expect(bad.statusCode).toBe(400);
    expect(besideField(bad.body, 'country')).toBe('Give the country: 2 to 100 characters, on one line.');
    expect((await stored('Valley Service'))[0]).toMatchObject({ country: 'Alpina', kind: 'military' });
  });

  it('has no page for a partner that does not exist, nor for a reviewer', async () => {
    const browser = await signedIn(suite.stack, 'anna.devries');
    for (const path of ['/app/partners/00000000-0000-4000-8000-000000000000', '/app/partners/not-a-uuid', '/app/partners/00000000-0000-4000-8000-000000000000/edit']) {
      expect((await browser.get(path)).statusCode).toBe(404);
    }
    expect((await browser.post('/app/partners/00000000-0000-4000-8000-000000000000/edit', form)).statusCode).toBe(404);
    const reviewer = await signedIn(suite.stack, 'daan.visser');
    const id = SEED_PARTNERS[1]!.id;
    expect((await reviewer.get(`/app/partners/${id}/edit`)).statusCode).toBe(404);
    expect((await reviewer.post(`/app/partners/${id}/edit`, { ...form, name: 'Renamed By A Reviewer' })).statusCode).toBe(404);
    expect(await stored('Renamed By A Reviewer')).toHaveLength(0);
  });
});
