import { Connection } from '@temporalio/client';
import { buildApp } from '../api/app';
import { appDeps } from '../api/app-deps';
import { createTemporalClient } from '../clients/temporal-client';
import { loadConfig } from '../config/env';
import { createSql } from '../db/client';
import { runEnv } from './support/run-env';

const env = runEnv();
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: env.TEST_TEMPORAL_ADDRESS });
});
afterAll(() => connection?.close());

async function healthWith(databaseUrl: string) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS });
  const sql = createSql(databaseUrl, { max: 1 });
  const app = await buildApp(appDeps(config, sql, createTemporalClient(connection, config.TEMPORAL_NAMESPACE, config.PAYLOAD_KEYS)));
  try {
    return await app.inject({ method: 'GET', url: '/health' });
  } finally {
    await app.close();
    await sql.end();
  }
}

describe('GET /health', () => {
  it('is 200 when the database and Temporal answer', async () => {
    const res = await healthWith(env.TEST_DATABASE_URL);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'up', temporal: 'up' });
  });

  it('is 503 naming the database when it is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const res = await healthWith('postgres://postgres@127.0.0.1:1/weighing_notes');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', database: 'down', temporal: 'up' });
  });
});
