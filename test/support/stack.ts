import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { createTokenVerifier } from '../../api/auth';
import { noteWorkflows } from '../../api/note-workflow';
import { createSql, type Sql } from '../../db/client';
import { devToken } from '../../dev/dev-token';
import { seed } from '../../dev/seed';
import { SEED_PEOPLE } from '../../dev/seed-data';
import { DEFAULT_POLICY, type Policy } from '../../domain/pipeline';
import { createWorker } from '../../worker/create-worker';
import { runEnv } from './run-env';

export const TEST_JWT_SECRET = 'test-secret-of-at-least-thirty-two-characters';

export interface Stack {
  app: FastifyInstance;
  sql: Sql;
  client: Client;
  taskQueue: string;
  /** Stops the worker and starts a new one on the same task queue (durable timers must survive this). */
  restartWorker(downtimeMs: number): Promise<void>;
  /** A bearer header for a seeded person, by id. */
  auth(personId: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/**
 * The product as it runs, for one test file: the real API (in-process), a real worker on its own
 * task queue, the run's Temporal dev server and its fresh database, seeded with the dev cast.
 */
export async function startStack(options: { policy?: Policy } = {}): Promise<Stack> {
  const env = runEnv();
  const sql = createSql(env.TEST_DATABASE_URL);
  await seed(sql);
  const taskQueue = `test-${randomUUID()}`;
  const connection = await Connection.connect({ address: env.TEST_TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  const app = await buildApp({
    sql,
    temporal: client,
    notes: noteWorkflows(client, taskQueue),
    verify: createTokenVerifier({ AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_JWKS_URL: undefined }),
    policy: options.policy ?? DEFAULT_POLICY,
  });
  // Started last: a worker left running by a failed set-up would keep the test run from ending.
  const nativeConnection = await NativeConnection.connect({ address: env.TEST_TEMPORAL_ADDRESS });
  const newWorker = (): Promise<Worker> =>
    createWorker({ connection: nativeConnection, namespace: 'default', taskQueue, deps: { sql }, workflowBundle: { codePath: env.TEST_WORKFLOW_BUNDLE } });
  let worker = await newWorker();
  let running = worker.run();

  return {
    app,
    sql,
    client,
    taskQueue,
    async restartWorker(downtimeMs) {
      worker.shutdown();
      await running;
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      worker = await newWorker();
      running = worker.run();
    },
    async auth(personId) {
      const person = SEED_PEOPLE.find((p) => p.id === personId);
      if (!person) throw new Error(`no seeded person ${personId}`);
      return { authorization: `Bearer ${await devToken(TEST_JWT_SECRET, person)}` };
    },
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await sql.end();
    },
  };
}
