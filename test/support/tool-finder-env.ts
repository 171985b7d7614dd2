import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch machine for a tool finder's tests: an empty PATH directory and cache home, the variables restored after each test. */
export interface FinderEnv {
  root: string;
  pathDir: string;
  cacheHome: string;
  /** Writes a file into dir, executable unless told otherwise; returns its path. */
  fake(dir: string, name: string, mode?: number): string;
}

export function useFinderEnv(explicitVar: string): FinderEnv {
  const vars = [explicitVar, 'PATH', 'XDG_CACHE_HOME'];
  const env = {} as FinderEnv;
  let saved: Record<string, string | undefined>;
  env.fake = (dir, name, mode = 0o755) => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };
  beforeEach(() => {
    saved = Object.fromEntries(vars.map((name) => [name, process.env[name]]));
    env.root = mkdtempSync(join(tmpdir(), 'tool-finder-test-'));
    env.pathDir = join(env.root, 'bin');
    env.cacheHome = join(env.root, 'cache');
    mkdirSync(env.pathDir);
    delete process.env[explicitVar];
    process.env.PATH = env.pathDir;
    process.env.XDG_CACHE_HOME = env.cacheHome;
  });
  afterEach(() => {
    for (const name of vars) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(env.root, { recursive: true, force: true });
  });
  return env;
}
