import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { cacheDir, findTemporalCli } from '../dev/temporal-cli';

const VARS = ['TEMPORAL_CLI_PATH', 'PATH', 'XDG_CACHE_HOME'] as const;

describe('findTemporalCli', () => {
  let saved: Record<string, string | undefined>;
  let root: string;
  let pathDir: string;
  let cacheHome: string;

  /** Writes a file into dir, executable unless told otherwise; returns its path. */
  function fake(dir: string, name: string, mode = 0o755): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  }

  beforeEach(() => {
    saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));
    root = mkdtempSync(join(tmpdir(), 'temporal-cli-test-'));
    pathDir = join(root, 'bin');
    cacheHome = join(root, 'cache');
    mkdirSync(pathDir);
    delete process.env.TEMPORAL_CLI_PATH;
    process.env.PATH = pathDir;
    process.env.XDG_CACHE_HOME = cacheHome;
  });

  afterEach(() => {
    for (const name of VARS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps its cache under XDG_CACHE_HOME', () => {
    expect(cacheDir()).toBe(join(cacheHome, 'weighing-notes', 'temporal-cli'));
  });

  it('prefers TEMPORAL_CLI_PATH over PATH and the cache', () => {
    const explicit = fake(join(root, 'elsewhere'), 'my-temporal');
    fake(pathDir, 'temporal');
    fake(cacheDir(), 'temporal');
    process.env.TEMPORAL_CLI_PATH = explicit;
    expect(findTemporalCli()).toEqual({ path: explicit, source: 'TEMPORAL_CLI_PATH' });
  });

  it.each([
    ['a non-executable file', (dir: string) => fake(dir, 'temporal', 0o644)],
    ['a missing file', (dir: string) => join(dir, 'missing')],
    ['a directory', (dir: string) => dir],
  ])('throws naming TEMPORAL_CLI_PATH when it names %s', (_name, make) => {
    fake(pathDir, 'temporal');
    process.env.TEMPORAL_CLI_PATH = make(root);
    expect(() => findTemporalCli()).toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('prefers `temporal` on PATH over the cache, skipping PATH entries without it', () => {
    const onPath = fake(pathDir, 'temporal');
    fake(cacheDir(), 'temporal');
    process.env.PATH = [join(root, 'empty'), pathDir].join(delimiter);
    expect(findTemporalCli()).toEqual({ path: onPath, source: 'PATH' });
  });

  it.each(['temporal', 'temporal-cli-typescript-1.24.0'])('finds %s in the cache', (name) => {
    const cached = fake(cacheDir(), name);
    expect(findTemporalCli()).toEqual({ path: cached, source: 'cache' });
  });

  it.each<[string, () => void]>([
    ['nothing anywhere', () => undefined],
    ['only non-executable files', () => (fake(pathDir, 'temporal', 0o644), fake(cacheDir(), 'temporal', 0o644))],
    ['only unrelated executables in the cache', () => fake(cacheDir(), 'tctl')],
  ])('finds nothing with %s', (_name, arrange) => {
    arrange();
    expect(findTemporalCli()).toBeUndefined();
  });
});
