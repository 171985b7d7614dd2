import { ApplicationFailure } from '@temporalio/workflow';
import { Refusal } from '../domain/refusal';

/** A refused request fails the Update with its kind as the failure type, which the API maps to a status. */
export function refuseAsFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Refusal) throw ApplicationFailure.create({ message: error.message, type: error.kind, nonRetryable: true });
    throw error;
  }
}
