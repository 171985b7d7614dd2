import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * How the audit trail's hashes are made: the one rule the trail itself (`db/audit.ts`), its check and
 * the oversight dossier's verification (`domain/dossier.ts`) share, so that they cannot drift apart.
 * `tools/verify-dossier.mjs` states the same rule again, on purpose: it must run without this code.
 */

/** The hash the first entry of the trail links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256, in hex, of a value's canonical JSON: a revision's content hash, and (with its link) an entry's hash. */
export const canonicalSha256 = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** The fields of an entry its hash covers; `at` as ISO 8601 in UTC with milliseconds (`Date.toISOString`). */
export interface ChainedEntry {
  eventKey: string;
  at: string;
  actorId: string | null;
  action: string;
  noteId: string | null;
  details: Record<string, unknown>;
}

/** An entry's hash: over its fields and the hash of the entry before it (the genesis hash for the first). */
export function auditEntryHash(prevHash: string, { eventKey, at, actorId, action, noteId, details }: ChainedEntry): string {
  return canonicalSha256({ prevHash, eventKey, at, actorId, action, noteId, details });
}
