import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/env';
import { createSql } from '../db/client';
import { createWorker } from './create-worker';

/** `npm run worker`: configuration in, clients out, run until SIGINT/SIGTERM (the SDK handles both). */
async function main(): Promise<void> {
  const config = loadConfig();
  const sql = createSql(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { sql },
    });
    console.log(`worker polling ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
    await worker.run();
  } finally {
    await connection.close();
    await sql.end();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
