import type { Classification } from '../domain/note-content';
import { type CloseOutcome, type ConditionSource, type ConditionStatus, OWNER_ROLES, type TrackedCondition } from '../domain/conditions';
import type { Stage } from '../domain/pipeline';
import type { Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

/**
 * The `conditions` table (migration 011): each condition of an adopted note, written by the activities
 * of the note's conditions workflow and read by the API, the pages, the portfolio and the dossier.
 */

/** A condition linked to another (carried from an earlier note, or over to the re-assessment). */
export interface ConditionLink {
  conditionId: string;
  noteId: string;
  position: number;
}

interface ConditionRow {
  id: string;
  noteId: string;
  position: number;
  source: ConditionSource;
  revision: number;
  ownerId: string;
  ownerName: string;
  dueAt: Date;
  status: ConditionStatus;
  overdue: boolean;
  closedBy: string | null;
  closedByName: string | null;
  closedAt: Date | null;
  remindersSent: number;
  escalated: boolean;
  carriedFrom: string | null;
  carriedFromNoteId: string | null;
  carriedFromPosition: number | null;
  carriedTo: string | null;
  carriedToNoteId: string | null;
  carriedToPosition: number | null;
  createdAt: Date;
  updatedAt: Date;
}

// Everything but the text and the evidence, which are content: lists leave them out.
const SUMMARY = `c.id, c.note_id, c.position, c.source, c.revision, c.owner_id, o.name as owner_name, c.due_at, c.status,
  c.status = 'open' and c.due_at < now() as overdue, c.closed_by, cb.name as closed_by_name, c.closed_at, c.reminders_sent, c.escalated,
  c.carried_from, cf.note_id as carried_from_note_id, cf.position as carried_from_position,
  c.carried_to, ct.note_id as carried_to_note_id, ct.position as carried_to_position, c.created_at, c.updated_at`;
const JOINS = `conditions c join people o on o.id = c.owner_id left join people cb on cb.id = c.closed_by
  left join conditions cf on cf.id = c.carried_from left join conditions ct on ct.id = c.carried_to`;

const link = (conditionId: string | null, noteId: string | null, position: number | null): ConditionLink | null =>
  conditionId && noteId && position ? { conditionId, noteId, position } : null;

function toSummary({ carriedFromNoteId, carriedFromPosition, carriedToNoteId, carriedToPosition, ...row }: ConditionRow) {
  return {
    ...row,
    dueAt: row.dueAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    carriedFrom: link(row.carriedFrom, carriedFromNoteId, carriedFromPosition),
    carriedTo: link(row.carriedTo, carriedToNoteId, carriedToPosition),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ConditionSummary = ReturnType<typeof toSummary>;
/** A condition with its text and, once closed, its evidence (or the reason it no longer applies): content. */
export type Condition = ConditionSummary & { text: string; evidence: string | null };

/** A note's conditions in their order, with their text. */
export async function conditionsOfNote(sql: Sql, noteId: string): Promise<Condition[]> {
  const rows = await sql<(ConditionRow & { text: string; evidence: string | null })[]>`
    select ${sql.unsafe(SUMMARY)}, c.text, c.evidence from ${sql.unsafe(JOINS)} where c.note_id = ${noteId} order by c.position`;
  return rows.map((row) => ({ ...toSummary(row), text: row.text, evidence: row.evidence }));
}

/** What need to know asks of a condition's note (its readers, whether it exists for anyone yet), and the classification of its text. */
export interface ConditionNote {
  drafterId: string;
  reachedStages: Stage[];
  started: boolean;
  /** The classification of the revision the condition's text comes from (null: not classified). */
  classification: Classification | null;
}

/** A condition, and what need to know asks of its note. */
export async function findCondition(sql: Sql, id: string): Promise<{ condition: Condition; note: ConditionNote } | undefined> {
  const [row] = await sql<(ConditionRow & { text: string; evidence: string | null; noteDrafterId: string; noteReachedStages: Stage[]; noteStarted: boolean; classification: Classification | null })[]>`
    select ${sql.unsafe(SUMMARY)}, c.text, c.evidence, n.drafter_id as note_drafter_id, n.reached_stages as note_reached_stages, n.started as note_started,
           -- The revision its text comes from: for a carried-over condition, that of the note it was first stated in.
           (with recursive origin as (
              select o.id, o.note_id, o.carried_from from conditions o where o.id = c.id
              union all select p.id, p.note_id, p.carried_from from conditions p join origin on p.id = origin.carried_from)
            select r.content->>'classification' from origin join note_revisions r on r.note_id = origin.note_id and r.revision = c.revision and r.accepted
            where origin.carried_from is null) as classification
    from ${sql.unsafe(JOINS)} join notes n on n.id = c.note_id where c.id = ${id}`;
  if (!row) return undefined;
  const { text, evidence, noteDrafterId, noteReachedStages, noteStarted, classification } = row;
  return { condition: { ...toSummary(row), text, evidence }, note: { drafterId: noteDrafterId, reachedStages: noteReachedStages, started: noteStarted, classification } };
}

export interface OwnedFilter extends PageRequest {
  /** Only the open ones (true), only the closed ones (false), or all. */
  open?: boolean;
}

/** The conditions a person owns, soonest due first (the open before the closed), without their text. */
export async function conditionsOwnedBy(sql: Sql, ownerId: string, { open, ...page }: OwnedFilter): Promise<PageOf<ConditionSummary>> {
  const owned = await pageOf<ConditionRow>(
    sql,
    {
      select: sql.unsafe(SUMMARY),
      from: () => sql`from ${sql.unsafe(JOINS)} where c.owner_id = ${ownerId}
        ${open === undefined ? sql`` : open ? sql`and c.status = 'open'` : sql`and c.status <> 'open'`}`,
      orderBy: sql`order by c.status <> 'open', c.due_at, c.id`,
    },
    page,
  );
  return { ...owned, items: owned.items.map(toSummary) };
}

/** The open conditions of the note this one re-assesses, which its drafter addresses and its adoption carries over. */
export async function openConditionsBefore(sql: Sql, noteId: string): Promise<Condition[]> {
  const rows = await sql<(ConditionRow & { text: string; evidence: string | null })[]>`
    select ${sql.unsafe(SUMMARY)}, c.text, c.evidence from ${sql.unsafe(JOINS)} join notes n on n.supersedes = c.note_id
    where n.id = ${noteId} and c.status = 'open' order by c.position`;
  return rows.map((row) => ({ ...toSummary(row), text: row.text, evidence: row.evidence }));
}

/** Per partner with any: its notes' open conditions, and how many of those are past their due date (the portfolio). */
export async function openConditionsByPartner(sql: Sql): Promise<{ partnerId: string; open: number; overdue: number }[]> {
  const rows = await sql<{ partnerId: string; open: number; overdue: number }[]>`
    select n.partner_id, count(*)::int as open, count(*) filter (where c.due_at < now())::int as overdue
    from conditions c join notes n on n.id = c.note_id where c.status = 'open' group by n.partner_id order by n.partner_id`;
  return [...rows];
}

/** Who may be given a condition, by name: active people who work on notes. */
export async function possibleOwners(sql: Sql): Promise<{ id: string; name: string }[]> {
  return [...(await sql<{ id: string; name: string }[]>`select id, name from people where active and roles && ${OWNER_ROLES}::text[] order by name, id`)];
}

// Writes, by the conditions workflow's activities only.

/** The conditions of a note as its workflow tracks them (no text). */
export async function trackedConditions(tx: Tx, noteId: string): Promise<TrackedCondition[]> {
  const rows = await tx<{ id: string; position: number; ownerId: string; dueAt: Date; remindersSent: number; escalated: boolean; lastNudgeAt: Date | null; status: ConditionStatus }[]>`
    select id, position, owner_id, due_at, reminders_sent, escalated, last_nudge_at, status from conditions where note_id = ${noteId} order by position`;
  return rows.map(({ dueAt, lastNudgeAt, status, ...row }) => ({ ...row, dueAt: dueAt.toISOString(), lastNudgeAt: lastNudgeAt?.toISOString() ?? null, open: status === 'open' }));
}

/** What a condition is, as the activities write and change it. */
interface ConditionFacts {
  id: string;
  noteId: string;
  position: number;
  source: ConditionSource;
  revision: number;
  text: string;
  ownerId: string;
  remindersSent: number;
  escalated: boolean;
}

export interface NewCondition extends ConditionFacts {
  dueAt: string;
  carriedFrom: string | null;
  lastNudgeAt: string | null;
  createdAt: Date;
}

export async function insertCondition(tx: Tx, c: NewCondition): Promise<void> {
  await tx`
    insert into conditions (id, note_id, position, source, revision, text, owner_id, due_at, carried_from, reminders_sent, escalated, last_nudge_at, created_at, updated_at)
    values (${c.id}, ${c.noteId}, ${c.position}, ${c.source}, ${c.revision}, ${c.text}, ${c.ownerId}, ${c.dueAt}, ${c.carriedFrom},
            ${c.remindersSent}, ${c.escalated}, ${c.lastNudgeAt}, ${c.createdAt}, ${c.createdAt})`;
}

/** A condition's row as a change reads it. */
export interface LockedCondition extends ConditionFacts {
  dueAt: Date;
  status: ConditionStatus;
  carriedTo: string | null;
  lastNudgeAt: Date | null;
}
const LOCKED = 'id, note_id, position, source, revision, text, owner_id, due_at, status, carried_to, reminders_sent, escalated, last_nudge_at';

/** A condition, locked until the transaction ends: its workflow and a re-assessment's carrying it over take turns. */
export async function lockCondition(tx: Tx, id: string): Promise<LockedCondition | undefined> {
  const [row] = await tx<LockedCondition[]>`select ${tx.unsafe(LOCKED)} from conditions where id = ${id} for update`;
  return row;
}

/** A note's open conditions, locked, to carry over. */
export async function lockOpenConditions(tx: Tx, noteId: string): Promise<LockedCondition[]> {
  return [...(await tx<LockedCondition[]>`select ${tx.unsafe(LOCKED)} from conditions where note_id = ${noteId} and status = 'open' order by position for update`)];
}

/** The conditions of earlier notes that were carried over into this one's. */
export async function carriedInto(tx: Tx, noteId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`select id from conditions where carried_to in (select id from conditions where note_id = ${noteId}) order by id`;
  return rows.map((row) => row.id);
}

export async function markCarriedOver(tx: Tx, id: string, to: string, at: Date): Promise<void> {
  await tx`update conditions set status = 'carried_over', carried_to = ${to}, closed_at = ${at}, updated_at = ${at} where id = ${id}`;
}

export async function closeCondition(tx: Tx, id: string, c: { outcome: CloseOutcome; closedBy: string; evidence: string; at: Date }): Promise<void> {
  await tx`update conditions set status = ${c.outcome}, closed_by = ${c.closedBy}, evidence = ${c.evidence}, closed_at = ${c.at}, updated_at = ${c.at} where id = ${id}`;
}

/** A new owner or due date; a new due date starts the nudges afresh. */
export async function reassignCondition(tx: Tx, id: string, c: { ownerId: string; dueAt: string; afresh: boolean; at: Date }): Promise<void> {
  await tx`
    update conditions set owner_id = ${c.ownerId}, due_at = ${c.dueAt}, updated_at = ${c.at},
      reminders_sent = case when ${c.afresh} then 0 else reminders_sent end,
      escalated = escalated and not ${c.afresh},
      last_nudge_at = case when ${c.afresh} then null else last_nudge_at end
    where id = ${id}`;
}

export async function recordNudge(tx: Tx, id: string, n: Pick<TrackedCondition, 'remindersSent' | 'escalated' | 'lastNudgeAt'>): Promise<void> {
  await tx`update conditions set reminders_sent = ${n.remindersSent}, escalated = ${n.escalated}, last_nudge_at = ${n.lastNudgeAt}, updated_at = ${n.lastNudgeAt} where id = ${id}`;
}
