import { createSql } from '../../db/client';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__TEST_RUN__;
  if (!run) return;
  await run.env.teardown();
  const url = new URL(run.databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const sql = createSql(url.toString(), { max: 1 });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end();
  }
}
