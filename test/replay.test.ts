import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '../codec/data-converter';
import { PayloadKeys } from '../codec/payload-keys';
import { runEnv } from './support/run-env';
import { TEST_PAYLOAD_KEYS } from './support/stack';

/**
 * Stored histories of real executions (recorded with RECORD_HISTORIES=1 by the deadline and
 * re-assessment suite, and the conditions suite) replayed against the current workflow code: a change
 * that running executions would notice fails here unless it is guarded with `patched`. Each
 * generation of the code leaves its histories: before mail, before the payload codec (plain payloads,
 * which the codec passes through), before mail went out beside the timers, before the timers carried
 * summaries (and NoteStage held a status when no stage was open), before an adoption started the
 * tracking of the note's conditions, before a new note's run stopped sending (nothing) at its start,
 * before a deadline's timer was kept while the note woke for other reasons, and now (encrypted with
 * the tests' key).
 */
const GENERATIONS = ['.before-email', '.before-codec', '.before-mail-beside-timers', '.before-timer-summaries', '.before-conditions', '.before-quiet-birth', '.before-kept-timer', ''];
/** Executions of the conditions workflow (`conditions-<noteId>`), from its first generation on. */
const CONDITION_PATHS = ['conditions-reminded-escalated-closed', 'conditions-carried-over'];
/** Executions of a consent request (`consent-<id>`, recorded by the consent suite), from its first generation on. */
const CONSENT_PATHS = ['consent-granted-with-conditions', 'consent-lapsed'];
/** Recorded before the payload codec existed. */
const PLAIN = ['.before-email.', '.before-codec.'];
const DIR = join(__dirname, 'histories');
const files = readdirSync(DIR).filter((name) => name.endsWith('.json'));

describe('replay of stored histories', () => {
  it('has a history of each path worth guarding, from each generation of the code', () => {
    for (const path of ['adopted-reassessed-superseded', 'reminders-escalation-withdrawn']) {
      expect(files).toEqual(expect.arrayContaining(GENERATIONS.map((generation) => `${path}${generation}.json`)));
    }
    // Conditions and consent requests came later: their generations begin with the kept deadline timer.
    for (const path of [...CONDITION_PATHS, ...CONSENT_PATHS]) expect(files).toEqual(expect.arrayContaining([`${path}.before-kept-timer.json`, `${path}.json`]));
  });

  it('holds the current histories encrypted, the older ones plain', () => {
    for (const file of files) {
      const text = readFileSync(join(DIR, file), 'utf8');
      const encrypted = text.includes(Buffer.from('binary/encrypted').toString('base64'));
      expect([file, encrypted]).toEqual([file, !PLAIN.some((generation) => file.includes(generation))]);
    }
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    const dataConverter = encryptingDataConverter(PayloadKeys.parse(TEST_PAYLOAD_KEYS));
    await Worker.runReplayHistory({ workflowBundle: { codePath: runEnv().TEST_WORKFLOW_BUNDLE }, dataConverter }, history, file);
  });
});
