import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { workerProcessEnv } from '../worker/process-memory';
import { writeWorkflowBundle } from '../worker/workflow-bundle';

const ROOT = join(__dirname, '..');

export interface ProductProcesses {
  baseUrl: string;
  /** The worker's process id: a new one after `restartWorker`. */
  readonly workerPid: number;
  apiPid: number;
  /** Stops the worker and starts another, which holds no execution in its cache. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts one part as `npm start` does (node with tsx's loader), resolving once it says it is ready. */
function startPart(script: string, readyLine: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (line.includes(readyLine)) resolve(child);
      });
    }
    child.once('exit', (code) => reject(new Error(`${script} ended (${code}) before it was ready:\n${lines.slice(-20).join('\n')}`)));
  });
}

function stopPart(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The worker and the API as processes of their own, as `npm start` runs them (the worker loading a prebuilt bundle, with its memory settings); `env` configures both. */
export async function startProduct(env: Record<string, string>): Promise<ProductProcesses> {
  const bundle = join(tmpdir(), `weighing-notes-bench-workflows-${process.pid}.js`);
  await writeWorkflowBundle(bundle);
  const startWorker = () => startPart('worker/main.ts', 'worker polling', { ...env, ...workerProcessEnv(), WORKFLOW_BUNDLE: bundle });
  let worker = await startWorker();
  const api = await startPart('api/main.ts', 'API listening on', env);
  return {
    baseUrl: `http://127.0.0.1:${env.PORT}`,
    get workerPid() {
      return worker.pid!;
    },
    apiPid: api.pid!,
    async restartWorker() {
      await stopPart(worker);
      worker = await startWorker();
    },
    async stop() {
      await stopPart(api);
      await stopPart(worker);
      rmSync(bundle, { force: true });
    },
  };
}

/** A process's resident memory in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}
