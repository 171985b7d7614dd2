import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type UpdateDefinition, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { ConsentState } from '../domain/consent';
import { consentExecutionSummary } from '../domain/wording';
import { consentRequest, consentWorkflowId } from '../workflows';
import { ApiError } from './errors';
import { asApiError } from './note-workflow';

export interface ConsentWorkflows {
  start(state: ConsentState): Promise<void>;
  update<Res, Req>(consentId: string, update: UpdateDefinition<Res, [Req]>, request: Req): Promise<Res>;
  /** Whether the request's execution exists (it may have been started by a request that never heard back). */
  exists(consentId: string): Promise<boolean>;
}

/**
 * The API's door into the executions of consent requests, as `noteWorkflows` is for notes: every call
 * has a deadline (past it, 503), and a refused Update answers with its refusal's status.
 */
export function consentWorkflows(client: Client, taskQueue: string, callTimeoutMs: number): ConsentWorkflows {
  const withDeadline = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await client.withDeadline(Date.now() + callTimeoutMs, call);
    } catch (error) {
      throw error instanceof WorkflowNotFoundError ? new ApiError(409, 'the request’s workflow has ended') : asApiError(error);
    }
  };
  const handle = (consentId: string) => client.workflow.getHandle(consentWorkflowId(consentId));
  return {
    start: (state) =>
      withDeadline(async () => {
        await client.workflow.start(consentRequest, {
          workflowId: consentWorkflowId(state.consentId),
          taskQueue,
          args: [{ state }],
          // A request has exactly one execution, ever.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          staticSummary: consentExecutionSummary(state.consentId),
        });
      }),
    update: (consentId, update, request) => withDeadline(() => handle(consentId).executeUpdate(update, { args: [request] })),
    exists: (consentId) =>
      client.withDeadline(Date.now() + callTimeoutMs, async () => {
        try {
          await handle(consentId).describe();
          return true;
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return false;
          throw error;
        }
      }),
  };
}
