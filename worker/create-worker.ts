import { bundleWorkflowCode, DefaultLogger, type NativeConnection, Runtime, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { encryptingDataConverter, FAILURE_CONVERTER_PATH } from '../codec/data-converter';
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

/**
 * The workflows bundled as the SDK bundles them for `workflowsPath`, but with the bundler's warnings
 * and errors only: its report of a bundle that built (webpack's list of modules, some sixty lines)
 * is for no one reading the worker's log, while a failed build's report still shows why.
 */
export async function bundleWorkflows(workflowsPath = require.resolve('../workflows')): Promise<WorkflowBundle> {
  const log = Runtime.instance().logger;
  const logger = new DefaultLogger('WARN', ({ level, message, meta }) => log.log(level, message, meta));
  return bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, logger });
}
