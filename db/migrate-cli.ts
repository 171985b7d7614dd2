import { loadConfig } from '../config/env';
import { createSql } from './client';
import { ensureDatabase, migrate } from './migrate';

/** `npm run migrate`: creates the database if needed and applies pending migrations. */
async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  const connect = (url: string) => createSql(url, { max: 1 });
  if (await ensureDatabase(DATABASE_URL, connect)) console.log('created the database');
  const sql = connect(DATABASE_URL);
  try {
    const applied = await migrate(sql);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date');
  } finally {
    await sql.end();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
