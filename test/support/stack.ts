import { devToken } from '../../dev/dev-token';
import { freePort, type InProcessStack, type InProcessStackOptions, startInProcessStack } from '../../dev/in-process-stack';
import { type SmtpCapture, type SmtpCaptureOptions, startSmtpCapture } from '../../dev/smtp-capture';
import { SEED_PEOPLE } from '../../dev/seed-data';
import type { WorkerOptions } from '@temporalio/worker';
import type { ConsentPolicy } from '../../domain/consent';
import { DEFAULT_POLICY, type Policy } from '../../domain/pipeline';
import { api } from './notes';
import { runEnv } from './run-env';
import { createThrowawayDatabase, dropDatabase } from '../../dev/throwaway-services';

export const TEST_JWT_SECRET = 'test-secret-of-at-least-thirty-two-characters';

export const TEST_REVIEW_LINK_SECRET = 'test-review-link-secret-of-32-characters';
/** The payload codec's key in tests, fixed so that the histories recorded encrypted replay. */
export const TEST_PAYLOAD_KEYS = 'test-2026:Eh49k9VUdeNE5zbAil0KOkblj9C9pgUXXrerzhq1fZk=';
/** Review links in test mail point here; tests take the path and drive the in-process API with it. */
export const TEST_PUBLIC_BASE_URL = 'http://weighing-notes.test';

export interface Stack extends InProcessStack {
  /** The suite's own SMTP server: every mail the product sends lands here. */
  mail: SmtpCapture;
  /** A bearer header for a seeded person, by id. */
  auth(personId: string): Promise<{ authorization: string }>;
}

/** The product as it runs, for one test file, on the run's dev server, database and workflow bundle. */
export interface StackOptions {
  policy?: Policy;
  consentPolicy?: ConsentPolicy;
  /** Addresses the suite's SMTP server refuses with 550. */
  mailRefuses?: (address: string) => boolean;
  /** Runs as each message arrives, before the suite's SMTP server accepts it. */
  mailReceived?: SmtpCaptureOptions['received'];
  interceptors?: WorkerOptions['interceptors'];
  /** Listen on a real port, with review links pointing there, for a browser. */
  listen?: boolean;
  /** The API's logger, for a suite that reads what it logs. */
  logger?: InProcessStackOptions['logger'];
  /** A database of the suite's own (a fault suite's private cluster); the run's otherwise. */
  databaseUrl?: () => string;
  /** A Temporal server of the suite's own (a fault suite kills it); the run's otherwise. */
  temporalAddress?: () => string;
  temporalCallTimeout?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = runEnv();
  const mail = await startSmtpCapture({ smtpPort: 0, refuses: options.mailRefuses, received: options.mailReceived });
  const port = options.listen ? await freePort() : undefined;
  const stack = await startInProcessStack({
    smtpUrl: `smtp://127.0.0.1:${mail.smtpPort}`,
    reviewLinkSecret: TEST_REVIEW_LINK_SECRET,
    publicBaseUrl: port ? `http://127.0.0.1:${port}` : TEST_PUBLIC_BASE_URL,
    port,
    temporalAddress: options.temporalAddress?.() ?? env.TEST_TEMPORAL_ADDRESS,
    temporalUiOrigin: env.TEST_TEMPORAL_UI,
    databaseUrl: options.databaseUrl?.() ?? env.TEST_DATABASE_URL,
    policy: options.policy ?? DEFAULT_POLICY,
    consentPolicy: options.consentPolicy,
    jwtSecret: TEST_JWT_SECRET,
    payloadKeys: TEST_PAYLOAD_KEYS,
    workflowBundle: { codePath: env.TEST_WORKFLOW_BUNDLE },
    interceptors: options.interceptors,
    logger: options.logger,
    temporalCallTimeout: options.temporalCallTimeout,
  });
  return {
    ...stack,
    mail,
    async close() {
      await stack.close();
      await mail.close();
    },
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
export function useStack(options: StackOptions & { ownDatabase?: string } = {}): Suite {
  const suite = {} as Suite;
  let own: string | undefined;
  beforeAll(async () => {
    // A database of the suite's own (named by the prefix given), for one whose writes would reach
    // into other suites' (people with reviewing roles get their mail), or that must see only its own.
    if (options.ownDatabase) own = await createThrowawayDatabase(options.ownDatabase, runEnv().TEST_DATABASE_URL);
    suite.stack = await startStack({ ...options, ...(own ? { databaseUrl: () => own! } : {}) });
    suite.http = api(suite.stack);
  });
  afterAll(async () => {
    await suite.stack?.close();
    if (own) await dropDatabase(own);
  });
  return suite;
}
