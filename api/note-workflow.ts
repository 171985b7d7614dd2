import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { NoteState } from '../domain/pipeline';
import { REFUSAL_STATUS, isRefusalKind } from '../domain/refusal';
import { executionSummary } from '../domain/wording';
import { mailQueuedSignal, noteApproval, noteWorkflowId, stateQuery } from '../workflows';
import { ApiError } from './errors';

export interface NoteWorkflows {
  start(state: NoteState): Promise<void>;
  update<Res, Req>(noteId: string, update: UpdateDefinition<Res, [Req]>, request: Req): Promise<Res>;
  state(noteId: string): Promise<NoteState>;
  /** Whether the note's execution exists (it may have been started by a request that never heard back). */
  exists(noteId: string): Promise<boolean>;
  /** Tells the note's execution that mail waits in its outbox (queued beside any transition). */
  mailQueued(noteId: string): Promise<void>;
}

/**
 * The API's one door into Temporal: starts a note's execution, sends its Updates, maps refusals to
 * statuses. Every call has a deadline (`callTimeoutMs`): past it, the request answers 503 (the error
 * handler knows a deadline exceeded) instead of holding its caller, and its connection, indefinitely.
 */
export function noteWorkflows(client: Client, taskQueue: string, callTimeoutMs: number): NoteWorkflows {
  const withDeadline = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await client.withDeadline(Date.now() + callTimeoutMs, call);
    } catch (error) {
      throw asApiError(error);
    }
  };
  const handle = (noteId: string) => client.workflow.getHandle(noteWorkflowId(noteId));
  return {
    start: (state) =>
      withDeadline(async () => {
        await client.workflow.start(noteApproval, {
          workflowId: noteWorkflowId(state.noteId),
          taskQueue,
          args: [{ state }],
          // A note has exactly one execution, ever.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          staticSummary: executionSummary(state.noteId, state.partnerId),
        });
      }),
    update: (noteId, update, request) => withDeadline(() => handle(noteId).executeUpdate(update, { args: [request] })),
    state: (noteId) => withDeadline(() => handle(noteId).query(stateQuery)),
    mailQueued: (noteId) => withDeadline(() => handle(noteId).signal(mailQueuedSignal)),
    exists: (noteId) =>
      withDeadline(async () => {
        try {
          await handle(noteId).describe();
          return true;
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return false;
          throw error;
        }
      }),
  };
}

export function asApiError(error: unknown): unknown {
  if (error instanceof WorkflowNotFoundError) return new ApiError(409, 'the note’s approval has ended');
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && isRefusalKind(error.cause.type)) {
    return new ApiError(REFUSAL_STATUS[error.cause.type], error.cause.message);
  }
  return error;
}
