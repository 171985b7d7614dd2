import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { runEnv } from './run-env';
import type { Stack } from './stack';
import { TEST_PAYLOAD_KEYS } from './stack';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  pid: number;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  /** Kills it (SIGKILL: no draining, as a crash would) and waits for it to be gone. */
  kill(): Promise<void>;
  /** What it printed, for a failure's message. */
  output(): string;
}

/**
 * `npm run worker` as its own process, on a suite's task queue, database, SMTP server and keys: a
 * worker a fault test can kill for real. The suite stops its in-process worker first. `env` adds to
 * its environment, or overrides it.
 */
export function spawnWorker(stack: Stack, env: Record<string, string> = {}): WorkerProcess {
  const { config } = stack;
  // Node itself with tsx's loader, not the tsx command: that one runs the script in a child of its
  // own, which a SIGKILL to it would leave running.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: config.DATABASE_URL,
      TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      SMTP_URL: config.SMTP_URL,
      PUBLIC_BASE_URL: config.PUBLIC_BASE_URL,
      REVIEW_LINK_SECRET: config.REVIEW_LINK_SECRET,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      // The run's bundle, as a deployed worker loads the one built with its image (WORKFLOW_BUNDLE).
      WORKFLOW_BUNDLE: runEnv().TEST_WORKFLOW_BUNDLE,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('worker polling')) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it polled:\n${printed}`)));
  });
  return {
    pid: child.pid!,
    ready,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
    output: () => printed,
  };
}
