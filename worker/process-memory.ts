import { getHeapStatistics } from 'node:v8';

/**
 * The heap a worker's V8 isolates may each grow to (its main thread's, and each workflow thread's),
 * in MiB. Left to V8, an isolate on a machine of 24 GiB may grow to 4 GiB and collects its old
 * generation late: a worker with 100 executions kept and 2,000 open notes held some 450 MiB
 * resident, about half of it garbage, against 46 MiB of live heap on its main thread.
 */
export const WORKER_HEAP_MIB = 256;

/** What an execution kept in a workflow thread may take (0.2 MiB measured), with room to spare. */
const PER_CACHED_EXECUTION_MIB = 1;
/** The rest of a workflow thread: the SDK, the workflows' code and zod, and garbage between collections. */
const THREAD_BASE_MIB = 128;

/**
 * How a worker process starts (`npm start`, the bench, docker-compose.yml): a bounded heap, a young
 * generation of 4 MiB semi-spaces instead of 16 (collected more often, and each collection short),
 * and two glibc arenas instead of one per thread. Measured on 2 cores with 500 to 2,000 open notes:
 * 373–447 MiB resident without them, 261–277 MiB with them, and notes created as fast. Operators
 * may add their own `NODE_OPTIONS`: later flags win.
 */
export function workerProcessEnv(inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const own = `--max-old-space-size=${WORKER_HEAP_MIB} --max-semi-space-size=4`;
  return { NODE_OPTIONS: [own, inherited.NODE_OPTIONS].filter(Boolean).join(' '), MALLOC_ARENA_MAX: inherited.MALLOC_ARENA_MAX ?? '2' };
}

/**
 * Why this process's heap cannot hold the executions it is asked to keep, if it cannot: a worker
 * whose workflow thread reached its heap's limit would end, and be started again to end again.
 */
export function heapRefusal(cachedWorkflows: number, heapLimitBytes = getHeapStatistics().heap_size_limit): string | undefined {
  const needMiB = THREAD_BASE_MIB + cachedWorkflows * PER_CACHED_EXECUTION_MIB;
  const haveMiB = Math.floor(heapLimitBytes / 2 ** 20);
  if (needMiB <= haveMiB) return undefined;
  return `WORKER_CACHED_WORKFLOWS=${cachedWorkflows} needs a heap of ${needMiB} MiB per isolate, and this worker's is ${haveMiB} MiB: keep fewer executions, or raise it (NODE_OPTIONS=--max-old-space-size=${needMiB})`;
}
