import { dropDatabase } from '../../dev/throwaway-services';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__TEST_RUN__;
  if (!run) return;
  await run.env.teardown();
  await dropDatabase(run.databaseUrl);
}
