import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSql } from '../db/client';
import { ensureDatabase, migrate } from '../db/migrate';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';
import { findOrGetTemporalCli } from './temporal-cli';
import { DEV_SERVER_FLAGS } from './temporal-dev-server';

/** Services made for one run (tests, benchmark) and thrown away after it. */

/** A dev server on free ports, through the SDK's test environment, with the product's flags and search attributes. */
export async function startThrowawayTemporal(): Promise<TestWorkflowEnvironment> {
  const cli = await findOrGetTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli.path }, searchAttributes: SEARCH_ATTRIBUTE_KEYS, extraArgs: DEV_SERVER_FLAGS },
  });
}

/** A fresh, migrated database on the server `DATABASE_URL` names; returns its URL. */
export async function createThrowawayDatabase(prefix: string): Promise<string> {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weighing_notes');
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
