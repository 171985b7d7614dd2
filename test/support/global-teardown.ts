import { rmSync } from 'node:fs';
import { dropDatabase } from '../../dev/throwaway-services';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__TEST_RUN__;
  if (!run) return;
  await run.env.teardown();
  await dropDatabase(run.databaseUrl);
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
}
