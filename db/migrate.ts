import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from './client';

export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/**
 * Applies, in name order, each `migrations/NNN_*.sql` not applied yet, each in its own transaction.
 * Forward-only: a migration once applied is never edited; a change is a new file.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name))
    .sort();
  return sql.begin(async (tx) => {
    // One migrator at a time: the API, the worker and `npm start` may all start together.
    await tx`select pg_advisory_xact_lock(hashtext('weighing-notes-migrations'))`;
    await tx`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((row) => row.name));
    const applied: string[] = [];
    for (const name of files.filter((file) => !done.has(file))) {
      await tx.unsafe(readFileSync(join(dir, name), 'utf8'));
      await tx`insert into schema_migrations (name) values (${name})`;
      applied.push(name);
    }
    return applied;
  });
}

/** Creates the database named in `url` when it does not exist (needs a server we can connect to). */
export async function ensureDatabase(url: string, connect: (url: string) => Sql): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = connect(admin.toString());
  try {
    const [row] = await sql`select 1 as exists from pg_database where datname = ${name}`;
    if (row) return false;
    await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await sql.end();
  }
}
