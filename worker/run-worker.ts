import { NativeConnection } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import type { Config } from '../config/env';
import type { Sql } from '../db/client';
import { createMailer } from '../clients/mailer';
import { createWorker } from './create-worker';

export interface RunningWorker {
  /** Settles when the worker has stopped (after `stop`, or on a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The clients the activities are built from, out of the validated configuration. */
export function activityDeps(config: Config, sql: Sql): ActivityDeps {
  return {
    sql,
    mail: { ...createMailer(config.SMTP_URL, config.MAIL_FROM), giveUpAfterMs: config.MAIL_GIVE_UP_AFTER },
    links: { secret: config.REVIEW_LINK_SECRET, baseUrl: config.PUBLIC_BASE_URL, ttlMs: config.REVIEW_LINK_TTL },
  };
}

export async function runWorker(config: Config, sql: Sql): Promise<RunningWorker> {
  // The (patched) SDK's workflow threads read it from the environment they copy as the worker starts them.
  process.env.WORKFLOW_STACK_TRACES = config.WORKFLOW_STACK_TRACES;
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const deps = activityDeps(config, sql);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps,
    payloadKeys: config.PAYLOAD_KEYS,
    maxCachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
    workflowBundle: config.WORKFLOW_BUNDLE ? { codePath: config.WORKFLOW_BUNDLE } : undefined,
  });
  const done = worker.run().finally(async () => {
    deps.mail.transport.close();
    await connection.close();
  });
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
