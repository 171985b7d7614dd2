import { type Config, loadConfig } from '../config/env';
import { devToken } from './dev-token';
import { SEED_PEOPLE } from './seed-data';

/** `npm run tokens`: a bearer token per seeded person, signed with AUTH_JWT_SECRET, as long-lived as allowed. */
export async function printTokens(config: Config): Promise<void> {
  const { AUTH_JWT_SECRET: secret, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_TOKEN_MAX_LIFETIME } = config;
  if (!secret) throw new Error('AUTH_JWT_SECRET: not set (tokens come from the identity provider behind AUTH_JWKS_URL)');
  const lifetimeS = Math.floor(AUTH_TOKEN_MAX_LIFETIME / 1000);
  console.log(`Dev tokens (Authorization: Bearer <token>), valid ${Math.round(lifetimeS / 360) / 10} hours:`);
  for (const person of SEED_PEOPLE) {
    console.log(`  ${person.id.padEnd(15)} ${person.roles.join(',').padEnd(16)} ${await devToken(secret, person, { issuer, audience, lifetimeS })}`);
  }
}

if (require.main === module) {
  printTokens(loadConfig()).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
