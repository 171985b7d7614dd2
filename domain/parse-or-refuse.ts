import { prettifyError, type ZodType } from 'zod';
import { Refusal } from './refusal';

/*
 * Workflow code evaluates every module it imports once for each execution, replays included; only
 * zod itself is loaded once per workflow thread and shared (`workflows/shared-modules`). Building the
 * domain's schemas was most of what was left: so the rules that workflows run (`*-rules`) hold no
 * schema. Each takes the schemas of its Updates' requests from a module it loads on first use, when
 * an Update is first checked (by its validator, or on a replay by its handler, which checks again),
 * through `require`, which the workflow bundle keeps lazy where an import would be evaluated with
 * the module. An execution that has taken no Update builds none.
 */

/** The request as its schema reads it, or refused as malformed (a conflict: the request is not one this execution takes). */
export function parseOrRefuse<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Refusal('conflict', `malformed request: ${prettifyError(parsed.error)}`);
  return parsed.data;
}
