import { randomUUID } from 'node:crypto';
import { auditEntryHash, GENESIS_HASH } from '../domain/audit-chain';
import type { InTransaction, Sql } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

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

export function entryHash(prevHash: string, entry: AuditEntry): string {
  return auditEntryHash(prevHash, { ...entry, at: entry.at.toISOString() });
}

/** The chain's tail as a writer holding its lock sees it, and whether its own entry is there already. */
export interface AuditTail {
  seen: boolean;
  hash: string | null;
}

/**
 * Takes the chain's lock and reads its tail, for the entry `eventKey` that this transaction appends
 * next (`appendAudit`). A transaction sends it beside its own first statements, so that taking the
 * lock costs no round trip of its own; the lock lasts until commit.
 */
export async function holdAuditTail(tx: InTransaction, eventKey: string): Promise<AuditTail> {
  // The chain needs a total order: writers queue for the tail, and only for the rest of their transaction.
  // The read is sent behind the lock without waiting for it (one round trip): the server runs it once
  // the lock is held, and in read committed it sees the tail as it is then.
  const [, [tail]] = await Promise.all([
    tx`select pg_advisory_xact_lock(hashtext('audit_log'))`,
    tx<AuditTail[]>`
      select exists (select 1 from audit_log where event_key = ${eventKey}) as seen,
             (select hash from audit_log order by seq desc limit 1) as hash`,
  ]);
  return tail!;
}

/**
 * Appends one entry (idempotent by eventKey), inside the transaction that makes the change. It must be
 * a transaction: the lock that orders the chain lasts until commit, and outside one it would end with
 * its own statement, letting two writers link to the same tail. `tail` is what `holdAuditTail` read
 * for this entry, where the transaction took the lock beforehand.
 */
export async function appendAudit(tx: InTransaction, entry: AuditEntry, tail?: AuditTail): Promise<void> {
  const { seen, hash } = tail ?? (await holdAuditTail(tx, entry.eventKey));
  if (seen) return;
  const prevHash = hash ?? GENESIS_HASH;
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
  let prevHash = GENESIS_HASH;
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

/** Which entries of the trail to list; each condition narrows, all in SQL. */
export interface AuditFilter extends PageRequest {
  noteId?: string;
  /** The first eight hex digits of a note's id, which its reference (`WN-1A2B3C4D`) shows. */
  noteIdPrefix?: string;
  actorId?: string;
  action?: string;
  /** Entries at or after this moment. */
  from?: Date;
  /** Entries before this moment. */
  before?: Date;
  /** Oldest first (the chain's order) unless asked otherwise. */
  newestFirst?: boolean;
}

/** An entry as it is listed: with the name of the person who acted, where one did. */
export interface ListedAuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  noteId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** A page of the trail and how many entries match in all. */
export async function listAudit(sql: Sql, { noteId, noteIdPrefix, actorId, action, from, before, newestFirst, ...page }: AuditFilter): Promise<PageOf<ListedAuditEntry>> {
  // A reference's eight digits are the uuid's first group: the ids that begin with them are a range, which the note index serves.
  const [lowest, highest] = [`${noteIdPrefix}-0000-0000-0000-000000000000`, `${noteIdPrefix}-ffff-ffff-ffff-ffffffffffff`];
  const trail = await pageOf<Omit<ListedAuditEntry, 'seq' | 'at'> & { seq: string; at: Date }>(
    sql,
    {
      select: sql`a.seq, a.at, a.actor_id, p.name as actor_name, a.action, a.note_id, a.details, a.prev_hash, a.hash`,
      from: () => sql`
        from audit_log a left join people p on p.id = a.actor_id
        where true
        ${noteId ? sql`and a.note_id = ${noteId}` : sql``}
        ${noteIdPrefix ? sql`and a.note_id between ${lowest} and ${highest}` : sql``}
        ${actorId ? sql`and a.actor_id = ${actorId}` : sql``}
        ${action ? sql`and a.action = ${action}` : sql``}
        ${from ? sql`and a.at >= ${from}` : sql``}
        ${before ? sql`and a.at < ${before}` : sql``}`,
      orderBy: newestFirst ? sql`order by a.seq desc` : sql`order by a.seq`,
    },
    page,
  );
  return { ...trail, items: trail.items.map((row) => ({ ...row, seq: Number(row.seq), at: row.at.toISOString() })) };
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
