import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSql } from '../db/client';
import { ensureDatabase, migrate } from '../db/migrate';
import { DEFAULT_POLICY } from '../domain/pipeline';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';
import { freePort, type InProcessStack, startInProcessStack } from './in-process-stack';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture';
import { findOrGetTemporalCli } from './temporal-cli';
import { DEV_SERVER_FLAGS } from './temporal-dev-server';

/** Services made for one run (tests, benchmark) and thrown away after it. */

export interface ThrowawayTemporal {
  env: TestWorkflowEnvironment;
  /** Its web UI, for a browser (an operator reading a history). */
  uiUrl: string;
}

/**
 * A dev server with its UI on free ports, through the SDK's test environment, with the product's
 * flags and search attributes. The UI's port is chosen before the server picks its own, so the two
 * can collide (the server then fails to start): another pair of ports is tried.
 */
export async function startThrowawayTemporal(attempts = 3): Promise<ThrowawayTemporal> {
  const cli = await findOrGetTemporalCli();
  for (let attempt = 1; ; attempt += 1) {
    const uiPort = await freePort();
    try {
      const env = await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: cli.path }, searchAttributes: SEARCH_ATTRIBUTE_KEYS, extraArgs: DEV_SERVER_FLAGS, ip: '127.0.0.1', uiPort },
      });
      return { env, uiUrl: `http://127.0.0.1:${uiPort}` };
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** A fresh, migrated database on the server `server` names (by default `DATABASE_URL`'s); returns its URL. */
export async function createThrowawayDatabase(prefix: string, server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weighing_notes'): Promise<string> {
  const url = new URL(server);
  url.pathname = `/${prefix}_${Date.now().toString(36)}_${process.pid}`;
  const connect = (u: string) => createSql(u, { max: 1 });
  await ensureDatabase(url.toString(), connect);
  const sql = connect(url.toString());
  try {
    await migrate(sql);
  } finally {
    await sql.end();
  }
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const sql = createSql(url.toString(), { max: 1 });
  try {
    await sql.unsafe(`drop database if exists "${name.replace(/"/g, '""')}" with (force)`);
  } finally {
    await sql.end();
  }
}

export interface ThrowawayProduct {
  stack: InProcessStack;
  /** The dev server's web UI. */
  temporalUi: string;
  mail: SmtpCapture;
  /** Where a browser reaches the API, when asked to listen. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The whole product on throw-away services (dev server, database, mail sink), for scripts. */
export async function startThrowawayProduct(options: { jwtSecret: string; listen?: boolean }): Promise<ThrowawayProduct> {
  const { env, uiUrl } = await startThrowawayTemporal();
  const databaseUrl = await createThrowawayDatabase('weighing_notes_scratch');
  const mail = await startSmtpCapture({ smtpPort: 0 });
  const port = options.listen ? await freePort() : undefined;
  const baseUrl = `http://127.0.0.1:${port ?? 3000}`;
  const stack = await startInProcessStack({
    temporalAddress: env.address,
    databaseUrl,
    policy: DEFAULT_POLICY,
    jwtSecret: options.jwtSecret,
    smtpUrl: `smtp://127.0.0.1:${mail.smtpPort}`,
    reviewLinkSecret: `${options.jwtSecret}/review-links`,
    publicBaseUrl: baseUrl,
    temporalUiOrigin: uiUrl,
    port,
  });
  return {
    stack,
    temporalUi: uiUrl,
    mail,
    baseUrl,
    async close() {
      await stack.close();
      await mail.close();
      await env.teardown();
      await dropDatabase(databaseUrl);
    },
  };
}
