import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What the tool finders (the Temporal CLI, Chromium) share: where a machine keeps executables, and our cache. */

export function isExecutable(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The first of `names` found as an executable on PATH. */
export function onPath(...names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return names.flatMap((name) => dirs.map((dir) => join(dir, name))).find(isExecutable);
}

/** Where a tool fetched or built once is kept: outside the checkout, so that a fresh clone reuses it. */
export function toolCacheDir(tool: string): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'weighing-notes', tool);
}

/** Logs that a long step is still going, every 30 s, until the returned function is called. */
export function progress(log: (line: string) => void, what: string): () => void {
  const started = Date.now();
  const ticker = setInterval(() => log(`${what}: still going (${Math.round((Date.now() - started) / 1000)} s)…`), 30_000);
  return () => clearInterval(ticker);
}
