import { loadConfig } from '../config/env';
import { devToken } from './dev-token';
import { SEED_PEOPLE } from './seed-data';

/** `npm run tokens`: a bearer token per seeded person, signed with AUTH_JWT_SECRET. */
export async function printTokens(secret: string): Promise<void> {
  for (const person of SEED_PEOPLE) {
    console.log(`  ${person.id.padEnd(15)} ${person.roles.join(',').padEnd(16)} ${await devToken(secret, person)}`);
  }
}

if (require.main === module) {
  const { AUTH_JWT_SECRET } = loadConfig();
  if (!AUTH_JWT_SECRET) {
    console.error('AUTH_JWT_SECRET: not set (tokens come from the identity provider behind AUTH_JWKS_URL)');
    process.exit(1);
  }
  void printTokens(AUTH_JWT_SECRET);
}
