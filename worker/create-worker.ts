import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { encryptingDataConverter } from '../codec/data-converter';
import type { PayloadKey } from '../codec/payload-keys';

export interface WorkerConfig {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The payload codec's keys: workflow and activity payloads are encrypted with them. */
  payloadKeys: PayloadKey[];
  /** A prebuilt bundle (tests bundle once per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Tests use these to fail an activity at a chosen point, as a crash would. */
  interceptors?: WorkerOptions['interceptors'];
}

export function createWorker({ connection, namespace, taskQueue, deps, payloadKeys, workflowBundle, interceptors }: WorkerConfig): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    // A prebuilt bundle must have been bundled with the same failure converter (FAILURE_CONVERTER_PATH).
    dataConverter: encryptingDataConverter(payloadKeys),
    interceptors,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
}
