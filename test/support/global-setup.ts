import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createSql } from '../../db/client';
import { ensureDatabase, migrate } from '../../db/migrate';
import { DEV_SERVER_FLAGS } from '../../dev/temporal-dev-server';
import { findOrGetTemporalCli } from '../../dev/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';

const RESULTS = join(__dirname, '..', '..', '.test-results');

export default async function globalSetup(): Promise<void> {
  const cli = await findOrGetTemporalCli();
  const databaseUrl = freshDatabaseUrl();
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cli.path },
        searchAttributes: SEARCH_ATTRIBUTE_KEYS,
        extraArgs: DEV_SERVER_FLAGS,
      },
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') }),
    prepareDatabase(databaseUrl),
  ]);
  mkdirSync(RESULTS, { recursive: true });
  const bundlePath = join(RESULTS, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);

  globalThis.__TEST_RUN__ = { env, databaseUrl };
  process.env.TEST_TEMPORAL_ADDRESS = env.address;
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}

function freshDatabaseUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/weighing_notes');
  url.pathname = `/weighing_notes_test_${Date.now().toString(36)}_${process.pid}`;
  return url.toString();
}

async function prepareDatabase(url: string): Promise<void> {
  const connect = (u: string) => createSql(u, { max: 1 });
  await ensureDatabase(url, connect);
  const sql = connect(url);
  try {
    await migrate(sql);
  } finally {
    await sql.end();
  }
}

declare global {
  var __TEST_RUN__: { env: TestWorkflowEnvironment; databaseUrl: string } | undefined;
}
