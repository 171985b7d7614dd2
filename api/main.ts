import { Client, Connection } from '@temporalio/client';
import { loadConfig, usesDevSecret } from '../config/env';
import { createSql } from '../db/client';
import { buildApp } from './app';
import { createTokenVerifier } from './auth';
import { noteWorkflows } from './note-workflow';

/** `npm run api`: configuration in, clients out, listen until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (usesDevSecret(config)) console.warn('WARNING: AUTH_JWT_SECRET is the built-in development secret; set it (or AUTH_JWKS_URL) outside development');
  const sql = createSql(config.DATABASE_URL);
  // Lazy: the API starts while Temporal is still coming up, and /health says so meanwhile.
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = await buildApp(
    { sql, temporal, notes: noteWorkflows(temporal, config.TEMPORAL_TASK_QUEUE), verify: createTokenVerifier(config) },
    { logger: { level: 'info' } },
  );
  const stop = async () => {
    await app.close();
    await connection.close();
    await sql.end();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  await app.listen({ port: config.PORT, host: '0.0.0.0' });
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
