import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { NoteState } from '../domain/pipeline';
import { REFUSAL_STATUS, isRefusalKind } from '../domain/refusal';
import { noteApproval, noteWorkflowId, stateQuery } from '../workflows';
import { ApiError } from './errors';

export interface NoteWorkflows {
  start(state: NoteState): Promise<void>;
  update<Res, Req>(noteId: string, update: UpdateDefinition<Res, [Req]>, request: Req): Promise<Res>;
  state(noteId: string): Promise<NoteState>;
}

/** The API's one door into Temporal: starts a note's execution, sends its Updates, maps refusals to statuses. */
export function noteWorkflows(client: Client, taskQueue: string): NoteWorkflows {
  return {
    async start(state) {
      await client.workflow.start(noteApproval, {
        workflowId: noteWorkflowId(state.noteId),
        taskQueue,
        args: [{ state }],
        // A note has exactly one execution, ever.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        staticSummary: `Weighing note ${state.noteId} (partner ${state.partnerId})`,
      });
    },

    async update(noteId, update, request) {
      try {
        return await client.workflow.getHandle(noteWorkflowId(noteId)).executeUpdate(update, { args: [request] });
      } catch (error) {
        throw asApiError(error);
      }
    },

    async state(noteId) {
      try {
        return await client.workflow.getHandle(noteWorkflowId(noteId)).query(stateQuery);
      } catch (error) {
        throw asApiError(error);
      }
    },
  };
}

function asApiError(error: unknown): unknown {
  if (error instanceof WorkflowNotFoundError) return new ApiError(409, 'the note’s approval has ended');
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && isRefusalKind(error.cause.type)) {
    return new ApiError(REFUSAL_STATUS[error.cause.type], error.cause.message);
  }
  return error;
}
