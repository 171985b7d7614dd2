import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter';

/**
 * Loaded once by each workflow thread and shared, frozen, by the executions it runs. zod, loaded per
 * execution, cost each one that validated an Update some 0.8 MiB of heap and the time to load it.
 * The schemas themselves stay per execution: zod completes a schema's parts as it first parses with
 * them, which a frozen schema refuses.
 */
const SHARED_MODULES = [require.resolve('../workflows/shared-modules')];

/**
 * The workflows bundled as the SDK bundles them for `workflowsPath`, but with the bundler's warnings
 * and errors only: its report of a bundle that built (webpack's list of modules, some sixty lines)
 * is for no one reading the worker's log, while a failed build's report still shows why.
 */
export async function bundleWorkflows(workflowsPath = require.resolve('../workflows')): Promise<WorkflowBundle> {
  const log = Runtime.instance().logger;
  const logger = new DefaultLogger('WARN', ({ level, message, meta }) => log.log(level, message, meta));
  return bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, preloadModules: SHARED_MODULES, logger });
}

/**
 * Bundles the workflows into a file that a worker loads as it starts (WORKFLOW_BUNDLE). A worker that
 * bundles for itself keeps what webpack took (some 150 MiB) for as long as it runs, and takes seconds
 * longer to start. The file must come from the same checkout as the worker that loads it.
 */
export async function writeWorkflowBundle(path: string): Promise<void> {
  const { code } = await bundleWorkflows();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
}
