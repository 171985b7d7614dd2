import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run test:under-load [-- --runs N] [jest arguments]`: runs the suite (or the test files named)
 * N times in a row (5 unless told) while one busy process per core keeps the CPU saturated, and
 * prints each run's tally. For what passes alone but may not on a loaded machine: timers, deadlines,
 * waits. Exits non-zero if any run failed.
 */
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');

const RESULTS = join(__dirname, '..', '.test-results');

/** A process that does nothing but spin, at normal priority: the load a busy neighbour puts on the machine. */
const busy = (): ChildProcess => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });

function jest(outputFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--json', `--outputFile=${outputFile}`, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const burners = Array.from({ length: availableParallelism() }, busy);
  const stop = () => burners.forEach((burner) => burner.kill('SIGKILL'));
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  console.log(`${burners.length} busy processes keep the ${burners.length} cores saturated; ${runs} runs of jest ${args.join(' ') || '(the whole suite)'}`);
  let failedRuns = 0;
  try {
    for (let run = 1; run <= runs; run += 1) {
      const outputFile = join(RESULTS, `under-load-${run}.json`);
      const started = Date.now();
      const code = await jest(outputFile);
      const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(outputFile, 'utf8')) as { numPassedTests: number; numFailedTests: number };
      if (code !== 0 || numFailedTests > 0) failedRuns += 1;
      console.log(`run ${run}/${runs}: ${numPassedTests} passed, ${numFailedTests} failed, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    stop();
  }
  console.log(failedRuns ? `${failedRuns} of ${runs} runs failed` : `all ${runs} runs passed under load`);
  process.exitCode = failedRuns ? 1 : 0;
}

void main();
