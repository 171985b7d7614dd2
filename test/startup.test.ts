import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET } from '../config/env';
import { WORKER_HEAP_MIB, workerProcessEnv } from '../worker/process-memory';
import { PRODUCTION_ENV } from './support/production-env';
import { runEnv } from './support/run-env';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs an entry point with one variable overridden; it must refuse to start without touching anything. */
function start(entry: string, env: Record<string, string>) {
  return spawnSync(TSX, [join(ROOT, entry)], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe('start-up with bad configuration', () => {
  it.each([
    ['api/main.ts', 'DATABASE_URL', 'not a url'],
    ['worker/main.ts', 'DATABASE_URL', 'mysql://db/weighing_notes'],
    ['api/main.ts', 'PORT', 'eighty'],
    ['worker/main.ts', 'TEMPORAL_ADDRESS', 'no-port-here'],
    ['db/migrate-cli.ts', 'DATABASE_URL', 'postgres//missing-colon'],
  ])('%s refuses %s=%j with one line naming it', (entry, name, value) => {
    const result = start(entry, { [name]: value });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^invalid configuration: ${name}: `));
  });

  it.each([
    ['api/main.ts', 'PAYLOAD_KEYS', { PAYLOAD_KEYS: '' }],
    ['worker/main.ts', 'PAYLOAD_KEYS', { PAYLOAD_KEYS: '' }],
    ['api/main.ts', 'AUTH_JWT_SECRET', { AUTH_JWKS_URL: '', AUTH_JWT_SECRET: DEV_JWT_SECRET }],
    ['worker/main.ts', 'REVIEW_LINK_SECRET', { REVIEW_LINK_SECRET: '' }],
  ])('%s refuses to start in production without its own %s', (entry, name, change) => {
    const result = start(entry, { ...PRODUCTION_ENV, ...change });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^invalid configuration: ${name}: `));
  });
});

describe('the workflow bundle a worker loads', () => {
  it('is the file WORKFLOW_BUNDLE names: a file that is no workflow bundle stops the worker before it polls', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weighing-notes-bundle-'));
    try {
      const bundle = join(dir, 'workflow-bundle.js');
      writeFileSync(bundle, 'module.exports = {};\n');
      const result = start('worker/main.ts', { TEMPORAL_ADDRESS: runEnv().TEST_TEMPORAL_ADDRESS, WORKFLOW_BUNDLE: bundle });
      expect(result.status).toBe(1);
      expect(result.stdout).not.toContain('worker polling');
      expect(result.stderr).toMatch(/the provided Workflow Bundle/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a worker’s memory', () => {
  it('starts with the heap bounded as npm start and the compose file start it', () => {
    const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(require("node:v8").getHeapStatistics().heap_size_limit))'], {
      env: { ...process.env, ...workerProcessEnv({}) },
      encoding: 'utf8',
    });
    const limitMiB = Number(probe.stdout) / 2 ** 20;
    expect([probe.status, limitMiB >= WORKER_HEAP_MIB && limitMiB < WORKER_HEAP_MIB + 64]).toEqual([0, true]);
  });

  it('refuses to keep more executions than its heap holds, with one line saying what to change, before it connects', () => {
    const result = start('worker/main.ts', { ...workerProcessEnv({}), WORKER_CACHED_WORKFLOWS: '1000', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^WORKER_CACHED_WORKFLOWS=1000 needs a heap of 1128 MiB per isolate, and this worker's is 2\d\d MiB: .*--max-old-space-size=1128\)$/)]);
  });
});
