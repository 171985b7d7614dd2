import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { encryptingDataConverter } from '../codec/data-converter';
import type { PayloadKey } from '../codec/payload-keys';
import { bundleWorkflows } from './workflow-bundle';

export interface WorkerConfig {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The payload codec's keys: workflow and activity payloads are encrypted with them. */
  payloadKeys: PayloadKey[];
  /** A prebuilt bundle (WORKFLOW_BUNDLE; tests bundle once per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Tests use these to fail an activity at a chosen point, as a crash would. */
  interceptors?: WorkerOptions['interceptors'];
  /** Executions kept in memory between their tasks (WORKER_CACHED_WORKFLOWS). */
  maxCachedWorkflows: number;
}

export async function createWorker({ connection, namespace, taskQueue, deps, payloadKeys, workflowBundle, interceptors, maxCachedWorkflows }: WorkerConfig): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    // Bounded: the SDK's default follows the machine's memory, and every open note is an execution
    // that waits months or years; one evicted is replayed from its (short) history when it wakes.
    maxCachedWorkflows,
    activities: createActivities(deps),
    // A prebuilt bundle must have been bundled with the same failure converter (FAILURE_CONVERTER_PATH).
    dataConverter: encryptingDataConverter(payloadKeys),
    interceptors,
    workflowBundle: workflowBundle ?? (await bundleWorkflows()),
  });
}
