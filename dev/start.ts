import type { ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { type Config, ConfigError, devSecretsInUse, loadConfig } from '../config/env';
import { createSql } from '../db/client';
import { ensureDatabase, migrate } from '../db/migrate';
import { workerProcessEnv } from '../worker/process-memory';
import { writeWorkflowBundle } from '../worker/workflow-bundle';
import { startDevMail } from './dev-mail';
import { seed } from './seed';
import { supervise } from './supervisor';
import { findOrGetTemporalCli } from './temporal-cli';
import { connectWithin, ensureSearchAttributes, startDevServer } from './temporal-dev-server';
import { printTokens } from './tokens';

/**
 * `npm start`: the whole stack on one machine, each part only where it is not already running:
 * Temporal dev server, schema and seed, dev mail sink (maildev), worker and API (processes of their
 * own, restarted when they end unasked). Ctrl-C stops what it started, in order: API, worker, the rest.
 */

const DATA_DIR = join(__dirname, '..', '.data');
const TEMPORAL_UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const MAIL_SINK_WEB_PORT = Number(process.env.MAIL_SINK_WEB_PORT ?? 8025);

type Stop = () => Promise<void>;
const stops: { name: string; stop: Stop }[] = [];
const log = (line: string) => console.log(`[start] ${line}`);

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 500 });
    const answer = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => answer(true)).once('error', () => answer(false)).once('timeout', () => answer(false));
  });
}

function hostPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}

function stopChild(child: ChildProcess): Stop {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
}

async function temporal(config: Config): Promise<string | undefined> {
  const existing = await connectWithin(config.TEMPORAL_ADDRESS, 0);
  if (existing) {
    const added = await ensureSearchAttributes(existing, config.TEMPORAL_NAMESPACE);
    await existing.close();
    log(`Temporal already running at ${config.TEMPORAL_ADDRESS}${added.length ? `; registered ${added.join(', ')}` : ''}`);
    return undefined;
  }
  const cli = await findOrGetTemporalCli(log);
  const { host, port } = hostPort(config.TEMPORAL_ADDRESS);
  const child = startDevServer({
    cliPath: cli.path,
    host,
    port,
    uiPort: TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    dbFile: join(DATA_DIR, 'temporal.db'),
    codecEndpoint: `${config.PUBLIC_BASE_URL}/codec`,
  });
  stops.push({ name: 'Temporal dev server', stop: stopChild(child) });
  const connection = await connectWithin(config.TEMPORAL_ADDRESS, 60_000);
  if (!connection) throw new Error(`Temporal dev server did not answer at ${config.TEMPORAL_ADDRESS} within 60 s`);
  await connection.close();
  log(`Temporal dev server (${cli.source}: ${cli.path}) at ${config.TEMPORAL_ADDRESS}, data in .data/temporal.db`);
  return `http://${host}:${TEMPORAL_UI_PORT}`;
}

async function database(config: Config): Promise<void> {
  const connect = (url: string) => createSql(url, { max: 1 });
  if (await ensureDatabase(config.DATABASE_URL, connect)) log('created the database');
  const sql = connect(config.DATABASE_URL);
  try {
    const applied = await migrate(sql);
    await seed(sql);
    log(`schema ${applied.length ? `migrated (${applied.join(', ')})` : 'up to date'}; people and partners seeded`);
  } finally {
    await sql.end();
  }
}

async function mailSink(config: Config): Promise<string | undefined> {
  const { host, port } = hostPort(config.SMTP_URL);
  if (await isListening(host, port)) {
    log(`SMTP already listening at ${host}:${port}`);
    return undefined;
  }
  const sink = await startDevMail({ smtpHost: host, smtpPort: port, webPort: MAIL_SINK_WEB_PORT, directory: join(DATA_DIR, 'mail') });
  stops.push({ name: 'mail sink', stop: () => sink.stop() });
  log(`mail sink (maildev) at ${sink.webUrl}, SMTP at ${host}:${port}, mail kept in .data/mail/`);
  return sink.webUrl;
}

async function main(): Promise<void> {
  // The worker's and the API's own logs, which `npm start` prints beside its own: problems only.
  process.env.LOG_LEVEL ??= 'warn';
  const config = loadConfig();
  const temporalUi = await temporal(config);
  await database(config);
  const mailUi = await mailSink(config);
  // What the API's home page links to besides itself (its process inherits them): what this command
  // started, else what was configured.
  const links = { TEMPORAL_UI_URL: temporalUi ?? config.TEMPORAL_UI_URL, MAIL_UI_URL: mailUi ?? config.MAIL_UI_URL };
  for (const [name, url] of Object.entries(links)) if (url) process.env[name] = url;

  // The worker loads the workflows bundled here, from this checkout: bundling them itself, it would keep
  // webpack's memory for as long as it runs.
  if (!process.env.WORKFLOW_BUNDLE) {
    process.env.WORKFLOW_BUNDLE = join(DATA_DIR, 'workflow-bundle.js');
    await writeWorkflowBundle(process.env.WORKFLOW_BUNDLE);
    log('workflows bundled into .data/workflow-bundle.js');
  }
  // The worker and the API as processes of their own, restarted whenever they end unasked.
  const worker = supervise('worker', 'worker/main.ts', 'worker polling', log, workerProcessEnv());
  stops.push({ name: 'worker', stop: () => worker.stop() });
  await worker.ready;

  const apiUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`;
  if (await isListening(config.HOST, config.PORT)) {
    log(`port ${config.PORT} is taken; assuming the API runs there already`);
  } else {
    const api = supervise('api', 'api/main.ts', 'API listening on', log);
    stops.push({ name: 'API', stop: () => api.stop() });
    await api.ready;
  }

  console.log(`
Weighing notes is running. Ctrl-C stops what this command started.

  Staff pages     ${apiUrl}/app/   (sign in as any seeded person: development only)
  API             ${apiUrl}   (start here: links to all below)
  API docs        ${apiUrl}/docs   (OpenAPI: ${apiUrl}/openapi.json)
  Health          ${apiUrl}/health
  Temporal UI     ${links.TEMPORAL_UI_URL ?? '(the running server’s own UI)'}
  Codec sign-in   ${apiUrl}/codec/sign-in   (operators: payloads decoded in the Temporal UI)
  Mail sink       ${links.MAIL_UI_URL ?? `(the SMTP server at ${config.SMTP_URL})`}
`);
  for (const name of devSecretsInUse(config)) console.log(`WARNING: ${name} is the built-in development value; set it outside development.`);
  if (config.AUTH_JWT_SECRET) await printTokens(config);
}

async function shutdown(): Promise<void> {
  for (const { name, stop } of stops.reverse()) {
    log(`stopping the ${name}`);
    await stop().catch((error: Error) => console.error(`[start] ${name}: ${error.message}`));
  }
  log('stopped');
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void shutdown().then(() => process.exit(0));
  });
}

main().catch(async (error: Error) => {
  console.error(error instanceof ConfigError ? error.message : `[start] ${error.stack ?? error.message}`);
  await shutdown();
  process.exit(1);
});
