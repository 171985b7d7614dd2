import { hostname } from 'node:os';
import { Connection } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../config/env';

/**
 * The worker container's health check (docker-compose.yml). The worker has no port, so Temporal, which
 * sees every poll, answers: healthy while a worker of this container has polled the task queue lately.
 * A worker's identity is `<pid>@<hostname>` (the SDK's default, which run-worker keeps), and every
 * process of a container shares its hostname.
 */

/** A poll waits up to a minute on an idle queue before the worker polls again; two minutes is late. */
const POLLED_WITHIN_MS = 2 * 60_000;
const CALL_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: CALL_MS });
  try {
    const { pollers } = await connection.withDeadline(Date.now() + CALL_MS, () =>
      connection.workflowService.describeTaskQueue({
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const ours = pollers.filter((poller) => poller.identity?.endsWith(`@${hostname()}`));
    const lastPoll = Math.max(0, ...ours.map((poller) => optionalTsToMs(poller.lastAccessTime) ?? 0));
    const ago = Math.round((Date.now() - lastPoll) / 1000);
    if (Date.now() - lastPoll > POLLED_WITHIN_MS) {
      throw new Error(ours.length ? `last polled ${config.TEMPORAL_TASK_QUEUE} ${ago}s ago` : `not polling ${config.TEMPORAL_TASK_QUEUE}`);
    }
    console.log(`polling ${config.TEMPORAL_TASK_QUEUE} (last ${ago}s ago)`);
  } finally {
    await connection.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
