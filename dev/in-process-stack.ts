import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { type Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from '../api/app';
import { appDeps } from '../api/app-deps';
import { createTemporalClient } from '../clients/temporal-client';
import { type Config, loadConfig } from '../config/env';
import { closeSql, createSql, type Sql } from '../db/client';
import type { ConsentPolicy } from '../domain/consent';
import type { Policy } from '../domain/pipeline';
import { activityDeps } from '../worker/run-worker';
import { createWorker } from '../worker/create-worker';
import { seed } from './seed';

export interface InProcessStackOptions {
  temporalAddress: string;
  databaseUrl: string;
  policy: Policy;
  /** The consent requests' rules; the configuration's defaults otherwise. */
  consentPolicy?: ConsentPolicy;
  jwtSecret: string;
  smtpUrl: string;
  reviewLinkSecret: string;
  /** Base of review links in mail; the API is driven in-process, so any URL whose path the test reads. */
  publicBaseUrl: string;
  /** PAYLOAD_KEYS as configured; the development key when unset. */
  payloadKeys?: string;
  /** TEMPORAL_CALL_TIMEOUT, e.g. `2s`; the default otherwise. */
  temporalCallTimeout?: string;
  /** The Temporal UI whose pages may call the codec endpoint (TEMPORAL_UI_ORIGINS). */
  temporalUiOrigin?: string;
  /** A prebuilt bundle; otherwise the worker bundles the workflows itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  interceptors?: WorkerOptions['interceptors'];
  /** Also listen on this port (127.0.0.1), for a browser; otherwise the API is driven by `inject` only. */
  port?: number;
  /** The API's logger (tests read its access log); silent otherwise. */
  logger?: FastifyServerOptions['logger'];
}

export interface InProcessStack {
  /** The configuration the API and the worker were built from, as `loadConfig` made it. */
  config: Config;
  app: FastifyInstance;
  sql: Sql;
  client: Client;
  taskQueue: string;
  /** Stops the worker (nothing polls the task queue until `startWorker`). */
  stopWorker(): Promise<void>;
  /** Starts a new worker on the same task queue (durable timers and waiting Updates must survive the gap). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/** A port free at this moment, for a server whose URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The product in one process, for tests and the benchmark: the real API (driven by `inject`), a real
 * worker on a task queue of its own, real Temporal and PostgreSQL, seeded with the dev cast.
 */
export async function startInProcessStack(options: InProcessStackOptions): Promise<InProcessStack> {
  const sql = createSql(options.databaseUrl);
  await seed(sql);
  const taskQueue = `in-process-${randomUUID()}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: options.smtpUrl,
    PUBLIC_BASE_URL: options.publicBaseUrl,
    AUTH_JWT_SECRET: options.jwtSecret,
    REVIEW_LINK_SECRET: options.reviewLinkSecret,
    PAYLOAD_KEYS: options.payloadKeys,
    TEMPORAL_UI_ORIGINS: options.temporalUiOrigin,
    TEMPORAL_CALL_TIMEOUT: options.temporalCallTimeout,
  });
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = createTemporalClient(connection, config.TEMPORAL_NAMESPACE, config.PAYLOAD_KEYS);
  const consentPolicy = options.consentPolicy ? { consentPolicy: options.consentPolicy } : {};
  const app = await buildApp({ ...appDeps(config, sql, client), policy: options.policy, ...consentPolicy }, { logger: options.logger });
  if (options.port !== undefined) await app.listen({ port: options.port, host: '127.0.0.1' });
  // Started last: a worker left running by a failed set-up would keep the process from ending.
  const nativeConnection = await NativeConnection.connect({ address: options.temporalAddress });
  const deps = activityDeps(config, sql);
  const newWorker = (): Promise<Worker> =>
    createWorker({
      connection: nativeConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      deps,
      payloadKeys: config.PAYLOAD_KEYS,
      maxCachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
      workflowBundle: options.workflowBundle,
      interceptors: options.interceptors,
    });
  let worker = await newWorker();
  let running = worker.run();

  return {
    config,
    app,
    sql,
    client,
    taskQueue,
    async stopWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async startWorker() {
      worker = await newWorker();
      running = worker.run();
    },
    async close() {
      await app.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      deps.mail.transport.close();
      await connection.close();
      await nativeConnection.close();
      await closeSql(sql);
    },
  };
}
