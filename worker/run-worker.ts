import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/env';
import type { Sql } from '../db/client';
import { createWorker } from './create-worker';

export interface RunningWorker {
  /** Settles when the worker has stopped (after `stop`, or on a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function runWorker(config: Config, sql: Sql): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, deps: { sql } });
  const done = worker.run().finally(() => connection.close());
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
