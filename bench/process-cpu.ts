import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc's CPU times. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU time (user and system) a process has used so far, its ended threads included, in ms; 0 once it is gone (Linux /proc). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The processes whose arguments `match` accepts. */
export function processesWith(match: (args: string[]) => boolean): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return match(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Groups of processes by what they are: asked before and after the work, so that a process started meanwhile counts too. */
export type ProcessGroups = () => Promise<Record<string, number[]>>;

/** The CPU time each group used while `work` ran, in ms; a process that ended meanwhile counts nothing (the parts measured run throughout). */
export async function cpuDuring(groups: ProcessGroups, work: () => Promise<void>): Promise<Record<string, number>> {
  const before = await groups();
  // A group found empty would read as a part that spent nothing.
  const none = Object.keys(before).filter((group) => before[group]!.length === 0);
  if (none.length) throw new Error(`no process found for ${none.join(', ')}`);
  const used = new Map(Object.values(before).flat().map((pid) => [pid, cpuMs(pid)]));
  await work();
  const after = await groups();
  return Object.fromEntries(
    Object.keys(after).map((group) => {
      const pids = new Set([...(before[group] ?? []), ...after[group]!]);
      return [group, [...pids].reduce((sum, pid) => sum + Math.max(0, cpuMs(pid) - (used.get(pid) ?? 0)), 0)];
    }),
  );
}
