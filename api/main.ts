import { devSecretsInUse, loadConfig } from '../config/env';
import { takeStopSignals } from '../config/stop-signals';
import { closeSql, createSql } from '../db/client';
import { startApi } from './server';

/** `npm run api`: configuration in, clients out, listen until a stop signal. */
async function main(): Promise<void> {
  const config = loadConfig();
  for (const name of devSecretsInUse(config)) console.warn(`WARNING: ${name} is the built-in development value; set it outside development`);
  const sql = createSql(config.DATABASE_URL);
  const api = await startApi(config, sql, config.LOG_LEVEL);
  console.log(`API listening on ${api.url}`);
  const stop = async () => {
    await api.close();
    await closeSql(sql);
  };
  for (const signal of takeStopSignals()) process.once(signal, stop);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
