import { type Config, loadConfig } from '../config/env';
import { closeSql, createSql } from '../db/client';
import { findActivePerson, type Person } from '../db/people';
import { devToken } from './dev-token';
import { SEED_PEOPLE } from './seed-data';

/**
 * `npm run tokens [-- <person-id> ...]`: a development bearer token per person, signed with
 * AUTH_JWT_SECRET, as long-lived as allowed. Without ids, the seeded cast; with them, those people
 * as the database at DATABASE_URL knows them now (active, with their roles there).
 */
export async function printTokens(config: Config, people: Pick<Person, 'id' | 'roles'>[] = SEED_PEOPLE): Promise<void> {
  const { AUTH_JWT_SECRET: secret, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_TOKEN_MAX_LIFETIME } = config;
  if (!secret) throw new Error('AUTH_JWT_SECRET: not set (tokens come from the identity provider behind AUTH_JWKS_URL)');
  const lifetimeS = Math.floor(AUTH_TOKEN_MAX_LIFETIME / 1000);
  const width = Math.max(15, ...people.map((person) => person.id.length + 1));
  console.log(`Dev tokens (Authorization: Bearer <token>), valid ${Math.round(lifetimeS / 360) / 10} hours:`);
  for (const person of people) {
    console.log(`  ${person.id.padEnd(width)} ${person.roles.join(',').padEnd(16)} ${await devToken(secret, person, { issuer, audience, lifetimeS })}`);
  }
}

/** Tokens signed here are development tokens: in production they come from the identity provider only. */
function refuseOutsideDevelopment(config: Config): void {
  if (config.NODE_ENV === 'production') throw new Error('npm run tokens is for development only: with NODE_ENV=production, tokens come from the identity provider');
  if (!config.AUTH_JWT_SECRET) throw new Error('npm run tokens is for development only: AUTH_JWT_SECRET is not set, so tokens come from the identity provider behind AUTH_JWKS_URL');
}

async function activePeople(databaseUrl: string, ids: string[]): Promise<Person[]> {
  const sql = createSql(databaseUrl, { max: 1 });
  try {
    const found = await Promise.all(ids.map((id) => findActivePerson(sql, id)));
    const missing = ids.filter((_, i) => !found[i]);
    if (missing.length) throw new Error(`no active person with the id ${missing.join(', ')} in the database at DATABASE_URL`);
    return found as Person[];
  } finally {
    await closeSql(sql);
  }
}

async function main(ids: string[]): Promise<void> {
  const config = loadConfig();
  refuseOutsideDevelopment(config);
  await printTokens(config, ids.length ? await activePeople(config.DATABASE_URL, ids) : SEED_PEOPLE);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
