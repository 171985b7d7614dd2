import type { Sql } from '../db/client';
import { dropStagedComment, stageComment } from '../db/notes';
import { ApiError } from './errors';

/** The same request sent twice (a review link's button pressed twice): the first is being recorded. */
export class UnderWay extends ApiError {
  constructor() {
    super(409, 'this request is being recorded already');
  }
}

/**
 * Runs a request whose free text (a comment, a reason) is kept in PostgreSQL under its id, dropped
 * again if the workflow refuses: of a note or of a consent request alike. An id the caller brings (a
 * review link's) may come twice: while text under it is being recorded, the second is refused; text
 * staged longer ago than a call to Temporal may take belongs to an attempt that never heard back, and
 * the new one takes its place.
 */
export function stagedText(sql: Sql, temporalCallTimeoutMs: number) {
  return async function withText<T>(id: string, text: string | undefined, send: () => Promise<T>): Promise<T> {
    if (text && !(await stageComment(sql, id, text, 2 * temporalCallTimeoutMs))) throw new UnderWay();
    try {
      return await send();
    } catch (error) {
      // Only a refusal is known to have changed nothing; after an unknown outcome the text may belong to a recorded request.
      if (text && error instanceof ApiError) await dropStagedComment(sql, id);
      throw error;
    }
  };
}
