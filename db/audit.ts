import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import type { InTransaction, Sql } from './client';

export interface AuditEntry {
  /** Unique per event, so an entry written again by a retried activity is written once. */
  eventKey: string;
  at: Date;
  actorId: string | null;
  action: string;
  noteId: string | null;
  /** References and hashes only: content never enters the trail, only the fact that it was read or changed. */
  details: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

export function entryHash(prevHash: string, entry: AuditEntry): string {
  const { eventKey, at, actorId, action, noteId, details } = entry;
  const body = canonicalJson({ prevHash, eventKey, at: at.toISOString(), actorId, action, noteId, details });
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends one entry (idempotent by eventKey), inside the transaction that makes the change. It must be
 * a transaction: the lock that orders the chain lasts until commit, and outside one it would end with
 * its own statement, letting two writers link to the same tail.
 */
export async function appendAudit(tx: InTransaction, entry: AuditEntry): Promise<void> {
  // The chain needs a total order: writers queue for the tail, and only for the rest of their transaction.
  await tx`select pg_advisory_xact_lock(hashtext('audit_log'))`;
  const [seen] = await tx`select 1 from audit_log where event_key = ${entry.eventKey}`;
  if (seen) return;
  const [last] = await tx<{ hash: string }[]>`select hash from audit_log order by seq desc limit 1`;
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date(Math.floor(entry.at.getTime()));
  await tx`
    insert into audit_log (event_key, at, actor_id, action, note_id, details, prev_hash, hash)
    values (${entry.eventKey}, ${at}, ${entry.actorId}, ${entry.action}, ${entry.noteId},
            ${tx.json(entry.details as never)}, ${prevHash}, ${entryHash(prevHash, { ...entry, at })})`;
}

export interface AuditVerdict {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

/** Walks the chain from the start; reports the first row whose link or hash does not hold. */
export async function verifyAudit(sql: Sql | InTransaction): Promise<AuditVerdict> {
  let prevHash = GENESIS;
  let checked = 0;
  const rows = sql<(AuditEntry & { seq: string; prevHash: string; hash: string })[]>`
    select seq, event_key, at, actor_id, action, note_id, details, prev_hash, hash from audit_log order by seq`.cursor(500);
  for await (const batch of rows) {
    for (const row of batch) {
      const seq = Number(row.seq);
      if (row.prevHash !== prevHash) return { ok: false, checked, firstBroken: { seq, reason: 'does not link to the row before it' } };
      if (entryHash(prevHash, row) !== row.hash) return { ok: false, checked, firstBroken: { seq, reason: 'its content does not match its hash' } };
      prevHash = row.hash;
      checked += 1;
    }
  }
  return { ok: true, checked };
}

/** An entry for an event of its own (a read, a refusal), in a transaction of its own. */
export function auditEvent(sql: Sql, entry: Omit<AuditEntry, 'eventKey' | 'at'>): Promise<void> {
  return sql.begin((tx) => appendAudit(tx, { ...entry, eventKey: `${entry.action}/${randomUUID()}`, at: new Date() }));
}

/** Every view of a note's content is an audit entry (DOMAIN.md, accountability). */
export function auditContentRead(sql: Sql, actorId: string, noteId: string, what: string, revision: number): Promise<void> {
  return auditEvent(sql, { actorId, action: 'note.content_read', noteId, details: { what, revision } });
}

/** The newest revision of a note before `before` whose content this person has read, if any. */
export async function lastRevisionSeen(sql: Sql, actorId: string, noteId: string, before: number): Promise<number | undefined> {
  const [row] = await sql<{ revision: number | null }[]>`
    select max((details->>'revision')::int) as revision from audit_log
    where note_id = ${noteId} and actor_id = ${actorId} and action = 'note.content_read' and (details->>'revision')::int < ${before}`;
  return row?.revision ?? undefined;
}
