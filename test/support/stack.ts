import { devToken } from '../../dev/dev-token';
import { type InProcessStack, startInProcessStack } from '../../dev/in-process-stack';
import { SEED_PEOPLE } from '../../dev/seed-data';
import { DEFAULT_POLICY, type Policy } from '../../domain/pipeline';
import { api } from './notes';
import { runEnv } from './run-env';

export const TEST_JWT_SECRET = 'test-secret-of-at-least-thirty-two-characters';

export interface Stack extends InProcessStack {
  /** A bearer header for a seeded person, by id. */
  auth(personId: string): Promise<{ authorization: string }>;
}

/** The product as it runs, for one test file, on the run's dev server, database and workflow bundle. */
export async function startStack(options: { policy?: Policy } = {}): Promise<Stack> {
  const env = runEnv();
  const stack = await startInProcessStack({
    temporalAddress: env.TEST_TEMPORAL_ADDRESS,
    databaseUrl: env.TEST_DATABASE_URL,
    policy: options.policy ?? DEFAULT_POLICY,
    jwtSecret: TEST_JWT_SECRET,
    workflowBundle: { codePath: env.TEST_WORKFLOW_BUNDLE },
  });
  return {
    ...stack,
    async auth(personId) {
      const person = SEED_PEOPLE.find((p) => p.id === personId);
      if (!person) throw new Error(`no seeded person ${personId}`);
      return { authorization: `Bearer ${await devToken(TEST_JWT_SECRET, person)}` };
    },
  };
}

export interface Suite {
  stack: Stack;
  http: ReturnType<typeof api>;
}

/** One stack for the calling test file: started before its first test, closed after its last. */
export function useStack(options: { policy?: Policy } = {}): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.stack = await startStack(options);
    suite.http = api(suite.stack);
  });
  afterAll(() => suite.stack?.close());
  return suite;
}
