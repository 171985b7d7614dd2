import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { ReferenceActivities } from './activities';

/**
 * The least a decision can cost on Temporal: an entity workflow whose Update awaits one regular
 * activity that inserts one row (written only once the Update is accepted, as a decision's writes
 * must be), the same with a local activity, and an Update that does nothing. The benchmark measures
 * the product beside it, in the same process, on the same dev server and PostgreSQL.
 */
export const viaActivityUpdate = defineUpdate<number, [{ id: string }]>('viaActivity');
export const viaLocalActivityUpdate = defineUpdate<number, [{ id: string }]>('viaLocalActivity');
export const noopUpdate = defineUpdate<number, [{ id: string }]>('noop');

const OPTIONS = { startToCloseTimeout: '10 seconds' } as const;
const { insertRow } = proxyActivities<ReferenceActivities>(OPTIONS);
const local = proxyLocalActivities<ReferenceActivities>(OPTIONS);

/** Runs until it has taken `updates` Updates (a lifecycle's four decisions), then returns their count. */
export async function referenceEntity({ updates }: { updates: number }): Promise<number> {
  let taken = 0;
  setHandler(viaActivityUpdate, async (request) => {
    await insertRow(request);
    return ++taken;
  });
  setHandler(viaLocalActivityUpdate, async (request) => {
    await local.insertRow(request);
    return ++taken;
  });
  setHandler(noopUpdate, () => ++taken);
  await condition(() => taken >= updates);
  return taken;
}
