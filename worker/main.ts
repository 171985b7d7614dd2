import { installWorkerLogger } from '../clients/logger';
import { devSecretsInUse, loadConfig } from '../config/env';
import { takeStopSignals } from '../config/stop-signals';
import { closeSql, createSql } from '../db/client';
import { heapRefusal } from './process-memory';
import { runWorker } from './run-worker';

/** `npm run worker`: configuration in, clients out, run until a stop signal (the SDK shuts the worker down on it). */
async function main(): Promise<void> {
  const config = loadConfig();
  const tooSmall = heapRefusal(config.WORKER_CACHED_WORKFLOWS);
  if (tooSmall) throw new Error(tooSmall);
  for (const name of devSecretsInUse(config)) console.warn(`WARNING: ${name} is the built-in development value; set it outside development`);
  installWorkerLogger(config.LOG_LEVEL, takeStopSignals());
  const sql = createSql(config.DATABASE_URL);
  try {
    const worker = await runWorker(config, sql);
    console.log(`worker polling ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
    await worker.done;
  } finally {
    await closeSql(sql);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
