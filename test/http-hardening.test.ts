import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { startApi } from '../api/server';
import { apiLogger } from '../api/hardening';
import { safeError } from '../clients/logger';
import { loadConfig } from '../config/env';
import { createSql } from '../db/client';
import { freePort } from '../dev/in-process-stack';
import { runEnv } from './support/run-env';
import { useStack } from './support/stack';

/** What the API logs, line by line, as an operator's log collector would receive it. */
const logged: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
const suite = useStack({ logger: { ...apiLogger('info'), stream: sink } });
const SECRET = 'Secret reason naming the liaison officer';

describe('headers on every response', () => {
  it('sends the security headers, no caching and a request id with the JSON API', async () => {
    const res = await suite.http.call('gert.mulder', 'GET', '/notes');
    expect(res.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringContaining('max-age='),
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-store',
      'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    for (const url of ['/health', '/nothing-here']) expect((await suite.stack.app.inject({ method: 'GET', url })).headers['cache-control']).toBe('no-store');
  });

  it('gives the browsable docs a policy of their own that lets them run, and keeps the pages script-free', async () => {
    const docs = await suite.stack.app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const page = await suite.stack.app.inject({ method: 'GET', url: '/codec/sign-in' });
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });
});

describe('rate limits', () => {
  it('stops a client hammering review links (429), not another client', async () => {
    const link = `/review/${'x'.repeat(40)}`;
    const from = (remoteAddress: string) => suite.stack.app.inject({ method: 'GET', url: link, remoteAddress });
    const statuses: number[] = [];
    for (let i = 0; i < 61; i += 1) statuses.push((await from('10.9.0.1')).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
    const limited = await from('10.9.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'too_many_requests' } });
    expect((await from('10.9.0.2')).statusCode).toBe(404);
  });

  it('shuts out a client guessing tokens for the rest of the minute after 20 refused tokens (429 with Retry-After), and no other client', async () => {
    const as = (remoteAddress: string, authorization: string) => suite.stack.app.inject({ method: 'GET', url: '/notes', remoteAddress, headers: { authorization } });
    const valid = (await suite.stack.auth('gert.mulder')).authorization;
    // Successes and requests without a token do not count: a busy client never meets the limit.
    for (let i = 0; i < 25; i += 1) expect((await as('10.9.1.1', valid)).statusCode).toBe(200);
    for (let i = 0; i < 25; i += 1) expect((await as('10.9.1.1', '')).statusCode).toBe(401);
    for (let i = 0; i < 20; i += 1) expect((await as('10.9.1.1', `Bearer guess-${i}`)).statusCode).toBe(401);
    for (const authorization of ['Bearer guess-22', valid]) {
      const limited = await as('10.9.1.1', authorization);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await as('10.9.1.2', valid)).statusCode).toBe(200);
    expect((await as('10.9.1.2', 'Bearer guess-0')).statusCode).toBe(401);
  });
});

describe('the log', () => {
  it('has one access line per request: method, route pattern, status, time, person and request id; never a token, a path or a body', async () => {
    const id = await suite.http.createNote('anna.devries');
    logged.length = 0;
    const headers = await suite.stack.auth('anna.devries');
    const res = await suite.stack.app.inject({ method: 'POST', url: `/notes/${id}/withdraw`, headers, payload: { reason: SECRET } });
    expect(res.statusCode).toBe(200);
    const lines = logged.filter((l) => l.msg === 'request');
    expect(lines).toEqual([
      expect.objectContaining({ method: 'POST', route: '/notes/:id/withdraw', status: 200, ms: expect.any(Number), person: 'anna.devries', reqId: res.headers['x-request-id'] }),
    ]);
    const text = JSON.stringify(logged);
    for (const secret of [SECRET, id, headers.authorization.slice(7)]) expect(text).not.toContain(secret);
  });

  it('logs a failed request’s error by kind and code, never its message, which may quote what was sent', async () => {
    // A fault that makes PostgreSQL quote the row it refused, as an unforeseen constraint would: it
    // names a marker no other suite writes, and is gone again after this test.
    const { sql } = suite.stack;
    const marker = `log-leak-probe-${randomUUID()}`;
    await sql.unsafe(`alter table comments add constraint log_leak_probe check (body not like '%log-leak-probe%')`);
    try {
      const id = await suite.http.createNote('anna.devries');
      logged.length = 0;
      const res = await suite.http.call('anna.devries', 'POST', `/notes/${id}/withdraw`, { reason: `${SECRET} ${marker}` });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    } finally {
      await sql.unsafe('alter table comments drop constraint log_leak_probe');
    }
    const failed = logged.find((l) => l.msg === 'request failed');
    expect(failed).toMatchObject({ err: { type: 'PostgresError', code: '23514', message: expect.stringMatching(/withheld/) } });
    expect(logged.find((l) => l.msg === 'request')).toMatchObject({ route: '/notes/:id/withdraw', status: 500, person: 'anna.devries' });
    for (const secret of [SECRET, marker]) expect(JSON.stringify(logged)).not.toContain(secret);
  });

  it('keeps only the frames of a stack, and the message of a system error, which names hosts and ports', () => {
    const multiLine = new Error(`550 refused\n${SECRET}\nmore`);
    expect(JSON.stringify(safeError(multiLine))).not.toContain(SECRET);
    expect(safeError(multiLine).stack).toMatch(/^\s+at /);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(safeError(refused)).toMatchObject({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
  });
});

describe('where the API listens', () => {
  it('binds to loopback unless HOST says otherwise', async () => {
    const env = runEnv();
    for (const [host, bound] of [[undefined, '127.0.0.1'], ['0.0.0.0', '0.0.0.0']] as const) {
      const config = loadConfig({ DATABASE_URL: env.TEST_DATABASE_URL, TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS, PORT: String(await freePort()), HOST: host });
      const sql = createSql(config.DATABASE_URL, { max: 1 });
      const api = await startApi(config, sql, 'warn');
      try {
        expect(api.address).toBe(bound);
        expect((await fetch(`${api.url}/health`, { headers: { 'x-trace': randomUUID() } })).status).toBe(200);
      } finally {
        await api.close();
        await sql.end();
      }
    }
  });
});
