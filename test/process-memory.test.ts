import { heapRefusal, WORKER_HEAP_MIB, workerProcessEnv } from '../worker/process-memory';

const MiB = 2 ** 20;

describe('how a worker process is started', () => {
  it('bounds the heap and the young generation, and keeps two malloc arenas', () => {
    expect(workerProcessEnv({})).toEqual({ NODE_OPTIONS: `--max-old-space-size=${WORKER_HEAP_MIB} --max-semi-space-size=4`, MALLOC_ARENA_MAX: '2' });
  });

  it('leaves the operator the last word: their NODE_OPTIONS come after its own, their arenas stay', () => {
    const env = workerProcessEnv({ NODE_OPTIONS: '--max-old-space-size=1024', MALLOC_ARENA_MAX: '4' });
    expect(env).toEqual({ NODE_OPTIONS: `--max-old-space-size=${WORKER_HEAP_MIB} --max-semi-space-size=4 --max-old-space-size=1024`, MALLOC_ARENA_MAX: '4' });
  });

  it('refuses a cache the heap cannot hold, and says what would', () => {
    expect(heapRefusal(100, (WORKER_HEAP_MIB + 12) * MiB)).toBeUndefined();
    expect(heapRefusal(140, 268 * MiB)).toBeUndefined();
    expect(heapRefusal(141, 268 * MiB)).toBe(
      'WORKER_CACHED_WORKFLOWS=141 needs a heap of 269 MiB per isolate, and this worker\'s is 268 MiB: keep fewer executions, or raise it (NODE_OPTIONS=--max-old-space-size=269)',
    );
  });
});
