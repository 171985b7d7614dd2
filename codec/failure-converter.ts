import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces travel as an encoded payload, so the payload codec encrypts
 * them too (a refusal's message names stages and roles; an error's may quote more). Loaded by
 * path, as the SDK requires, in the workflow bundle, the worker and every client.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
