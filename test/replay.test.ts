import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { runEnv } from './support/run-env';

/**
 * Stored histories of real executions (recorded with RECORD_HISTORIES=1 by the deadline and
 * re-assessment suite) replayed against the current workflow code: a change that running
 * executions would notice fails here unless it is guarded with `patched`.
 */
const DIR = join(__dirname, 'histories');
const files = readdirSync(DIR).filter((name) => name.endsWith('.json'));

describe('replay of stored histories', () => {
  it('has a history of each path worth guarding', () => {
    expect(files).toEqual(expect.arrayContaining(['adopted-reassessed-superseded.json', 'reminders-escalation-withdrawn.json', 'adopted-reassessed-superseded.before-email.json']));
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: runEnv().TEST_WORKFLOW_BUNDLE }, dataConverter }, history, file);
  });
});
