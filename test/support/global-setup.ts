import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { findOrGetChromium } from '../../dev/chromium';
import { createThrowawayDatabase, startThrowawayTemporal } from '../../dev/throwaway-services';
import { writeWorkflowBundle } from '../../worker/workflow-bundle';

const RESULTS = join(__dirname, '..', '..', '.test-results');

/**
 * One Temporal dev server, one fresh database and one workflow bundle for the whole run; and the tools
 * the run needs, got once where the machine lacks them (the Temporal CLI, Chromium for the browser
 * tests), each saying so as it goes.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => console.error(`[set-up] ${line}`);
  const chromium = await findOrGetChromium(log);
  // The test files run in workers of their own: they find it through the environment.
  process.env.CHROMIUM_PATH = chromium.path;
  const bundlePath = join(RESULTS, `workflow-bundle-${process.pid}.js`);
  const [{ env, uiUrl }, , databaseUrl] = await Promise.all([
    startThrowawayTemporal(),
    writeWorkflowBundle(bundlePath),
    createThrowawayDatabase('weighing_notes_test'),
  ]);

  globalThis.__TEST_RUN__ = { env, databaseUrl };
  process.env.TEST_TEMPORAL_ADDRESS = env.address;
  process.env.TEST_TEMPORAL_UI = uiUrl;
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}

declare global {
  var __TEST_RUN__: { env: TestWorkflowEnvironment; databaseUrl: string } | undefined;
}
