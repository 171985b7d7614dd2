import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '../../codec/data-converter';
import type { PayloadKey } from '../../codec/payload-keys';
import type { Sql } from '../../db/client';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import { atRest } from '../at-rest';
import { elapsedMs } from '../figures';
import { inParallel } from '../in-parallel';
import { createReferenceTable, referenceActivities } from './activities';
import { noopUpdate, referenceEntity, viaActivityUpdate, viaLocalActivityUpdate } from './workflows';

export type UpdateKind = 'viaActivity' | 'viaLocalActivity' | 'noop';
const UPDATES = { viaActivity: viaActivityUpdate, viaLocalActivity: viaLocalActivityUpdate, noop: noopUpdate };
/** A lifecycle: start, as many Updates as a medium-risk note's decisions, result. */
const LIFECYCLE_UPDATES = 4;

/** Updates of one kind, one at a time, four to an execution (a lifecycle's). */
export interface ReferenceUpdates {
  /** Sends the next Update; answers its latency in ms. */
  next(): Promise<number>;
  /** Ends the last execution. */
  end(): Promise<void>;
}

export interface Reference {
  updates(kind: UpdateKind): ReferenceUpdates;
  /** Each Update's latency in ms, `count` of them one after another. */
  updateLatencies(kind: UpdateKind, count: number): Promise<number[]>;
  /** Runs `count` lifecycles, `inFlight` at once. */
  lifecycles(count: number, inFlight: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The reference's worker on a task queue of its own, set up as the product's is (same connection,
 * same encrypting data converter), in the benchmark's own process.
 */
export async function startReference({ connection, client, sql, namespace, payloadKeys }: { connection: NativeConnection; client: Client; sql: Sql; namespace: string; payloadKeys: PayloadKey[] }): Promise<Reference> {
  await createReferenceTable(sql);
  const taskQueue = `bench-reference-${randomUUID()}`;
  const workflowBundle = await bundleWorkflows(require.resolve('./workflows'));
  const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle, activities: referenceActivities(sql), dataConverter: encryptingDataConverter(payloadKeys) });
  const running = worker.run();
  const start = () => client.workflow.start(referenceEntity, { taskQueue, workflowId: `bench-reference-${randomUUID()}`, args: [{ updates: LIFECYCLE_UPDATES }] });

  /** One at a time, each timed: unlike a lifecycle's, which go as fast as they can. */
  function updates(kind: UpdateKind): ReferenceUpdates {
    let handle: Awaited<ReturnType<typeof start>> | undefined;
    let taken = 0;
    return {
      async next() {
        if (!handle || taken % LIFECYCLE_UPDATES === 0) {
          await handle?.result();
          handle = await start();
          // Its first Update waits, as each decision does, until the execution is at rest: sent at once,
          // it would ride on the task that starts the execution.
          await atRest(handle);
        }
        const started = process.hrtime.bigint();
        await handle.executeUpdate(UPDATES[kind], { args: [{ id: randomUUID() }] });
        taken += 1;
        return elapsedMs(started);
      },
      async end() {
        // An execution left short of its four Updates is ended, so that none outlives the run.
        if (taken % LIFECYCLE_UPDATES) await handle?.terminate('benchmark over');
        else await handle?.result();
      },
    };
  }

  return {
    updates,
    async updateLatencies(kind, count) {
      const sent = updates(kind);
      const times: number[] = [];
      while (times.length < count) times.push(await sent.next());
      await sent.end();
      return times;
    },
    lifecycles: (count, inFlight) =>
      inParallel(count, inFlight, async () => {
        const handle = await start();
        for (let i = 0; i < LIFECYCLE_UPDATES; i += 1) await handle.executeUpdate(viaActivityUpdate, { args: [{ id: randomUUID() }] });
        await handle.result();
      }),
    async close() {
      worker.shutdown();
      await running;
    },
  };
}
