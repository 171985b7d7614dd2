import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../api/app';
import { appDeps } from '../api/app-deps';
import { apiLogger } from '../api/hardening';
import { SESSION_COOKIE } from '../api/staff-session';
import { upsertPerson } from '../db/people';
import { freePort } from '../dev/in-process-stack';
import { startIdentityProvider, TEST_OIDC_CLIENT, type TestIdentityProvider } from './support/oidc-provider';
import { browserOf, type StaffBrowser } from './support/staff';
import { TEST_PUBLIC_BASE_URL, useStack } from './support/stack';

/**
 * Staff sign in with OpenID Connect: a real provider (`oidc-provider`) in this process, the flow
 * driven over HTTP as a browser would, the API built as production builds it with AUTH_OIDC_*.
 * A database of its own: the suite adds people (one inactive, one with two roles).
 */
const suite = useStack({ ownDatabase: 'staff_oidc' });
const REDIRECT_URI = `${TEST_PUBLIC_BASE_URL}/app/sign-in/callback`;
const ACCOUNTS = {
  'anna.devries': {},
  // Holds drafter and auditor in the database; the provider vouches for auditor (and a role this application has not).
  'rita.devos': { roles: ['auditor', 'chief_of_everything'] },
  'olga.gone': {},
  'nobody.at.all': {},
};

/** Every line the APIs log, to check that no code, state or token is among them. */
const logged: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logged.push(chunk.toString('utf8'));
    done();
  },
});
/** Codes and states the provider handed out in this suite. */
const secrets: string[] = [];

let idp: TestIdentityProvider;
let app: FastifyInstance;
const apps: FastifyInstance[] = [];

/** The API with the identity provider at `issuer`, as `appDeps` builds it from the configuration. */
async function apiWith(issuer: string): Promise<FastifyInstance> {
  const config = { ...suite.stack.config, AUTH_OIDC_ISSUER: issuer, AUTH_OIDC_CLIENT_ID: TEST_OIDC_CLIENT.id, AUTH_OIDC_CLIENT_SECRET: TEST_OIDC_CLIENT.secret };
  const built = await buildApp(appDeps(config, suite.stack.sql, suite.stack.client), { logger: { ...apiLogger('info'), stream: sink } });
  apps.push(built);
  return built;
}

const browser = (api: FastifyInstance = app) => browserOf({ ...suite.stack, app: api });

/** Starts a sign-in in `from` and signs in at `provider` as `account`: the path and query the provider sends the browser back to. */
async function throughProvider(from: StaffBrowser, account: string, provider = idp): Promise<string> {
  const start = await from.get('/app/sign-in/oidc?next=%2Fapp%2Fnotes');
  expect(start.statusCode).toBe(303);
  const back = await provider.signIn(start.headers.location as string, account);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
  secrets.push(back.searchParams.get('code')!, back.searchParams.get('state')!);
  return `${back.pathname}${back.search}`;
}

const sessionOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === SESSION_COOKIE && c.value);

async function lastRefusal() {
  const [entry] = await suite.stack.sql<{ actorId: string | null; details: Record<string, unknown> }[]>`
    select actor_id, details from audit_log where action = 'staff.sign_in_refused' order by seq desc limit 1`;
  return entry;
}

/** The answer is the sign-in page with `sentence`, no session began, and the refusal is on the record. */
async function expectRefused(res: LightMyRequestResponse, status: number, sentence: string, record: object) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.body).toContain(sentence);
  expect(res.body).toContain('Sign in with');
  expect(sessionOf(res)).toBeUndefined();
  expect(await lastRefusal()).toMatchObject(record);
}

beforeAll(async () => {
  await upsertPerson(suite.stack.sql, { id: 'rita.devos', name: 'Rita de Vos', email: 'rita.devos@mivd.example', roles: ['drafter', 'auditor'], active: true });
  await upsertPerson(suite.stack.sql, { id: 'olga.gone', name: 'Olga Weg', email: 'olga.gone@mivd.example', roles: ['drafter'], active: false });
  idp = await startIdentityProvider(REDIRECT_URI, ACCOUNTS);
  app = await apiWith(idp.issuer);
});

afterAll(async () => {
  for (const each of apps) await each.close();
  await idp?.close();
});

describe('signing in with the identity provider', () => {
  it('is offered on the sign-in page by the provider’s host, keeping where the person was going', async () => {
    const page = await (await browser()).get('/app/sign-in?next=%2Fapp%2Fnotes');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Sign in with ${new URL(idp.issuer).host}`);
    expect(page.body).toContain('href="/app/sign-in/oidc?next=%2Fapp%2Fnotes"');
  });

  it('sends the browser to the provider with PKCE (S256), state, nonce and the scopes, kept in a sealed, short-lived Lax cookie', async () => {
    const res = await (await browser()).get('/app/sign-in/oidc?next=%2Fapp%2Fnotes');
    expect(res.statusCode).toBe(303);
    const to = new URL(res.headers.location as string);
    expect(`${to.origin}${to.pathname}`).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: TEST_OIDC_CLIENT.id,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email roles',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
    });
    const flow = res.cookies.find((c) => c.name === 'wn_oidc')!;
    expect(flow).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/app/sign-in', maxAge: 600 });
    expect(Buffer.from(flow.value, 'base64url').toString('latin1')).not.toContain(to.searchParams.get('state'));
  });

  it('signs in the person the ID token’s sub names, with the roles the database gives them when the provider names none', async () => {
    const anna = await browser();
    const res = await anna.get(await throughProvider(anna, 'anna.devries'));
    expect(res.statusCode).toBe(200);
    // Onwards by a refresh, not a redirect: see the callback route.
    expect(res.headers.refresh).toBe('0; url=/app/notes');
    expect(sessionOf(res)).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(anna.cookies.wn_oidc).toBeUndefined();
    expect((await anna.get('/app/sign-in')).statusCode).toBe(303);
    const page = await anna.get('/app/no-such-page');
    expect(page.body).toContain('Anna de Vries');
    expect(page.body).toContain('Drafter');
    const [entry] = await suite.stack.sql`select details from audit_log where actor_id = 'anna.devries' and action = 'staff.signed_in' order by seq desc limit 1`;
    expect(entry?.details).toMatchObject({ via: 'oidc' });
  });

  it('narrows the person’s roles to those the provider names, as a bearer token does', async () => {
    const rita = await browser();
    expect((await rita.get(await throughProvider(rita, 'rita.devos'))).statusCode).toBe(200);
    const page = await rita.get('/app/no-such-page');
    expect(page.body).toContain('Rita de Vos');
    expect(page.body).toContain('Auditor (CTIVD)');
    expect(page.body).not.toContain('Drafter');
  });
});

describe('a sign-in that fails signs no one in and is on the record', () => {
  it('when the state that comes back is not the one sent', async () => {
    const someone = await browser();
    const callback = new URL(await throughProvider(someone, 'anna.devries'), TEST_PUBLIC_BASE_URL);
    callback.searchParams.set('state', 'x'.repeat(43));
    await expectRefused(await someone.get(`${callback.pathname}${callback.search}`), 400, 'did not start in this browser', { actorId: null, details: { via: 'oidc', reason: 'state_mismatch' } });
  });

  it('when a code is used again, by another browser with the same cookie or by the same one', async () => {
    const anna = await browser();
    const callback = await throughProvider(anna, 'anna.devries');
    const flow = anna.cookies.wn_oidc!;
    expect((await anna.get(callback)).statusCode).toBe(200);

    const thief = await browser();
    thief.cookies.wn_oidc = flow;
    await expectRefused(await thief.get(callback), 403, 'did not sign you in', { details: { reason: 'refused', error: 'invalid_grant' } });
    await expectRefused(await anna.get(callback), 400, 'expired or has already been used', { details: { reason: 'no_flow' } });
  });

  it('when the provider answers with an error', async () => {
    const someone = await browser();
    const start = await someone.get('/app/sign-in/oidc');
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const query = new URLSearchParams({ error: 'access_denied', state, iss: idp.issuer });
    await expectRefused(await someone.get(`/app/sign-in/callback?${query}`), 403, 'did not sign you in', { details: { reason: 'refused', error: 'access_denied' } });
  });

  it('when the provider’s sub names no one here', async () => {
    const nobody = await browser();
    await expectRefused(await nobody.get(await throughProvider(nobody, 'nobody.at.all')), 403, 'this application does not', {
      actorId: null,
      details: { reason: 'unknown_person', sub: 'nobody.at.all' },
    });
  });

  it('when the person is not active', async () => {
    const olga = await browser();
    await expectRefused(await olga.get(await throughProvider(olga, 'olga.gone')), 403, 'Your account is not active', { actorId: 'olga.gone', details: { reason: 'inactive_person' } });
  });

  it('and no code or state reaches the log or the audit trail', async () => {
    expect(secrets.length).toBeGreaterThan(10);
    const trail = JSON.stringify(await suite.stack.sql`select details from audit_log where action like 'staff.%'`);
    const log = logged.join('');
    expect(log).toContain('staff sign-in refused');
    for (const secret of secrets) {
      expect(trail).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
  });
});

describe('the provider out of reach', () => {
  it('shows the sign-in page with a sentence and 503 when discovery finds no one there', async () => {
    const api = await apiWith(`http://127.0.0.1:${await freePort()}`);
    const res = await (await browser(api)).get('/app/sign-in/oidc');
    expect([res.statusCode, res.headers['retry-after']]).toEqual([503, '30']);
    expect(res.body).toContain('cannot be reached just now');
    expect(res.cookies.find((c) => c.name === 'wn_oidc')).toBeUndefined();
  });

  it('gives up on a provider that does not answer', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const api = await apiWith(`http://127.0.0.1:${(silent.address() as { port: number }).port}`);
      const began = Date.now();
      const res = await (await browser(api)).get('/app/sign-in/oidc');
      expect(res.statusCode).toBe(503);
      expect(Date.now() - began).toBeLessThan(15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('signs no one in when the provider goes down between sending the person there and their return', async () => {
    const fleeting = await startIdentityProvider(REDIRECT_URI, ACCOUNTS);
    const api = await apiWith(fleeting.issuer);
    const anna = await browser(api);
    const callback = await throughProvider(anna, 'anna.devries', fleeting);
    await fleeting.close();
    const res = await anna.get(callback);
    await expectRefused(res, 503, 'cannot be reached just now', { details: { reason: 'unavailable' } });
    expect(res.headers['retry-after']).toBe('30');
  });
});
