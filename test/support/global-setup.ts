import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../codec/data-converter';
import { createThrowawayDatabase, startThrowawayTemporal } from '../../dev/throwaway-services';

const RESULTS = join(__dirname, '..', '..', '.test-results');

/** One Temporal dev server, one fresh database and one workflow bundle for the whole run. */
export default async function globalSetup(): Promise<void> {
  const [{ env, uiUrl }, bundle, databaseUrl] = await Promise.all([
    startThrowawayTemporal(),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH }),
    createThrowawayDatabase('weighing_notes_test'),
  ]);
  mkdirSync(RESULTS, { recursive: true });
  const bundlePath = join(RESULTS, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);

  globalThis.__TEST_RUN__ = { env, databaseUrl };
  process.env.TEST_TEMPORAL_ADDRESS = env.address;
  process.env.TEST_TEMPORAL_UI = uiUrl;
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}

declare global {
  var __TEST_RUN__: { env: TestWorkflowEnvironment; databaseUrl: string } | undefined;
}
