import { connect } from 'node:net';
import { SEED_PARTNERS, SEED_PEOPLE } from '../dev/seed-data';
import { completeContent } from './support/notes';
import { eventually } from './support/poll';
import { useStack } from './support/stack';

/**
 * Every string at every boundary: NUL, other control characters (ANSI escapes among them) and lone
 * surrogates are refused with 400 naming the field, and change nothing; text is stored as NFC.
 * Requests Node itself cannot parse still get the API's error format.
 */
const suite = useStack({ listen: true });

/** Each bad string carries a marker, so that anything it left behind can be found in any table. */
const MARKER = 'hostile-input-marker';
const BAD = { NUL: `${MARKER} a\u0000b`, ANSI: `${MARKER} red \u001b[31mtext\u001b[0m`, 'lone surrogate': `${MARKER} x\ud800y`, 'C1 control': `${MARKER} a\u0085b` };

/**
 * Everything a refused request could have touched: any row of any table holding the marker, and the
 * notes it aimed at with their story (other suites write to the same database meanwhile).
 */
async function footprint() {
  const { sql } = suite.stack;
  const tables = await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
  const marked: Record<string, number> = {};
  for (const { name } of tables) marked[name] = (await sql.unsafe(`select count(*)::int as n from "${name}" t where t::text like '%${MARKER}%'`))[0]!.n;
  const notes = await sql`select id, status, stage, version, current_revision from notes where id in ${sql([draft, inReview, active])} order by id`;
  const story = await sql`select note_id, count(*)::int from audit_log where note_id in ${sql([draft, inReview, active])}
                          and action not in ('note.content_read', 'note.access_refused') group by note_id order by note_id`;
  return { marked, notes, story };
}

let draft: string;
let inReview: string;
let active: string;
beforeAll(async () => {
  const { http } = suite;
  draft = await http.createNote('anna.devries');
  inReview = await http.createNote('anna.devries');
  await http.submit('anna.devries', inReview);
  active = await http.createNote('anna.devries');
  await http.submit('anna.devries', active);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) await http.decide(reviewer, active, 'approve');
  // Adoption goes on after the last decision's answer: its conditions are tracked (and audited) by their own workflow.
  await eventually(async () => (await suite.stack.sql`select 1 from conditions where note_id = ${active}`).length > 0 || undefined, 'the adopted note’s conditions');
});

type Case = [string, string, 'POST' | 'PUT', () => string, (bad: string) => unknown, string];
const CASES: Case[] = [
  ['a partner’s name', 'joke.hendriks', 'POST', () => '/partners', (bad) => ({ name: bad, country: 'Testland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] }), 'body.name'],
  ['a partner’s country', 'joke.hendriks', 'POST', () => '/partners', (bad) => ({ name: 'Hostile Test Service', country: bad, kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] }), 'body.country'],
  ['a new note’s content', 'anna.devries', 'POST', () => '/notes', (bad) => ({ partnerId: SEED_PARTNERS[0]!.id, content: { nationalSecurityInterest: bad } }), 'body.content.nationalSecurityInterest'],
  ['a criterion’s findings', 'anna.devries', 'POST', () => '/notes', (bad) => ({ partnerId: SEED_PARTNERS[0]!.id, content: { criteria: { humanRights: { findings: bad } } } }), 'body.content.criteria.humanRights.findings'],
  ['a source', 'anna.devries', 'POST', () => '/notes', (bad) => ({ partnerId: SEED_PARTNERS[0]!.id, content: { criteria: { legalPowers: { sources: ['ok', bad] } } } }), 'body.content.criteria.legalPowers.sources.1'],
  ['a draft', 'anna.devries', 'PUT', () => `/notes/${draft}/draft`, (bad) => ({ baseRevision: 1, content: completeContent({ weighing: bad }) }), 'body.content.weighing'],
  ['a comment', 'carla.bakker', 'POST', () => `/notes/${inReview}/decisions`, (bad) => ({ outcome: 'reject', revision: 1, stage: 'TEAM_REVIEW', comment: bad }), 'body.comment'],
  ['a withdrawal’s reason', 'anna.devries', 'POST', () => `/notes/${inReview}/withdraw`, (bad) => ({ reason: bad }), 'body.reason'],
  ['a re-assessment’s reason', 'anna.devries', 'POST', () => `/notes/${active}/reassess`, (bad) => ({ reason: bad }), 'body.reason'],
];

describe('strings at the API', () => {
  const rows = CASES.flatMap((c) => Object.entries(BAD).map(([kind, bad]) => [kind, ...c, bad] as const));
  it.each(rows)('refuses %s in %s with 400 naming the field, changing nothing', async (_kind, _where, who, method, url, body, field, bad) => {
    const before = await footprint();
    const res = await suite.http.call(who, method, url(), body(bad));
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string; details: { field: string }[] } }>().error.details.map((d) => d.field)).toContain(field);
    expect(await footprint()).toEqual(before);
  });

  it('keeps tabs and line breaks in free text, refuses a line break in a name, and stores text as NFC', async () => {
    const decomposed = 'Service de Se\u0301curite\u0301 Inte\u0301rieure';
    const created = await suite.http.call('joke.hendriks', 'POST', '/partners', { name: decomposed, country: 'Re\u0301publique', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Service de Sécurité Intérieure', country: 'République' });
    const [stored] = await suite.stack.sql<{ name: string }[]>`select name from partners where id = ${created.json<{ id: string }>().id}`;
    expect(stored!.name).toBe(decomposed.normalize('NFC'));

    const twoLines = await suite.http.call('joke.hendriks', 'POST', '/partners', { name: 'Two\nLines', country: 'Testland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] });
    expect(twoLines.statusCode).toBe(400);
    const free = await suite.http.call('anna.devries', 'PUT', `/notes/${draft}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'First line.\n\tIndented, second.\r\nThird.' }) });
    expect(free.json()).toMatchObject({ revision: 2, content: { weighing: 'First line.\n\tIndented, second.\r\nThird.' } });
  });
});

describe('numbers past what the database holds', () => {
  // Found by the fuzzer (FUZZ_SEED=136114833): a revision past PostgreSQL's `integer` gave a 500.
  const HUGE = 6_095_709_876_946_880;
  it.each([
    ['a submit’s revision', 'anna.devries', 'POST', () => `/notes/${draft}/submit`, { revision: HUGE }, 'body.revision'],
    ['a draft’s base revision', 'anna.devries', 'PUT', () => `/notes/${draft}/draft`, { baseRevision: HUGE, content: completeContent() }, 'body.baseRevision'],
    ['a decision’s revision', 'carla.bakker', 'POST', () => `/notes/${inReview}/decisions`, { outcome: 'approve', revision: HUGE, stage: 'TEAM_REVIEW' }, 'body.revision'],
  ] as const)('refuses %s with 400 naming the field, changing nothing', async (_where, who, method, url, body, field) => {
    const before = await footprint();
    const res = await suite.http.call(who, method, url(), body);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field)).toContain(field);
    expect(await footprint()).toEqual(before);
  });
});

describe('strings on the review page', () => {
  const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;
  const post = (path: string, form: Record<string, string>) =>
    suite.stack.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });

  it('answers a NUL, an escape or a comment over the limit with the form and one clear sentence, recording nothing', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
    const mail = await eventually(async () => suite.stack.mail.messages().find((m) => m.to.includes(email('carla.bakker')) && m.subject.includes(ref)), 'the review mail');
    const link = new URL(mail.text.match(/http:\/\/\S+\/review\/\S+/)![0]).pathname;
    const decided = () => suite.stack.sql`select count(*)::int as n from decisions where note_id = ${id}`;
    const before = [await footprint(), await decided()];
    for (const [comment, says] of [
      [BAD.NUL, 'characters that cannot be recorded'],
      [BAD.ANSI, 'characters that cannot be recorded'],
      [MARKER.repeat(1_200), 'too long: at most 20,000 characters'],
    ]) {
      const res = await post(link, { outcome: 'reject', comment: comment! });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain(says);
      expect(res.body).toContain('Record my decision');
    }
    expect((await post(link, { outcome: 'maybe' })).body).toContain('Choose an outcome.');
    expect([await footprint(), await decided()]).toEqual(before);
  });
});

/** A request written byte for byte on a real socket, as no HTTP client would send it. */
function raw(request: Buffer): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(suite.stack.config.PUBLIC_BASE_URL);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
  });
}
const get = (path: Buffer, extraHeaders = '') => raw(Buffer.concat([Buffer.from('GET '), path, Buffer.from(` HTTP/1.1\r\nHost: x\r\n${extraHeaders}Connection: close\r\n\r\n`)]));

describe('requests Node cannot parse or route', () => {
  it.each([
    ['a path past the router’s limit', () => get(Buffer.from(`/review/${'a'.repeat(3_000)}`)), 414, 'uri_too_long'],
    ['raw non-ASCII bytes in the path', () => get(Buffer.from([0x2f, 0x6e, 0x6f, 0x74, 0x65, 0x73, 0x2f, 0xe9, 0xe9])), 400, 'bad_request'],
    ['a control character in the path', () => get(Buffer.from('/notes/\u0001')), 400, 'bad_request'],
    ['headers over the size limit', () => get(Buffer.from('/health'), `X-Filler: ${'f'.repeat(20_000)}\r\n`), 431, 'headers_too_large'],
    ['a malformed percent-encoding', () => get(Buffer.from('/notes/%E0%A4%A')), 400, 'bad_request'],
  ])('answers %s in the error format', async (_what, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(res.body)).toEqual({ error: { code, message: expect.any(String) } });
    expect(res.body).not.toContain('aaaaaaaaaa');
  });
});
