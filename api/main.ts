import { loadConfig, usesDevSecret } from '../config/env';
import { createSql } from '../db/client';
import { startApi } from './server';

/** `npm run api`: configuration in, clients out, listen until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (usesDevSecret(config)) console.warn('WARNING: AUTH_JWT_SECRET is the built-in development secret; set it (or AUTH_JWKS_URL) outside development');
  const sql = createSql(config.DATABASE_URL);
  const api = await startApi(config, sql);
  const stop = async () => {
    await api.close();
    await sql.end();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
