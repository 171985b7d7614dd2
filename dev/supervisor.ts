import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..');
const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 30_000;
/** A child that ran this long before it ended starts the backoff afresh. */
const STEADY_MS = 60_000;
/** A child that does not stop within this after SIGTERM is killed. */
const STOP_GRACE_MS = 15_000;

export interface Supervised {
  /** Resolves once the child has said `readyLine` (the first time). */
  ready: Promise<void>;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and restarts it no more. */
  stop(): Promise<void>;
}

/**
 * Runs a part of the product (`worker/main.ts`, `api/main.ts`) as a child process for `npm start`,
 * its output prefixed with its name, and starts it again whenever it ends unasked, with a growing
 * delay, saying so: a crash is reported and repaired, never silently gone. The child runs with
 * `--supervised`, so the terminal's Ctrl-C leaves it to the supervisor to stop it in order; `env` is
 * added to this process's own.
 */
export function supervise(name: string, script: string, readyLine: string, log: (line: string) => void, env: Record<string, string> = {}): Supervised {
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = FIRST_DELAY_MS;
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const start = () => {
    const startedAt = Date.now();
    // Node itself with tsx's loader: a signal to it reaches the part itself, not a launcher.
    const current = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), '--supervised'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = current;
    log(`${name} started (pid ${current.pid})`);
    for (const stream of [current.stdout!, current.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        console.log(`[${name}] ${line}`);
        if (line.includes(readyLine)) markReady();
      });
    }
    current.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt > STEADY_MS) delay = FIRST_DELAY_MS;
      log(`${name} ended (${signal ?? `exit code ${code}`}); starting it again in ${delay / 1000} s`);
      setTimeout(() => !stopping && start(), delay).unref();
      delay = Math.min(delay * 2, LONGEST_DELAY_MS);
    });
  };
  start();

  return {
    ready,
    async stop() {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill('SIGTERM');
      const grace = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
      await gone;
      clearTimeout(grace);
    },
  };
}
