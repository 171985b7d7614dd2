import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Transition } from '../activities/read-model';
import { type DecisionRequest, NotePipeline, type NoteState, type SubmitRequest } from '../domain/pipeline';
import { Refusal } from '../domain/refusal';
import { NoteStageKey, NoteStatusKey } from './search-attributes';

export const submitUpdate = defineUpdate<NoteState, [SubmitRequest]>('submit');
export const decideUpdate = defineUpdate<NoteState, [DecisionRequest]>('decide');
export const stateQuery = defineQuery<NoteState>('state');

export interface NoteApprovalInput {
  state: NoteState;
}

// Local: the read model write sits on the decision path, and a local activity saves a workflow task
// and a task-queue round trip. Its writes are idempotent, so a retry after a crash is harmless.
const { recordTransition } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** One execution per note (`note-<id>`): holds references, stages, decisions and hashes, never content. */
export async function noteApproval({ state }: NoteApprovalInput): Promise<NoteState> {
  const pipeline = new NotePipeline(state);
  describe(pipeline.state);

  setHandler(stateQuery, () => pipeline.state);
  setHandler(
    submitUpdate,
    (request) => record(() => pipeline.submit(request), { actorId: request.actor.id, action: 'note.submitted' }),
    { validator: (request) => refuseAsFailure(() => pipeline.checkSubmit(request)) },
  );
  setHandler(
    decideUpdate,
    (request) => {
      const { stage } = pipeline.state;
      return record(() => pipeline.decide(request), {
        actorId: request.actor.id,
        action: 'note.decided',
        decision: { decisionId: request.decisionId, stage: stage!, revision: request.revision, outcome: request.outcome },
      });
    },
    { validator: (request) => refuseAsFailure(() => pipeline.checkDecision(request)) },
  );

  await condition(() => pipeline.finished && allHandlersFinished());
  return pipeline.state;
}

/**
 * Applies a transition at once (so a concurrent message sees it), then records it in the read model
 * and the audit trail before the Update answers: the caller reads its own write.
 */
async function record(apply: () => NoteState, event: Omit<Transition, 'state' | 'at'>): Promise<NoteState> {
  const state = refuseAsFailure(apply);
  describe(state);
  await recordTransition.executeWithOptions(
    { startToCloseTimeout: '10 seconds', summary: `record ${event.action} (v${state.version})` },
    [{ ...event, state, at: new Date().toISOString() }],
  );
  return state;
}

/** What operators see in the Temporal UI: search attributes and a one-line summary, no content. */
function describe(state: NoteState): void {
  upsertSearchAttributes([
    { key: NoteStatusKey, value: state.status },
    { key: NoteStageKey, value: state.stage ?? state.status },
  ]);
  setCurrentDetails(`${state.status}${state.stage ? ` at ${state.stage}` : ''}, revision ${state.revision}`);
}

/** A refused request fails the Update with its kind as the failure type, which the API maps to a status. */
function refuseAsFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Refusal) throw ApplicationFailure.create({ message: error.message, type: error.kind, nonRetryable: true });
    throw error;
  }
}
