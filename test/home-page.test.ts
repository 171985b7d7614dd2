import { Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { appDeps } from '../api/app-deps';
import { PAGE_CSP } from '../api/pages';
import { createTemporalClient } from '../clients/temporal-client';
import { loadConfig } from '../config/env';
import { createSql, type Sql } from '../db/client';
import { runEnv } from './support/run-env';

/** `/`, the address `npm start` prints first: a page leading to the docs and the tools beside the API. */
const env = runEnv();
const TEMPORAL_UI = 'http://127.0.0.1:8233';
const OWN_LINKS = ['/app/', '/docs', '/openapi.json', '/health', '/codec/sign-in'];

let connection: Connection;
let sql: Sql;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: env.TEST_TEMPORAL_ADDRESS });
  sql = createSql(env.TEST_DATABASE_URL, { max: 1 });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await sql?.end();
  await connection?.close();
});

async function appWith(links: Record<string, string>): Promise<FastifyInstance> {
  const config = loadConfig({ DATABASE_URL: env.TEST_DATABASE_URL, TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS, ...links });
  const app = await buildApp(appDeps(config, sql, createTemporalClient(connection, config.TEMPORAL_NAMESPACE, config.PAYLOAD_KEYS)));
  apps.push(app);
  return app;
}

const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)">/g)].map((m) => m[1]);

describe('the home page', () => {
  it('links the docs, the OpenAPI document, health, the codec sign-in, the Temporal UI and the mail sink, under the pages’ headers', async () => {
    const app = await appWith({ TEMPORAL_UI_URL: TEMPORAL_UI, MAIL_UI_URL: 'http://127.0.0.1:8025' });
    const res = await app.inject({ method: 'GET', url: '/' });

    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(res.body).toContain('<title>Start here — Weighing notes</title>');
    expect(res.body).not.toContain('<script');
    expect(hrefs(res.body)).toEqual([...OWN_LINKS, TEMPORAL_UI, 'http://127.0.0.1:8025']);
    expect(res.body).toContain('>Temporal UI</a>');
    expect(res.body).toContain('>Mail sink</a>');
  });

  it('leads only to pages that answer', async () => {
    const app = await appWith({});
    // The staff pages send a visitor on to their sign-in page first.
    for (const url of OWN_LINKS) expect([url, (await app.inject({ method: 'GET', url })).statusCode]).toEqual([url, url === '/app/' ? 303 : 200]);
  });

  it('leaves out what it does not know: without TEMPORAL_UI_URL and MAIL_UI_URL, the API’s own pages only', async () => {
    const res = await (await appWith({})).inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(hrefs(res.body)).toEqual(OWN_LINKS);
    expect(res.body).not.toContain('>Temporal UI</a>');
    expect(res.body).not.toContain('>Mail sink</a>');
  });

  it('escapes a configured address, and start-up refuses one that is not an http(s) URL', async () => {
    const res = await (await appWith({ MAIL_UI_URL: 'http://127.0.0.1:8025/?q="><script>alert(1)</script>' })).inject({ method: 'GET', url: '/' });
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('href="http://127.0.0.1:8025/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');

    expect(() => loadConfig({ TEMPORAL_UI_URL: 'javascript:alert(1)' })).toThrow(/TEMPORAL_UI_URL: must be a URL starting with http:\/\/ or https:\/\//);
    expect(() => loadConfig({ MAIL_UI_URL: '127.0.0.1:8025' })).toThrow(/MAIL_UI_URL: must be a URL/);
  });
});
