import { workflowInfo } from '@temporalio/workflow';

/**
 * What the long-running workflows (a note, its conditions, a consent request) share: each may wait
 * for years, so each run hands its state to a fresh one once its history grows.
 */

/** Events after which a run hands its state to a fresh one, unless the server suggests it sooner. */
export const HISTORY_LIMIT = 2_000;

export interface LongRunningInput<State> {
  /** As the run before handed it on. */
  state: State;
  /** Events after which a run hands its state on (tests set it small); HISTORY_LIMIT otherwise. */
  historyLimit?: number;
}

/** Whether this run's history has grown enough to continue as new. */
export function historyFull(historyLimit: number): boolean {
  const { continueAsNewSuggested, historyLength } = workflowInfo();
  return continueAsNewSuggested || historyLength > historyLimit;
}
