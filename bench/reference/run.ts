import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '../../codec/data-converter';
import type { PayloadKey } from '../../codec/payload-keys';
import type { Sql } from '../../db/client';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import { elapsedMs } from '../figures';
import { inParallel } from '../in-parallel';
import { createReferenceTable, referenceActivities } from './activities';
import { noopUpdate, referenceEntity, viaActivityUpdate, viaLocalActivityUpdate } from './workflows';

export type UpdateKind = 'viaActivity' | 'viaLocalActivity' | 'noop';
const UPDATES = { viaActivity: viaActivityUpdate, viaLocalActivity: viaLocalActivityUpdate, noop: noopUpdate };
/** A lifecycle: start, as many Updates as a medium-risk note's decisions, result. */
const LIFECYCLE_UPDATES = 4;

export interface Reference {
  /** Each Update's latency in ms, `count` of them one after another, four to an execution. */
  updateLatencies(kind: UpdateKind, count: number): Promise<number[]>;
  /** Lifecycles completed per second with `inFlight` running at once, over `count` of them. */
  lifecyclesPerSecond(count: number, inFlight: number): Promise<number>;
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

  return {
    async updateLatencies(kind, count) {
      const times: number[] = [];
      for (let done = 0; done < count; ) {
        const handle = await start();
        for (let i = 0; i < LIFECYCLE_UPDATES && done < count; i += 1, done += 1) {
          const started = process.hrtime.bigint();
          await handle.executeUpdate(UPDATES[kind], { args: [{ id: randomUUID() }] });
          times.push(elapsedMs(started));
        }
        // An execution left short of its four Updates is ended, so that none outlives the run.
        if (done % LIFECYCLE_UPDATES) await handle.terminate('benchmark over');
        else await handle.result();
      }
      return times;
    },
    async lifecyclesPerSecond(count, inFlight) {
      const started = process.hrtime.bigint();
      await inParallel(count, inFlight, async () => {
        const handle = await start();
        for (let i = 0; i < LIFECYCLE_UPDATES; i += 1) await handle.executeUpdate(viaActivityUpdate, { args: [{ id: randomUUID() }] });
        await handle.result();
      });
      return count / (elapsedMs(started) / 1000);
    },
    async close() {
      worker.shutdown();
      await running;
    },
  };
}
