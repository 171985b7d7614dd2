import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { isExecutable, onPath, progress, toolCacheDir } from './executables';

/**
 * Finds the Temporal CLI (which holds the dev server), getting it once if the machine lacks it.
 * The copy it gets lives in a cache outside the checkout, so a fresh clone reuses it.
 */

/** The newest tag that `go install` accepts (later ones carry replace directives). */
export const GO_INSTALL_VERSION = 'v1.5.1';

export const cacheDir = () => toolCacheDir('temporal-cli');

export type CliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'sdk-download' | 'go-install';
export interface TemporalCli {
  path: string;
  source: CliSource;
}

type Log = (line: string) => void;

export async function findOrGetTemporalCli(log: Log = (line) => console.error(line)): Promise<TemporalCli> {
  const found = findTemporalCli();
  if (found) return found;
  mkdirSync(cacheDir(), { recursive: true });
  const downloaded = await sdkDownload(log);
  if (downloaded) return { path: downloaded, source: 'sdk-download' };
  return { path: await goInstall(log), source: 'go-install' };
}

/** The first of: TEMPORAL_CLI_PATH, `temporal` on PATH, a copy cached before; no network. */
export function findTemporalCli(): TemporalCli | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH: ${explicit} is not an executable file`);
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const found = onPath('temporal');
  if (found) return { path: found, source: 'PATH' };
  const cached = cachedCopies()[0];
  return cached ? { path: cached, source: 'cache' } : undefined;
}

/** Both ways of getting the CLI leave their binary in cacheDir: `temporal` (go) or `temporal-cli-*` (SDK). */
function cachedCopies(): string[] {
  const dir = cacheDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name === 'temporal' || name.startsWith('temporal-cli-'))
    .map((name) => join(dir, name))
    .filter(isExecutable);
}

/** The SDK's own download: starting a throw-away server is the SDK's only public way to fetch it. */
async function sdkDownload(log: Log): Promise<string | undefined> {
  log('temporal CLI: not found; trying the SDK download…');
  const started = Date.now();
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir: cacheDir(), ttl: '3650d' } },
    });
    await env.teardown();
  } catch (error) {
    log(`temporal CLI: SDK download refused after ${Date.now() - started} ms (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
  return cachedCopies()[0];
}

async function goInstall(log: Log): Promise<string> {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error('temporal CLI: no download possible and no Go toolchain to build it; set TEMPORAL_CLI_PATH');
  log(`temporal CLI: building github.com/temporalio/cli ${GO_INSTALL_VERSION} with ${go.stdout.trim()} into ${cacheDir()} (about 3-4 minutes on 2 cores)…`);
  const started = Date.now();
  const done = progress(log, 'temporal CLI: building');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', '-v', `github.com/temporalio/cli/cmd/temporal@${GO_INSTALL_VERSION}`], {
        env: { ...process.env, GOBIN: cacheDir() },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}`))));
    });
  } finally {
    done();
  }
  log(`temporal CLI: built in ${Math.round((Date.now() - started) / 1000)} s`);
  return join(cacheDir(), 'temporal');
}
