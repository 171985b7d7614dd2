import type * as Zod from 'zod';
import { Refusal } from './refusal';

/*
 * Workflow code evaluates every module it imports once for each execution, replays included, and
 * building zod and the domain's schemas was nearly all of that: some 18 ms of the workflow thread
 * and 1 MiB of heap per execution. So the rules that workflows run (`*-rules`) hold no schema: each
 * takes the schemas of its Updates' requests from a module it loads on first use, when a validator
 * first runs (never on a replay, which runs none), through `require`, which the workflow bundle
 * keeps lazy where an import would be evaluated with the module.
 */

/** The request as its schema reads it, or refused as malformed (a conflict: the request is not one this execution takes). */
export function parseOrRefuse<T>(schema: Zod.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- zod is loaded by now: the schema is its
  if (!parsed.success) throw new Refusal('conflict', `malformed request: ${(require('zod') as typeof Zod).prettifyError(parsed.error)}`);
  return parsed.data;
}
