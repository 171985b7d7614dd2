import { setTimeout } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';

/** Until the execution has no workflow task and no activity under way: where each timed Update, the product's or the reference's, begins. */
export async function atRest(handle: WorkflowHandle): Promise<void> {
  for (;;) {
    const { raw } = await handle.describe();
    if (!raw.pendingWorkflowTask && !raw.pendingActivities?.length) return;
    await setTimeout(5);
  }
}
