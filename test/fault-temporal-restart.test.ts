import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../dev/in-process-stack';
import { findOrGetTemporalCli } from '../dev/temporal-cli';
import { connectWithin, startDevServer } from '../dev/temporal-dev-server';
import { APPROVERS, approveOnceHeard, expectAdoptedWhole } from './support/fault-checks';
import { api } from './support/notes';
import { eventually } from './support/poll';
import { type Stack, startStack } from './support/stack';

/**
 * The Temporal dev server killed with SIGKILL and started again on its database file, under a running
 * stack: /health and requests answer 503 meanwhile, the worker and the API reconnect by themselves,
 * and the approval completes with every decision once and the audit trail whole.
 */
const dir = mkdtempSync(join(tmpdir(), 'weighing-notes-temporal-'));
let server: ChildProcess;
let address: string;
let start: () => Promise<void>;
let stack: Stack;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  const cli = (await findOrGetTemporalCli()).path;
  const [port, uiPort] = [await freePort(), await freePort()];
  address = `127.0.0.1:${port}`;
  start = async () => {
    server = startDevServer({ cliPath: cli, host: '127.0.0.1', port, uiPort, namespace: 'default', dbFile: join(dir, 'temporal.db'), codecEndpoint: 'http://127.0.0.1:1/codec' });
    const connection = await connectWithin(address, 60_000);
    if (!connection) throw new Error('the dev server did not start');
    await connection.close();
  };
  await start();
  stack = await startStack({ temporalAddress: () => address, temporalCallTimeout: '3s' });
  http = api(stack);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the Temporal server killed and started again', () => {
  it('answers 503 while it is gone, reconnects by itself, and the approval completes once it is back', async () => {
    const id = await http.createNote('anna.devries');
    expect((await http.submit('anna.devries', id)).statusCode).toBe(200);
    expect((await http.decide('carla.bakker', id, 'approve', 1, { stage: 'TEAM_REVIEW' })).statusCode).toBe(200);

    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGKILL');
    });
    const health = await stack.app.inject({ method: 'GET', url: '/health' });
    expect([health.statusCode, health.json()]).toEqual([503, { status: 'unavailable', database: 'up', temporal: 'down' }]);
    const refused = await http.decide('daan.visser', id, 'approve', 1, { stage: 'LEGAL_REVIEW' });
    expect([refused.statusCode, refused.headers['retry-after']]).toEqual([503, '5']);
    // Reads come from PostgreSQL: they go on.
    expect((await http.note('gert.mulder', id)).statusCode).toBe(200);

    await start();
    await eventually(async () => ((await stack.app.inject({ method: 'GET', url: '/health' })).statusCode === 200 ? true : undefined), 'Temporal back', 30_000);
    await approveOnceHeard(stack, id, APPROVERS.slice(1));
    await expectAdoptedWhole(stack, id);
  });
});
