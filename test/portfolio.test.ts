import { randomUUID } from 'node:crypto';
import { SEED_PARTNERS } from '../dev/seed-data';
import { readGrant } from '../domain/need-to-know';
import { type NoteFacts, type PartnerFacts, flagsOf, type PortfolioFilter, PortfolioFilter as Filter, type PortfolioRow, portfolioRow, riskByPriority, selects, sortRows } from '../domain/portfolio';
import { DEFAULT_POLICY, type Policy } from '../domain/pipeline';
import { completeContent } from './support/notes';
import { eventually } from './support/poll';
import { formValue, signedIn } from './support/staff';
import { useStack } from './support/stack';

/**
 * The partner portfolio (issue 12): every partner with its relationships, SRM priority and current
 * note, the oversight committee's findings flagged first, filtered, sorted, paged and exported as CSV,
 * for those with the need to know; and its page. In a database of its own: the portfolio is every
 * partner, and other suites add theirs meanwhile.
 */

/** A low-risk note without a review date of its own is reviewed 3 s after its adoption: its review date passes during the suite. */
const POLICY: Policy = { ...DEFAULT_POLICY, reviewCadence: { ...DEFAULT_POLICY.reviewCadence!, low: 3_000 }, reviewReminderLeadMs: 1_000 };
const suite = useStack({ ownDatabase: 'weighing_notes_portfolio', policy: POLICY });

interface Portfolio {
  items: PortfolioRow[];
  total: number;
  flagged: { no_active_note: number; review_overdue: number };
  riskByPriority: { risk: string | null; priority: number | null; partners: number }[];
}
const portfolio = async (as: string, query = '') => {
  const res = await suite.http.call(as, 'GET', `/portfolio${query}`);
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json<Portfolio>();
};
const names = (page: Portfolio) => page.items.map((row) => row.name);

/** An RFC 4180 reader, for reading the export back: quoted cells, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += ch;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i += 1;
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else {
      cell += ch;
    }
  }
  if (row.length || cell) throw new Error('the last record does not end with CRLF');
  return rows;
}

const [NORTHERN, ALLIANCE, DIRECTORATE] = SEED_PARTNERS.map((p) => p.name) as [string, string, string];
/** The suite's partners, by what their notes do; a name a spreadsheet would take for a formula among them. */
const NAME = {
  active: 'Portfolio Active Service',
  overdue: 'Portfolio Overdue Service',
  review: 'Portfolio Minister Review Service',
  draft: '@Draft, "Portfolio" Service',
  decided: 'Portfolio Minister Decided Service',
};
const ids = {} as Record<keyof typeof NAME, string>;
const notes = {} as Record<keyof typeof NAME, string>;
const since = (kind: string) => ({ kind, since: '2015-06-01' });

async function register(key: keyof typeof NAME, relationships: object[], priority?: number) {
  const res = await suite.http.call('joke.hendriks', 'POST', '/partners', { name: NAME[key], country: 'Portfolia', kind: 'civil', relationships });
  ids[key] = res.json<{ id: string }>().id;
  if (priority) expect((await suite.http.call('gert.mulder', 'PUT', `/partners/${ids[key]}/srm-priority`, { priority, justification: `Priority ${priority} for the portfolio.` })).statusCode).toBe(200);
}
async function approve(key: keyof typeof NAME, reviewers: string[]) {
  await suite.http.submit('anna.devries', notes[key]);
  for (const reviewer of reviewers) expect((await suite.http.decide(reviewer, notes[key], 'approve')).statusCode).toBe(200);
}
const HIGH_RISK_ROUTE = ['carla.bakker', 'daan.visser', 'eva.smit', 'gert.mulder'];

beforeAll(async () => {
  await register('active', [since('nato')], 2);
  await register('overdue', [since('bilateral'), since('eu')], 1);
  await register('review', [since('other_multilateral')]);
  await register('draft', [since('eu')], 4);
  await register('decided', [since('bilateral')], 3);
  notes.active = await suite.http.createNote('anna.devries', completeContent(), ids.active);
  notes.overdue = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'low', reviewDate: null }), ids.overdue);
  notes.review = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }), ids.review);
  notes.draft = await suite.http.createNote('anna.devries', completeContent(), ids.draft);
  notes.decided = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high', permittedCooperation: ['evaluated_intelligence_exchange', 'joint_operations'] }), ids.decided);
  await approve('active', ['carla.bakker', 'daan.visser', 'gert.mulder']);
  await approve('overdue', ['carla.bakker', 'daan.visser', 'gert.mulder']);
  await approve('review', HIGH_RISK_ROUTE);
  await approve('decided', [...HIGH_RISK_ROUTE, 'hanna.deboer']);
  // The overdue note's review date passes 3 s after adoption, and starts its re-assessment.
  await eventually(async () => {
    const row = (await portfolio('gert.mulder')).items.find((r) => r.partnerId === ids.overdue);
    return row?.flags.includes('review_overdue') && row.reassessment ? row : undefined;
  }, 'the overdue note flagged, its re-assessment begun');
}, 120_000);

describe('the portfolio’s rules', () => {
  const note = (status: NoteFacts['status'], more: Partial<NoteFacts> = {}): NoteFacts => ({
    id: randomUUID(),
    status,
    stage: null,
    overallRisk: 'medium',
    reviewDueAt: null,
    reviewOverdue: false,
    permittedCooperation: [],
    readable: true,
    ...more,
  });
  const facts = (more: Partial<PartnerFacts> = {}): PartnerFacts => ({
    partnerId: randomUUID(),
    name: 'Rule Service',
    country: 'Rules',
    kind: 'civil',
    relationships: [since('nato') as PartnerFacts['relationships'][number]],
    srmPriority: null,
    active: null,
    inProgress: null,
    openConditions: 0,
    ...more,
  });
  const HEAD = readGrant({ id: 'gert.mulder', roles: ['head_of_service'] });
  const MINISTER = readGrant({ id: 'hanna.deboer', roles: ['minister'] });

  it('flags cooperation without an ACTIVE note, and an ACTIVE note past its review date', () => {
    expect(flagsOf(facts())).toEqual(['no_active_note']);
    expect(flagsOf(facts({ inProgress: note('IN_REVIEW') }))).toEqual(['no_active_note']);
    expect(flagsOf(facts({ relationships: [] }))).toEqual([]);
    expect(flagsOf(facts({ active: note('ACTIVE') }))).toEqual([]);
    expect(flagsOf(facts({ active: note('ACTIVE', { reviewOverdue: true }), inProgress: note('DRAFT') }))).toEqual(['review_overdue']);
  });

  it('shows every partner to those who read every note; to the minister, those whose current note she may read, and of them only what she may read', () => {
    const none = facts();
    const unread = facts({ active: note('ACTIVE', { readable: false }), inProgress: note('IN_REVIEW') });
    const hers = facts({ active: note('ACTIVE', { permittedCooperation: ['joint_operations'] }), inProgress: note('DRAFT', { readable: false }) });
    expect([none, unread, hers].map((f) => portfolioRow(f, HEAD)?.name)).toEqual(['Rule Service', 'Rule Service', 'Rule Service']);
    expect(portfolioRow(none, MINISTER)).toBeUndefined();
    // Her re-assessment read, but not the ACTIVE note it re-assesses: the partner is not hers to see.
    expect(portfolioRow(unread, MINISTER)).toBeUndefined();
    expect(portfolioRow(hers, MINISTER)).toMatchObject({ note: { status: 'ACTIVE' }, reassessment: null, permittedCooperation: ['joint_operations'], flags: [] });
    expect(portfolioRow(hers, HEAD)).toMatchObject({ reassessment: { status: 'DRAFT' } });
    expect(portfolioRow(facts({ inProgress: note('IN_REVIEW', { stage: 'MINISTER' }) }), MINISTER)).toMatchObject({ note: { status: 'IN_REVIEW', stage: 'MINISTER' }, flags: ['no_active_note'] });
  });

  it('filters, sorts flagged first, and counts by risk and priority', () => {
    const row = (name: string, more: Partial<PartnerFacts>) => portfolioRow(facts({ name, ...more }), HEAD)!;
    const rows = [
      row('Bravo', { srmPriority: 2, active: note('ACTIVE', { overallRisk: 'high', reviewDueAt: '2027-01-01T00:00:00.000Z' }) }),
      row('Alpha', { srmPriority: 1 }),
      row('Delta', { srmPriority: 1, active: note('ACTIVE', { overallRisk: 'low', reviewDueAt: '2026-01-01T00:00:00.000Z', reviewOverdue: true }) }),
      row('Charlie', { active: note('ACTIVE', { overallRisk: 'low', reviewDueAt: '2026-06-01T00:00:00.000Z' }), relationships: [since('eu') as PartnerFacts['relationships'][number]] }),
    ];
    const filter = (query: Record<string, string>): PortfolioFilter => Filter.parse(query);
    const chosen = (query: Record<string, string>) => sortRows(rows.filter((r) => selects(filter(query), r)), filter(query).sort).map((r) => r.name);
    expect(chosen({})).toEqual(['Alpha', 'Delta', 'Bravo', 'Charlie']);
    expect(chosen({ sort: 'priority' })).toEqual(['Alpha', 'Delta', 'Bravo', 'Charlie']);
    expect(chosen({ sort: 'review_date' })).toEqual(['Delta', 'Alpha', 'Charlie', 'Bravo']);
    expect(chosen({ sort: 'risk' })).toEqual(['Delta', 'Alpha', 'Bravo', 'Charlie']);
    expect(chosen({ flagged: 'false' })).toEqual(['Bravo', 'Charlie']);
    expect(chosen({ flagged: 'true', priority: '1' })).toEqual(['Alpha', 'Delta']);
    expect(chosen({ priority: 'none' })).toEqual(['Charlie']);
    expect(chosen({ risk: 'none' })).toEqual(['Alpha']);
    expect(chosen({ status: 'none' })).toEqual(['Alpha']);
    expect(chosen({ relationship: 'eu', risk: 'low' })).toEqual(['Charlie']);
    const cells = riskByPriority(rows);
    expect(cells).toHaveLength(20);
    expect(cells.filter((c) => c.partners)).toEqual([
      { risk: 'high', priority: 2, partners: 1 },
      { risk: 'low', priority: 1, partners: 1 },
      { risk: 'low', priority: null, partners: 1 },
      { risk: null, priority: 1, partners: 1 },
    ]);
  });
});

describe('the portfolio through the API', () => {
  it('lists every partner with its relationships, priority, current note, forms and open conditions, the flagged first and counted', async () => {
    const all = await portfolio('gert.mulder', '?limit=200');
    expect(all.total).toBe(8);
    expect(all.flagged).toEqual({ no_active_note: 5, review_overdue: 1 });
    expect(names(all)).toEqual([NAME.draft, ALLIANCE, DIRECTORATE, NORTHERN, NAME.review, NAME.overdue, NAME.active, NAME.decided]);
    const row = (key: keyof typeof NAME) => all.items.find((r) => r.partnerId === ids[key])!;
    expect(row('active')).toEqual({
      partnerId: ids.active,
      name: NAME.active,
      country: 'Portfolia',
      kind: 'civil',
      relationships: [since('nato')],
      srmPriority: 2,
      note: { id: notes.active, status: 'ACTIVE', stage: null, overallRisk: 'medium', reviewDueAt: '2028-06-30T00:00:00.000Z', reviewOverdue: false },
      reassessment: null,
      permittedCooperation: ['evaluated_intelligence_exchange'],
      openConditions: expect.any(Number),
      flags: [],
    });
    expect(row('overdue')).toMatchObject({ relationships: [since('bilateral'), since('eu')], note: { id: notes.overdue, status: 'ACTIVE', overallRisk: 'low', reviewOverdue: true }, reassessment: { status: 'DRAFT', stage: null }, flags: ['review_overdue'] });
    expect(row('review')).toMatchObject({ srmPriority: null, note: { status: 'IN_REVIEW', stage: 'MINISTER', overallRisk: 'high', reviewDueAt: null }, permittedCooperation: [], flags: ['no_active_note'] });
    expect(row('draft')).toMatchObject({ note: { status: 'DRAFT', stage: null }, flags: ['no_active_note'] });
    expect(row('decided')).toMatchObject({ note: { status: 'ACTIVE' }, permittedCooperation: ['evaluated_intelligence_exchange', 'joint_operations'], flags: [] });
    expect(all.items.find((r) => r.name === NORTHERN)).toMatchObject({ srmPriority: 1, note: null, reassessment: null, flags: ['no_active_note'] });
    // Open conditions: those of the partner's notes, as the conditions of adopted notes are kept (by a workflow of their own, which may lag).
    const open = async () => {
      const counted = await suite.stack.sql<{ partnerId: string; open: number }[]>`
        select p.id as partner_id, (select count(*)::int from conditions c join notes n on n.id = c.note_id where n.partner_id = p.id and c.status = 'open') as open
        from partners p order by p.name, p.id`;
      const shown = (await portfolio('gert.mulder', '?limit=200')).items;
      // An adopted note's mitigations are its conditions: the ACTIVE notes' partners have some open.
      const some = (['active', 'overdue', 'decided'] as const).every((key) => counted.find((c) => c.partnerId === ids[key])!.open > 0);
      return some && counted.every((c) => shown.find((r) => r.partnerId === c.partnerId)?.openConditions === c.open) ? true : undefined;
    };
    await eventually(open, 'the open conditions counted');
    // The auditor sees what the head of service sees.
    const audited = await portfolio('ivo.peters', '?limit=200');
    expect({ names: names(audited), flagged: audited.flagged }).toEqual({ names: names(all), flagged: all.flagged });
  });

  it('filters by relationship, priority, risk, status and flag, and counts what they select by risk and priority', async () => {
    const expectations: [string, string[]][] = [
      ['?relationship=eu', [NAME.draft, DIRECTORATE, NAME.overdue]],
      ['?priority=1', [NORTHERN, NAME.overdue]],
      ['?priority=none', [NAME.review]],
      ['?risk=high', [NAME.review, NAME.decided]],
      ['?risk=none', [ALLIANCE, DIRECTORATE, NORTHERN]],
      ['?risk=low', [NAME.overdue]],
      ['?status=ACTIVE', [NAME.overdue, NAME.active, NAME.decided]],
      ['?status=IN_REVIEW', [NAME.review]],
      ['?status=DRAFT', [NAME.draft]],
      ['?status=none', [ALLIANCE, DIRECTORATE, NORTHERN]],
      ['?flagged=true', [NAME.draft, ALLIANCE, DIRECTORATE, NORTHERN, NAME.review, NAME.overdue]],
      ['?flagged=false', [NAME.active, NAME.decided]],
      ['?relationship=bilateral&flagged=true&priority=1', [NORTHERN, NAME.overdue]],
    ];
    for (const [query, expected] of expectations) expect({ query, names: names(await portfolio('gert.mulder', query)) }).toEqual({ query, names: expected });
    const eu = await portfolio('gert.mulder', '?relationship=eu');
    expect(eu.riskByPriority.filter((c) => c.partners)).toEqual([
      { risk: 'medium', priority: 4, partners: 1 },
      { risk: 'low', priority: 1, partners: 1 },
      { risk: null, priority: 3, partners: 1 },
    ]);
    // The findings count the whole portfolio, whatever the filters select.
    expect(eu.flagged).toEqual({ no_active_note: 5, review_overdue: 1 });
  });

  it('sorts by name, priority, review date and risk, the flagged first, and pages', async () => {
    const flagged = await portfolio('gert.mulder', '?sort=priority');
    expect(names(flagged)).toEqual([NORTHERN, NAME.overdue, ALLIANCE, DIRECTORATE, NAME.draft, NAME.review, NAME.active, NAME.decided]);
    expect(names(await portfolio('gert.mulder', '?sort=review_date'))).toEqual([NAME.overdue, NAME.draft, ALLIANCE, DIRECTORATE, NORTHERN, NAME.review, NAME.active, NAME.decided]);
    expect(names(await portfolio('gert.mulder', '?sort=risk'))).toEqual([NAME.review, NAME.draft, NAME.overdue, ALLIANCE, DIRECTORATE, NORTHERN, NAME.decided, NAME.active]);
    const page = await portfolio('gert.mulder', '?sort=priority&limit=3&offset=3');
    expect({ names: names(page), total: page.total }).toEqual({ names: [DIRECTORATE, NAME.draft, NAME.review], total: 8 });
    expect((await portfolio('gert.mulder', '?offset=50')).items).toEqual([]);
  });

  it('refuses filters it does not know (400), writing nothing', async () => {
    const before = await suite.stack.sql`select count(*)::int as n from audit_log where action = 'portfolio.read'`;
    for (const query of ['?priority=5', '?risk=extreme', '?status=REJECTED', '?sort=age', '?flagged=yes', '?relationship=naval', '?partner=x', '?limit=0']) {
      for (const path of ['/portfolio', '/portfolio.csv']) {
        const res = await suite.http.call('gert.mulder', 'GET', `${path}${query}`);
        expect({ path, query, status: res.statusCode, code: res.json<{ error: { code: string } }>().error.code }).toEqual({ path, query, status: 400, code: 'bad_request' });
      }
    }
    expect(await suite.stack.sql`select count(*)::int as n from audit_log where action = 'portfolio.read'`).toEqual(before);
  });

  it('exports as CSV what the filters select, in the portfolio’s order, codes in words, formulas escaped', async () => {
    const res = await suite.http.call('ivo.peters', 'GET', '/portfolio.csv?relationship=eu');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="portfolio-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [heading, ...rows] = parseCsv(res.body.slice(1));
    expect(heading).toEqual(['Partner', 'Country', 'Kind', 'Relationships', 'SRM priority', 'Note', 'Status', 'Stage', 'Overall risk', 'Review date', 'Review date passed', 'Re-assessment', 'Permitted forms of cooperation', 'Open conditions', 'Flags']);
    // The name that begins with `@` is kept from a spreadsheet's formulas by a leading quote; its comma and quotes survive.
    expect(rows.map((r) => r[0])).toEqual([`'${NAME.draft}`, DIRECTORATE, NAME.overdue]);
    const [draft, directorate, overdue] = rows as [string[], string[], string[]];
    expect(draft.slice(1, 10)).toEqual(['Portfolia', 'Civil', 'EU since 2015-06-01', '4 (lowest)', `WN-${notes.draft.slice(0, 8).toUpperCase()}`, 'Draft', '', 'Medium', '']);
    expect(draft[14]).toBe('Cooperation without an active note');
    expect(directorate.slice(3, 7)).toEqual(['Bilateral since 2016-02-01; EU since 2004-05-01', '3', '', 'No current note']);
    expect(overdue.slice(6, 15)).toEqual(['Active', '', 'Low', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), 'Yes', expect.stringMatching(/^WN-[0-9A-F]{8} \(Draft\)$/), 'exchange of evaluated intelligence', expect.stringMatching(/^\d+$/), 'Review date passed']);
    // No paging: every row the filters select.
    const everything = parseCsv((await suite.http.call('ivo.peters', 'GET', '/portfolio.csv')).body.slice(1));
    expect(everything.slice(1).map((r) => r[0]!.replace(/^'/, ''))).toEqual(names(await portfolio('ivo.peters', '?limit=200')));
  });

  it('is on the record, naming the notes each view showed, never their content', async () => {
    await suite.http.call('ivo.peters', 'GET', '/portfolio?status=IN_REVIEW');
    const [entry] = await suite.stack.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where action = 'portfolio.read' and actor_id = 'ivo.peters' order by seq desc limit 1`;
    expect(entry!.details).toEqual({ what: 'portfolio', count: 1, notes: [notes.review] });
    expect((await suite.http.call('ivo.peters', 'GET', '/audit/verify')).json()).toMatchObject({ ok: true });
  });
});

describe('who sees the portfolio (need to know)', () => {
  it('shows the minister the partners whose current note reached her, and of them only the notes she may read', async () => {
    const hers = await portfolio('hanna.deboer');
    expect(names(hers)).toEqual([NAME.review, NAME.decided]);
    expect(hers.flagged).toEqual({ no_active_note: 1, review_overdue: 0 });
    expect(hers.total).toBe(2);
    const csv = parseCsv((await suite.http.call('hanna.deboer', 'GET', '/portfolio.csv')).body.slice(1));
    expect(csv.slice(1).map((r) => r[0])).toEqual([NAME.review, NAME.decided]);
  });

  it('refuses everyone else (403), writing nothing on the record', async () => {
    for (const person of ['anna.devries', 'carla.bakker', 'daan.visser', 'joke.hendriks', 'karel.smits']) {
      for (const path of ['/portfolio', '/portfolio.csv']) {
        const res = await suite.http.call(person, 'GET', path);
        expect({ person, path, status: res.statusCode }).toEqual({ person, path, status: 403 });
      }
    }
    expect((await suite.stack.app.inject({ method: 'GET', url: '/portfolio' })).statusCode).toBe(401);
    expect(await suite.stack.sql`select 1 from audit_log where action = 'portfolio.read' and actor_id in ('anna.devries', 'carla.bakker', 'daan.visser', 'joke.hendriks', 'karel.smits')`).toEqual([]);
  });
});

describe('the portfolio page', () => {
  it('shows the findings at the top, the filters, the chart with its table of counts, and the partners in words, readable at 390 px', async () => {
    const browser = await signedIn(suite.stack, 'gert.mulder');
    const page = await browser.get('/app/portfolio');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<a href="/app/portfolio" aria-current="page">Portfolio</a>');
    const findings = page.body.indexOf('Findings for oversight');
    expect(findings).toBeGreaterThan(-1);
    expect(findings).toBeLessThan(page.body.indexOf('<form method="get" action="/app/portfolio"'));
    expect(page.body).toContain('<li><strong>5</strong> partners have cooperation recorded but no active weighing note.</li>');
    expect(page.body).toContain('<li><strong>1</strong> active note is past its review date.</li>');
    // The chart: an SVG that scales to the screen, named, with the same counts in a table.
    expect(page.body).toMatch(/<svg role="img" aria-labelledby="chart-svg-title chart-svg-desc" viewBox="0 0 \d+ \d+" width="100%"/);
    expect(page.body).toContain('<tr><th scope="row">High</th><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>');
    expect(page.body).toContain('<tr><th scope="row">Not rated</th><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>');
    // The partners: codes in words, flagged first and marked, notes linked by their reference.
    expect(page.body).toContain('<td>Bilateral since 1 June 2015; EU since 1 June 2015</td><td>1 (highest)</td><td>Low</td>');
    expect(page.body).toContain(`<a class="ref" href="/app/notes/${notes.review}">WN-${notes.review.slice(0, 8).toUpperCase()}</a> In review, Minister`);
    expect(page.body).toContain('<strong class="overdue">Cooperation without an active note</strong>');
    expect(page.body).toContain('<strong class="overdue">Passed</strong>');
    expect(page.body).toContain('Exchange of evaluated intelligence and joint operations');
    expect(page.body).toContain('&quot;Portfolio&quot;');
    expect(page.body).not.toMatch(/>(ACTIVE|IN_REVIEW|DRAFT|MINISTER|high|medium|low|no_active_note|review_overdue|nato|eu|bilateral)</);
    // At 390 px: the viewport follows the screen, every table scrolls inside its box, no scripts.
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.body.match(/<table/g)!.length).toBe(page.body.match(/<div class="scroll"><table/g)!.length);
    expect(page.body).not.toContain('<script');
  });

  it('keeps the filters in the form, the pager and the CSV link, and downloads the CSV they select', async () => {
    const browser = await signedIn(suite.stack, 'ivo.peters');
    const page = await browser.get('/app/portfolio?relationship=eu&priority=&risk=&status=&sort=priority&limit=2');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="eu" selected>EU</option>');
    expect(page.body).toContain('<option value="priority" selected>SRM priority</option>');
    expect(page.body).toContain('1 to 2 of 3');
    expect(page.body).toContain('href="/app/portfolio?relationship=eu&amp;sort=priority&amp;limit=2&amp;offset=2" rel="next"');
    expect(page.body).toContain('<a href="/app/portfolio.csv?relationship=eu&amp;sort=priority" download>');
    expect(formValue(page.body, 'limit')).toBe('2');
    const csv = await browser.get('/app/portfolio.csv?relationship=eu&sort=priority');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(parseCsv(csv.body.slice(1)).slice(1).map((r) => r[0])).toEqual([NAME.overdue, DIRECTORATE, `'${NAME.draft}`]);
    const flaggedOnly = await browser.get('/app/portfolio?flagged=true');
    expect(flaggedOnly.body).toContain('name="flagged" value="true" checked');
    expect(flaggedOnly.body).not.toContain(NAME.active);
    expect((await browser.get('/app/portfolio?sort=age')).statusCode).toBe(400);
  });

  it('is the minister’s too, with what she may see; for anyone else there is no such page and no entry in the navigation', async () => {
    const minister = await (await signedIn(suite.stack, 'hanna.deboer')).get('/app/portfolio');
    expect(minister.statusCode).toBe(200);
    expect(minister.body).toContain(NAME.review);
    expect(minister.body).not.toContain(NORTHERN);
    expect(minister.body).not.toContain(NAME.active);
    for (const person of ['anna.devries', 'carla.bakker', 'joke.hendriks', 'karel.smits']) {
      const browser = await signedIn(suite.stack, person);
      const home = await browser.get('/app/');
      expect({ person, nav: home.body.includes('/app/portfolio') }).toEqual({ person, nav: false });
      expect({ person, page: (await browser.get('/app/portfolio')).statusCode, csv: (await browser.get('/app/portfolio.csv')).statusCode }).toEqual({ person, page: 404, csv: 404 });
    }
  });
});
