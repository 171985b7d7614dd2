import { SEED_PARTNERS } from '../dev/seed-data';
import { formValue, signedIn } from './support/staff';
import { useStack } from './support/stack';

/**
 * The partner pages: the list and one partner for staff, registering and changing one for the admin
 * and drafters, each through the partner service of the JSON API (the same rules, the same record).
 */
const suite = useStack();

const form = { name: 'Estuary Naval Intelligence', country: 'Marinia', kind: 'military', 'since-nato': '2004-03-29', 'since-bilateral': '' };
const trail = (action: string, actorId: string) =>
  suite.stack.sql<{ details: Record<string, unknown> }[]>`select details from audit_log where action = ${action} and actor_id = ${actorId} order by seq`;
/** The refusal shown beside a field: the paragraph the field's description points to. */
const besideField = (html: string, name: string) => html.match(new RegExp(`<p class="gap" id="field-${name}-error">([^<]*)</p>`))?.[1];
/** The partner registered under this name: the test's own, made just before. */
const idOf = async (name: string) => (await stored(name))[0]!.id;
const stored = (name: string) => suite.stack.sql<{ id: string; country: string; kind: string; relationships: string[] }[]>`
  select id, country, kind, array(select r.kind || ' ' || r.since from partner_relationships r where r.partner_id = p.id order by r.kind) as relationships
  from partners p where name = ${name}`;

describe('the list of partner services', () => {
  it('shows every partner in words, by SRM priority, paged like the API, its reading on the record', async () => {
    const browser = await signedIn(suite.stack, 'daan.visser');
    const before = (await trail('partner.list_read', 'daan.visser')).length;
    const page = await browser.get('/app/partners');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    for (const partner of SEED_PARTNERS) expect(page.body).toContain(`>${partner.name}</a>`);
    expect(page.body).toMatch(/Northern Defence Intelligence Service<\/a><\/td><td>Nordland<\/td><td>Military<\/td><td>Bilateral since 12 May 1998; NATO since 1 April 2009<\/td><td>1 \(highest\)<\/td>/);
    expect(page.body).toContain('<td>Combined</td><td>NATO since 12 March 1999</td><td>2</td>');
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

    const res = await browser.post('/app/partners/new', { ...form, name: ' X ', kind: '', 'since-nato': '2004-02-30', 'since-eu': '2004-05-01' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Nothing was saved');
    expect(besideField(res.body, 'name')).toBe('Give the service’s name: 2 to 200 characters, on one line.');
    expect(besideField(res.body, 'kind')).toBe('Choose the kind of service.');
    expect(besideField(res.body, 'since-nato')).toBe('Give the day it began: on or before today, as 2026-11-28.');
    for (const untouched of ['country', 'since-eu', 'since-bilateral']) expect(besideField(res.body, untouched)).toBeUndefined();
    expect(res.body).not.toContain('id="relationships-error"');
    expect(res.body).toContain('id="field-name" name="name" value=" X " aria-invalid="true" aria-describedby="field-name-error"');
    expect(res.body).toContain('type="date" id="field-since-nato" name="since-nato" value="2004-02-30" aria-invalid="true"');
    expect(formValue(res.body, 'country')).toBe('Marinia');
    expect(formValue(res.body, 'since-eu')).toBe('2004-05-01');
    expect(await stored('X')).toHaveLength(0);

    // No relationship at all: said beside the group, whose dates stay empty.
    const none = await browser.post('/app/partners/new', { ...form, name: 'Unrelated Service', 'since-nato': '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('<p class="gap" id="relationships-error">Give the day at least one relationship began.</p>');
    expect(none.body).toContain('<fieldset aria-describedby="relationships-hint relationships-error">');
    expect(await stored('Unrelated Service')).toHaveLength(0);
  });

  it('registers, on the record, and confirms it on the partner’s page; the same name and country again is refused beside the name', async () => {
    const browser = await signedIn(suite.stack, 'anna.devries');
    const res = await browser.post('/app/partners/new', form);
    expect(res.statusCode).toBe(303);
    const [partner] = await stored(form.name);
    expect(partner).toMatchObject({ country: 'Marinia', kind: 'military', relationships: ['nato 2004-03-29'] });
    expect(res.headers.location).toBe(`/app/partners/${partner!.id}?done=registered`);
    const page = await browser.get(res.headers.location as string);
    expect(page.body).toContain('Estuary Naval Intelligence is registered. It has no SRM priority until the head of service sets one.');
    expect(page.body).toContain('<dt>Relationships</dt><dd>NATO since 29 March 2004</dd>');
    expect(page.body).toContain('<dt>SRM priority</dt><dd>Not set</dd>');
    expect(page.body).toContain('No SRM priority has been set for this partner yet');
    // The drafter sets no priority: the form is the head of service's.
    expect(page.body).not.toContain('srm-priority');
    expect(await trail('partner.created', 'anna.devries')).toContainEqual({ details: { partnerId: partner!.id } });
    expect(await trail('partner.read', 'anna.devries')).toContainEqual({ details: { partnerId: partner!.id } });

    const again = await browser.post('/app/partners/new', { ...form, 'since-bilateral': '2011-09-01' });
    expect(again.statusCode).toBe(409);
    expect(besideField(again.body, 'name')).toBe('A partner with this name and country exists.');
    expect(formValue(again.body, 'since-bilateral')).toBe('2011-09-01');
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
    expect(formValue(edit.body, 'since-nato')).toBe('2004-03-29');
    expect(formValue(edit.body, 'since-eu')).toBe('');

    const changed = { ...form, name: 'Mountain Watch Service', country: 'Alpina', 'since-bilateral': '2011-09-01' };
    const saved = await browser.post(`/app/partners/${id}/edit`, changed);
    expect([saved.statusCode, saved.headers.location]).toEqual([303, `/app/partners/${id}?done=saved`]);
    const page = await browser.get(saved.headers.location as string);
    expect(page.body).toContain('Your changes to Mountain Watch Service are saved.');
    expect(page.body).toContain('<dt>Relationships</dt><dd>Bilateral since 1 September 2011; NATO since 29 March 2004</dd>');
    const before = { name: 'Mountain Watch', country: 'Alpina', kind: 'military', relationships: [{ kind: 'nato', since: '2004-03-29' }] };
    const after = { ...before, name: 'Mountain Watch Service', relationships: [{ kind: 'bilateral', since: '2011-09-01' }, ...before.relationships] };
    expect(await trail('partner.updated', 'bram.jansen')).toEqual([{ details: { partnerId: id, before, after } }]);

    const unchanged = await browser.post(`/app/partners/${id}/edit`, changed);
    expect((await browser.get(unchanged.headers.location as string)).body).toContain('Nothing was changed');
    expect(await trail('partner.updated', 'bram.jansen')).toHaveLength(1);
  });

  it('refuses another partner’s name and country beside the name, and bad input beside its field, keeping what was typed', async () => {
    const browser = await signedIn(suite.stack, 'joke.hendriks');
    await browser.post('/app/partners/new', { ...form, name: 'Valley Service', country: 'Alpina' });
    const id = await idOf('Valley Service');
    const taken = await browser.post(`/app/partners/${id}/edit`, { ...form, name: 'Mountain Watch Service', country: 'Alpina', 'since-eu': '2019-01-15' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('<title>Change Valley Service');
    expect(besideField(taken.body, 'name')).toBe('A partner with this name and country exists.');
    expect(formValue(taken.body, 'name')).toBe('Mountain Watch Service');
    expect(formValue(taken.body, 'since-eu')).toBe('2019-01-15');

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

describe('the SRM priority on a partner’s page', () => {
  const settings = (id: string) => suite.stack.sql`select priority, previous, justification, set_by from srm_priority_history where partner_id = ${id} order by seq`;
  const registered = async (name: string) => {
    await (await signedIn(suite.stack, 'joke.hendriks')).post('/app/partners/new', { ...form, name, country: 'Prioria' });
    return idOf(name);
  };

  it('offers the head of service alone the form, and shows everyone the history', async () => {
    const id = SEED_PARTNERS[0]!.id;
    const head = await (await signedIn(suite.stack, 'gert.mulder')).get(`/app/partners/${id}`);
    expect(head.body).toContain(`<form method="post" action="/app/partners/${id}/srm-priority"`);
    expect(head.body).toContain('<option value="4">4 (lowest)</option>');
    for (const person of ['anna.devries', 'joke.hendriks', 'ivo.peters', 'hanna.deboer']) {
      const page = await (await signedIn(suite.stack, person)).get(`/app/partners/${id}`);
      expect({ person, form: page.body.includes('srm-priority') }).toEqual({ person, form: false });
      // The seeded setting: by the head of service, from none to 1, with why.
      expect(page.body).toContain(`<td>Gert Mulder</td><td>—</td><td>1 (highest)</td><td style="white-space:pre-line;min-width:12rem">${SEED_PARTNERS[0]!.srmPriority.justification}</td>`);
    }
  });

  it('sets it with a justification, kept in the history and confirmed; the same priority again changes nothing', async () => {
    const id = await registered('Priority Page Service');
    const head = await signedIn(suite.stack, 'gert.mulder');
    const why = 'Daily exchange <b>since</b> 2026;\nraised.';
    const res = await head.post(`/app/partners/${id}/srm-priority`, { priority: '2', justification: why });
    expect([res.statusCode, res.headers.location]).toEqual([303, `/app/partners/${id}?done=priority`]);
    const page = await head.get(res.headers.location as string);
    expect(page.body).toContain('The SRM priority of Priority Page Service is now 2.');
    expect(page.body).toContain('<dt>SRM priority</dt><dd>2</dd>');
    expect(page.body).toContain('<td>Gert Mulder</td><td>—</td><td>2</td><td style="white-space:pre-line;min-width:12rem">Daily exchange &lt;b&gt;since&lt;/b&gt; 2026;\nraised.</td>');

    const again = await head.post(`/app/partners/${id}/srm-priority`, { priority: '2', justification: 'Once more.' });
    expect(again.headers.location).toBe(`/app/partners/${id}?done=priority-unchanged`);
    expect((await head.get(again.headers.location as string)).body).toContain('Nothing was changed: Priority Page Service has SRM priority 2 already.');
    const lower = await head.post(`/app/partners/${id}/srm-priority`, { priority: '4', justification: 'Exchange has dwindled.' });
    expect((await head.get(lower.headers.location as string)).body).toMatch(/<td>Gert Mulder<\/td><td>2<\/td><td>4 \(lowest\)<\/td><td style="white-space:pre-line;min-width:12rem">Exchange has dwindled.<\/td><\/tr>\n<tr>.*<td>—<\/td><td>2<\/td>/);
    expect(await settings(id)).toEqual([
      { priority: 2, previous: null, justification: why, setBy: 'gert.mulder' },
      { priority: 4, previous: 2, justification: 'Exchange has dwindled.', setBy: 'gert.mulder' },
    ]);
  });

  it('refuses a form without a priority or a justification beside the field, keeping what was typed, and anyone but the head of service', async () => {
    const id = await registered('Priority Refusal Page Service');
    const head = await signedIn(suite.stack, 'gert.mulder');
    const res = await head.post(`/app/partners/${id}/srm-priority`, { priority: '5', justification: '  ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The priority was not set');
    expect(besideField(res.body, 'priority')).toBe('Choose an SRM priority from 1 (highest) to 4 (lowest).');
    expect(besideField(res.body, 'justification')).toBe('Say why the partner has this priority: up to 5,000 characters.');
    const typed = await head.post(`/app/partners/${id}/srm-priority`, { priority: '', justification: 'Kept <as> typed' });
    expect(besideField(typed.body, 'justification')).toBeUndefined();
    expect(typed.body).toContain('>Kept &lt;as&gt; typed</textarea>');
    for (const person of ['anna.devries', 'joke.hendriks', 'ivo.peters', 'hanna.deboer', 'karel.smits']) {
      const refused = await (await signedIn(suite.stack, person)).post(`/app/partners/${id}/srm-priority`, { priority: '1', justification: 'Not mine to set.' });
      expect({ person, status: refused.statusCode }).toEqual({ person, status: 404 });
    }
    expect((await head.post('/app/partners/00000000-0000-4000-8000-000000000000/srm-priority', { priority: '1', justification: 'No such partner.' })).statusCode).toBe(404);
    expect(await settings(id)).toEqual([]);
  });
});
