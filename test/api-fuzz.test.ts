import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { SEED_PEOPLE } from '../dev/seed-data';
import { claims, hs256, REFUSED_TOKENS } from './support/forged-tokens';
import { api } from './support/notes';
import { type FuzzRequest, type JsonSchema, type Operation, operationsOf, type Paths, payloadOf, requestsTo } from './support/openapi-requests';
import { eventually } from './support/poll';
import { useStack } from './support/stack';

/**
 * Hostile input (issue 9): requests generated from the OpenAPI document, to every operation, mostly
 * malformed or unauthorised, as every seeded role and with forged tokens. However malformed, none may
 * answer 5xx; every refusal takes the route's error format; and a refused request changes nothing in
 * the database. FUZZ_SEED replays a run (the seed is printed), FUZZ_RUNS sets its number of requests.
 *
 * Error formats, per route: every operation in the document declares JSON responses (/health and
 * the codec's included), so its refusals must be the JSON error format (`{ error: { code, message,
 * details? } }`, application/json). The pages for people are left out of the document (PAGES below):
 * they refuse with an HTML page and its status, except where Fastify refuses the request before the
 * page sees it (a body too large, of a type it does not take, malformed), which is the JSON format.
 * The document itself and /docs take no input and are not fuzzed.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** The largest body limit of any route (the codec's; 1 MiB elsewhere): the oversized body passes it. */
const LARGEST_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Rows the product writes on purpose for a refused request or a read (README, "On the record"): a
 * refused attempt on a note or a consent request (`*.access_refused`) and a read of its content
 * (`*.content_read`, also written when a review page shows a note beside a refused form, or a refused
 * answer shows the request again). The digest leaves out exactly these; every other row of every
 * table must stay as it was after a refused request.
 */
const ON_THE_RECORD = ['note.access_refused', 'note.content_read', 'consent.access_refused', 'consent.content_read'];

const html = { default: { content: { 'text/html': {} } } };
const token = { in: 'path' as const, name: 'token', schema: { type: 'string' as const } };
const fromThisPage = { in: 'header' as const, name: 'sec-fetch-site', schema: { type: 'string' as const, enum: ['same-origin', 'cross-site'] } };
const form = (properties: Record<string, JsonSchema>, required: string[]) => ({
  content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' as const, properties, required } } },
});
/** The routes the document hides, being HTML pages for people: described in its terms, so that the same generator fuzzes them. */
const PAGES: Paths = {
  '/review/{token}': {
    get: { parameters: [token], responses: html },
    post: { parameters: [token], requestBody: form({ outcome: { type: 'string', enum: ['approve', 'reject', 'request_changes'] }, comment: { type: 'string', maxLength: 20_000 } }, ['outcome']), responses: html },
  },
  '/review/consent/{token}': {
    get: { parameters: [token], responses: html },
    post: { parameters: [token], requestBody: form({ outcome: { type: 'string', enum: ['approve', 'reject', 'request_changes'] }, comment: { type: 'string', maxLength: 20_000 } }, ['outcome']), responses: html },
  },
  '/codec/sign-in': { get: { responses: html }, post: { parameters: [fromThisPage], requestBody: form({ token: { type: 'string' } }, ['token']), responses: html } },
  '/codec/sign-out': { post: { parameters: [fromThisPage], responses: html } },
};

const ErrorBody = z.object({ error: z.object({ code: z.string().regex(/^[a-z_]+$/), message: z.string().min(1), details: z.unknown().optional() }).strict() }).strict();


// A database of the suite's own: other suites write to the run's meanwhile, and the digest must see only these requests.
const suite = useStack({ ownDatabase: 'weighing_notes_fuzz' });

/** One query over every table of the public schema, built once from information_schema; with the mail still queued. */
async function digestQuery(sql: Sql): Promise<string> {
  const tables = await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;
  const onTheRecord = ON_THE_RECORD.map((action) => `'${action}'`).join(', ');
  const digests = tables.map(({ name }) => {
    const kept = name === 'audit_log' ? `where t.action not in (${onTheRecord})` : '';
    return `'${name}', (select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from "${name}" t ${kept})`;
  });
  return `select json_build_object(${digests.join(', ')}) as tables, (select count(*)::int from outbox where status = 'pending') as unsent`;
}

/** Path values the requests draw on: notes in three states, a condition of the adopted one, a partner, a review link, a consent request in review and its link, and an operator's token. */
async function makeKnownValues(): Promise<string[]> {
  const http = api(suite.stack);
  const partner = await http.call('joke.hendriks', 'POST', '/partners', { name: 'Fuzzed Partner Service', country: 'Fuzzland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] });
  const partnerId = partner.json<{ id: string }>().id;
  // A partner has one current note: the others get partners of their own.
  const draft = await http.createNote('anna.devries', undefined, partnerId);
  const inReview = await http.createNote('anna.devries');
  await http.submit('anna.devries', inReview);
  const adopted = await http.createNote('anna.devries');
  await http.submit('anna.devries', adopted);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) await http.decide(reviewer, adopted, 'approve');
  // The adoption makes the note's conditions in a workflow of their own, after the decision answers: they are in before the baseline.
  const condition = await eventually(async () => (await suite.stack.sql<{ id: string }[]>`select id from conditions where note_id = ${adopted} order by position`)[0]?.id, 'the adopted note’s conditions');
  const ref = `WN-${inReview.slice(0, 8).toUpperCase()}`;
  const mail = await eventually(async () => suite.stack.mail.messages().find((m) => m.subject.includes(ref) && m.text.includes('/review/')), 'the review link mailed');
  const reviewToken = mail.text.match(/\/review\/(\S+)/)![1]!;
  // A consent request in legal review, and the review link its mail carries.
  const consentBody = { recipient: 'nato', informationRef: 'FUZZ-0001', form: 'evaluated_intelligence_exchange', justification: 'Fuzzed.' };
  const consent = (await http.call('anna.devries', 'POST', '/consent-requests', { originatorId: partnerId, content: consentBody })).json<{ id: string }>().id;
  await http.call('anna.devries', 'POST', `/consent-requests/${consent}/submit`);
  const consentMail = await eventually(async () => suite.stack.mail.messages().find((m) => m.text.includes(`/review/consent/`)), 'the consent review link mailed');
  const consentToken = consentMail.text.match(/\/review\/consent\/(\S+)/)![1]!;
  const operatorToken = (await suite.stack.auth('karel.smits')).authorization.slice('Bearer '.length);
  return [draft, inReview, adopted, condition, partnerId, reviewToken, consent, consentToken, operatorToken];
}

type Headers = Record<string, { authorization?: string }>;

/** Every seeded person (and one claiming roles she lacks), then no token and every token the API must refuse; by name. */
async function makeCallers(): Promise<{ people: Headers; strangers: Headers }> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const people = await Promise.all(SEED_PEOPLE.map(async (p) => [p.id, await suite.stack.auth(p.id)] as const));
  const forged = await Promise.all(REFUSED_TOKENS.map(async ([what, make]) => [what, bearer(await make())] as const));
  return {
    people: {
      ...Object.fromEntries(people),
      'a drafter claiming roles she lacks': bearer(await hs256(claims({ sub: 'anna.devries', roles: ['drafter', 'admin', 'auditor', 'operator'] }))),
    },
    strangers: {
      'no token': {},
      'another scheme': { authorization: 'Basic YW5uYTpzZWNyZXQ=' },
      'an empty bearer': { authorization: 'Bearer ' },
      ...Object.fromEntries(forged),
    },
  };
}

/** What is wrong with an answer, if anything: a server error, or a refusal not in the route's format. */
function problemWith(operation: Operation, res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return 'a server error';
  if (res.statusCode < 400) return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (operation.answers === 'text/html' && type.startsWith('text/html')) return /^<!doctype html>/i.test(res.body) ? undefined : 'an error page that is no HTML document';
  if (!type.startsWith('application/json')) return `an error as ${type || 'no content type'}`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return 'an error that is no JSON';
  }
  return ErrorBody.safeParse(body).success ? undefined : 'an error not in the JSON error format';
}


describe('the API under hostile input', () => {
  it(`answers ${RUNS} generated requests without a 5xx, every refusal in its route's format, and changes nothing when it refuses`, async () => {
    const { sql } = suite.stack;
    const documented = operationsOf((await suite.stack.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Paths }>().paths);
    const operations = [...documented, ...operationsOf(PAGES)];
    const [known, { people, strangers }, query] = await Promise.all([makeKnownValues(), makeCallers(), digestQuery(sql)]);
    const callers = { ...people, ...strangers };
    const digest = async () => (await sql.unsafe<{ tables: Record<string, string>; unsent: number }[]>(query))[0]!;
    // After a success the worker may still be sending the mail it queued: the baseline waits for it.
    const settled = () => eventually(async () => ((await digest()).unsent ? undefined : (await digest()).tables), 'queued mail sent');

    let oversized: Buffer | undefined;
    let sent = 0;
    const statuses = new Map<number, number>();
    const hit = new Set<string>();
    const send = (request: FuzzRequest) => {
      sent += 1;
      const { payload, type } = payloadOf(request.body, () => (oversized ??= Buffer.alloc(LARGEST_BODY_LIMIT + 1, 'x')));
      return suite.stack.app.inject({
        method: request.method as InjectOptions['method'],
        url: request.url,
        // An address per request: the limit on refused tokens per address (20 a minute, http-hardening's
        // subject) would otherwise shut the fuzzer out after its first forged tokens, leaving only 429s.
        remoteAddress: `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`,
        headers: { ...request.headers, ...callers[request.caller], ...(type === undefined ? {} : { 'content-type': type }) },
        ...(payload === undefined ? {} : { payload }),
      });
    };

    let baseline = await settled();
    const property = fc.asyncProperty(requestsTo(operations, { known, callers: Object.keys(people), strangers: Object.keys(strangers) }), async (request) => {
      const res = await send(request);
      hit.add(request.operation);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const problem = problemWith(operations.find((o) => o.name === request.operation)!, res);
      if (problem) throw new Error(`${problem}: ${res.statusCode} ${res.headers['content-type']} ${res.body.slice(0, 500)}`);
      if (res.statusCode < 300) {
        baseline = await settled();
        return;
      }
      const { tables } = await digest();
      expect({ status: res.statusCode, changed: Object.keys(tables).filter((t) => tables[t] !== baseline[t]) }).toEqual({ status: res.statusCode, changed: [] });
    });
    try {
      // A failure is reported as found, not shrunk: each request changes the state the next one meets.
      await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
    } finally {
      const tally = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
      console.log(`api fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}: ${sent} requests (${tally})`);
    }

    expect(operations.map((o) => o.name).filter((name) => !hit.has(name))).toEqual([]);
    const succeeded = [...statuses].filter(([status]) => status < 300).reduce((n, [, count]) => n + count, 0);
    // Mostly refusals, so that the refusal paths are what is exercised.
    expect(succeeded).toBeLessThan(sent / 2);
  }, 600_000);
});
