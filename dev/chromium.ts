import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompressSync } from 'node:zlib';
import { isExecutable, onPath, progress, toolCacheDir } from './executables';

/**
 * Finds a Chromium for the browser tests and the screenshots (playwright-core brings none), getting
 * one where the machine lacks it: CHROMIUM_PATH, then `chromium` on PATH, then a build cached before;
 * else Debian's package where this user may install packages, else the headless build that the npm
 * package @sparticuz/chromium ships (fetched from the npm registry into a cache outside the checkout);
 * else it stops with one line saying what to install.
 */

/** The npm-shipped build: a headless shell with the libraries it needs, brotli-compressed in the package. */
export const NPM_BUILD = '@sparticuz/chromium@153.0.0';

export type ChromiumSource = 'CHROMIUM_PATH' | 'PATH' | 'cache' | 'debian-package' | 'npm-build';
export interface Chromium {
  path: string;
  source: ChromiumSource;
  /** What it needs in its environment, and it alone (the npm build: its own libraries). */
  env: Record<string, string>;
}

type Log = (line: string) => void;
// With the environment named: a caller that changed PATH (a test) means it for the commands too.
const execFileAsync = promisify(execFile);
const run = (command: string, args: string[]) => execFileAsync(command, args, { env: process.env, maxBuffer: 1 << 20 });

export const chromiumCacheDir = () => toolCacheDir('chromium');
const npmBuildDir = () => join(chromiumCacheDir(), NPM_BUILD.replace(/[@/]/g, '_').replace(/^_/, ''));

/** The first of: CHROMIUM_PATH, `chromium` on PATH, the npm build cached before; no network, no install. */
export function findChromium(): Chromium | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`CHROMIUM_PATH: ${explicit} is not an executable file`);
    return { path: explicit, source: 'CHROMIUM_PATH', env: explicit === cachedNpmBuild()?.path ? cachedNpmBuild()!.env : {} };
  }
  const found = onPath('chromium', 'chromium-browser');
  if (found) return { path: found, source: 'PATH', env: {} };
  return cachedNpmBuild();
}

export async function findOrGetChromium(log: Log = (line) => console.error(line)): Promise<Chromium> {
  const found = findChromium();
  if (found) return found;
  if (await mayInstallPackages()) {
    await installDebianPackage(log);
    const installed = onPath('chromium');
    if (installed) return { path: installed, source: 'debian-package', env: {} };
  }
  try {
    return await fetchNpmBuild(log);
  } catch (error) {
    throw new Error(
      `no Chromium for the browser tests: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH (fetching ${NPM_BUILD} failed: ${(error as Error).message.split('\n')[0]})`,
      { cause: error },
    );
  }
}

function cachedNpmBuild(): Chromium | undefined {
  const dir = npmBuildDir();
  const path = join(dir, 'chromium');
  if (!isExecutable(path)) return undefined;
  return { path, source: 'cache', env: { LD_LIBRARY_PATH: [join(dir, 'lib'), dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } };
}

/** Debian's apt, run as root or through sudo without a password: never a prompt in a test run. */
async function mayInstallPackages(): Promise<boolean> {
  if (!onPath('apt-get')) return false;
  if (process.getuid?.() === 0) return true;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', env: process.env }).status === 0;
}

async function installDebianPackage(log: Log): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const apt = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [command, rest] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
      const child = spawn(command, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`apt-get ${args.join(' ')} exited with ${code}`))));
    });
  log("chromium: not found; installing Debian's chromium package (apt-get), once…");
  const started = Date.now();
  const done = progress(log, 'chromium: installing');
  try {
    await apt(['update', '-qq']);
    await apt(['install', '-y', '-qq', 'chromium']);
  } catch (error) {
    log(`chromium: apt-get failed (${(error as Error).message}); trying ${NPM_BUILD}`);
    return;
  } finally {
    done();
  }
  log(`chromium: installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** `npm pack` from the registry, then the browser and its libraries unpacked into the cache. */
async function fetchNpmBuild(log: Log): Promise<Chromium> {
  const dir = npmBuildDir();
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`chromium: fetching the headless build in ${NPM_BUILD} from the npm registry into ${dir}, once…`);
  const done = progress(log, 'chromium: fetching');
  try {
    const { stdout } = await run('npm', ['pack', NPM_BUILD, '--silent', '--pack-destination', work]);
    const tarball = join(work, stdout.trim().split('\n').at(-1)!);
    await run('tar', ['-xzf', tarball, '-C', work, 'package/bin']);
    const bin = join(work, 'package', 'bin');
    writeFileSync(join(work, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), { mode: 0o755 });
    // The libraries it links (NSS and the like) and a software renderer, each a tar inside a brotli.
    for (const archive of readdirSync(bin).filter((name) => name.endsWith('.tar.br'))) {
      const tar = join(work, archive.replace(/\.br$/, ''));
      writeFileSync(tar, brotliDecompressSync(readFileSync(join(bin, archive))));
      await run('tar', ['-xf', tar, '-C', work]);
      rmSync(tar);
    }
    rmSync(join(work, 'package'), { recursive: true, force: true });
    rmSync(tarball);
  } finally {
    done();
  }
  // Moved into place whole, so that a run cut short never leaves half a browser behind as found.
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  const fetched = cachedNpmBuild();
  if (!fetched) throw new Error(`${dir}/chromium is missing after unpacking`);
  log(`chromium: ready at ${fetched.path}`);
  return { ...fetched, source: 'npm-build' };
}
