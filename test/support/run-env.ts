import { z } from 'zod';

/** What global setup hands every test file, through the environment (they run in other processes). */
const RunEnv = z.object({
  TEST_TEMPORAL_ADDRESS: z.string().min(1),
  TEST_TEMPORAL_UI: z.string().min(1),
  TEST_DATABASE_URL: z.string().min(1),
  TEST_WORKFLOW_BUNDLE: z.string().min(1),
});
export type RunEnv = z.infer<typeof RunEnv>;

export function runEnv(): RunEnv {
  return RunEnv.parse(process.env);
}
