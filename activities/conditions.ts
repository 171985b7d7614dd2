import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { appendAudit } from '../db/audit';
import type { InTransaction, Sql } from '../db/client';
import {
  carriedInto,
  closeCondition,
  insertCondition,
  type LockedCondition,
  lockCondition,
  lockOpenConditions,
  markCarriedOver,
  reassignCondition,
  recordNudge,
  trackedConditions,
} from '../db/conditions';
import { findRevision } from '../db/notes';
import { CloseOutcome, type ConditionAction, ConditionPolicy, conditionsOf, type TrackedCondition } from '../domain/conditions';
import { Revision } from '../domain/pipeline';
import { PersonId } from '../domain/roles';
import { holdersOf, queueConditionMail } from './notifications';

const Instant = z.iso.datetime();

export const CreateConditionsInput = z.object({
  noteId: z.uuid(),
  /** The adopted revision, whose mitigations become the conditions. */
  revision: Revision,
  /** The note's drafter, who owns them at first. */
  ownerId: PersonId,
  dueAt: Instant,
  /** The note this one re-assesses, whose open conditions come over. */
  supersedes: z.uuid().nullable(),
  at: Instant,
});
export type CreateConditionsInput = z.infer<typeof CreateConditionsInput>;

export const ConditionChange = z.object({
  noteId: z.uuid(),
  conditionId: z.uuid(),
  /** The request's id: the evidence or reason is kept under it (comments), and it keys the audit entry. */
  eventId: z.uuid(),
  actorId: PersonId,
  at: Instant,
  change: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('closed'), outcome: CloseOutcome }),
    z.object({ kind: z.literal('reassigned'), ownerId: PersonId, dueAt: Instant }),
  ]),
});
export type ConditionChange = z.infer<typeof ConditionChange>;

/** How a change landed: recorded, or refused by the read model because the re-assessment took the condition over meanwhile. */
export type ChangeOutcome = { recorded: true } | { recorded: false; carriedTo: { noteId: string; position: number } };

export const ConditionNudge = z.object({
  noteId: z.uuid(),
  conditionId: z.uuid(),
  kind: z.enum(['remind', 'escalate']),
  /** The condition's first nudge: it falls due. */
  first: z.boolean(),
  /** The counts after this nudge, and its moment (the workflow's time, which keys it). */
  remindersSent: z.number().int().nonnegative(),
  escalated: z.boolean(),
  lastNudgeAt: Instant,
  escalationRole: ConditionPolicy.shape.escalationRole,
});
export type ConditionNudge = z.infer<typeof ConditionNudge>;

const CONDITION_ACTION = { remind: 'condition.reminder_sent', escalate: 'condition.escalated' } as const;

/** The audit entry of a condition's event, in the note's part of the trail; details name the condition, never its text. */
function auditCondition(tx: InTransaction, c: { id: string; noteId: string; position: number }, event: string, entry: { at: Date; actorId: string | null; action: ConditionAction; details?: Record<string, unknown> }) {
  return appendAudit(tx, {
    eventKey: `condition-${c.id}/${event}`,
    at: entry.at,
    actorId: entry.actorId,
    action: entry.action,
    noteId: c.noteId,
    details: { conditionId: c.id, position: c.position, ...entry.details },
  });
}

export function createConditionActivities({ sql }: { sql: Sql }) {
  /** Whether this event of the condition is on the record already: a retried activity then writes nothing again. */
  const recorded = async (tx: InTransaction, conditionId: string, event: string) => (await tx`select 1 from audit_log where event_key = ${`condition-${conditionId}/${event}`}`).length > 0;

  return {
    /**
     * The conditions of an adopted note: one per mitigation of the adopted revision, owned by its
     * drafter, due after the policy's time, each mailed to its owner; then the open conditions of the
     * note it re-assesses, carried over (closed there, continued here with their owner, due date and
     * nudges). One transaction: a note's conditions exist whole or not at all, and a retry finds them
     * made and answers with them. Answers with what the workflow tracks (ids, owners, due times) and
     * the ids of the earlier note's conditions it took over.
     */
    async createConditions(input: CreateConditionsInput): Promise<{ items: TrackedCondition[]; carriedOver: string[] }> {
      const { noteId, revision, ownerId, dueAt, supersedes, at } = CreateConditionsInput.parse(input);
      const when = new Date(at);
      return sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${`conditions-${noteId}`}))`;
        const made = await trackedConditions(tx, noteId);
        if (made.length) return { items: made, carriedOver: await carriedInto(tx, noteId) };
        const adopted = await findRevision(tx, noteId, revision);
        if (!adopted) throw ApplicationFailure.nonRetryable(`note ${noteId} has no revision ${revision}`, 'NoSuchRevision');
        const own = conditionsOf(adopted.content).map((c) => ({ ...c, revision, ownerId, dueAt, carriedFrom: null, remindersSent: 0, escalated: false, lastNudgeAt: null }));
        const earlier = supersedes ? await lockOpenConditions(tx, supersedes) : [];
        const carried = earlier.map((c) => ({ ...c, dueAt: c.dueAt.toISOString(), lastNudgeAt: c.lastNudgeAt?.toISOString() ?? null, carriedFrom: c.id }));
        for (const [i, c] of [...own, ...carried].entries()) {
          const condition = { ...c, id: randomUUID(), noteId, position: i + 1, createdAt: when };
          await insertCondition(tx, condition);
          if (c.carriedFrom) {
            const from = earlier.find((e) => e.id === c.carriedFrom)!;
            await markCarriedOver(tx, from.id, condition.id, when);
            await auditCondition(tx, from, 'carried_over', { at: when, actorId: null, action: 'condition.carried_over', details: { carriedTo: condition.id, toNoteId: noteId, toPosition: condition.position } });
          }
          await auditCondition(tx, condition, 'created', {
            at: when,
            actorId: null,
            action: 'condition.created',
            details: { source: c.source, revision: c.revision, ownerId: c.ownerId, dueAt: c.dueAt, ...(c.carriedFrom ? { carriedFrom: c.carriedFrom } : {}), recipients: [c.ownerId] },
          });
          await queueConditionMail(tx, { noteId, conditionId: condition.id, kind: 'condition_assigned', event: 'created', revision: c.revision, dueAt: c.dueAt, at: when }, [c.ownerId]);
        }
        return { items: await trackedConditions(tx, noteId), carriedOver: earlier.map((c) => c.id) };
      });
    },

    /**
     * A close or a reassignment the workflow accepted, recorded with its audit entry (before and after)
     * and, for a new owner or due date, the owner's mail. The read model decides between this workflow
     * and a re-assessment carrying the condition over at the same moment: a condition carried over
     * first is changed here no more.
     */
    async recordConditionChange(input: ConditionChange): Promise<ChangeOutcome> {
      const { noteId, conditionId, eventId, actorId, at, change } = ConditionChange.parse(input);
      const when = new Date(at);
      return sql.begin(async (tx): Promise<ChangeOutcome> => {
        const row = await lockCondition(tx, conditionId);
        if (!row || row.noteId !== noteId) throw ApplicationFailure.nonRetryable(`no condition ${conditionId} of note ${noteId}`, 'NoSuchCondition');
        if (await recorded(tx, conditionId, eventId)) return { recorded: true };
        if (row.status === 'carried_over') return { recorded: false, carriedTo: await whereCarried(tx, row) };
        if (row.status !== 'open') throw ApplicationFailure.nonRetryable(`condition ${conditionId} is ${row.status}`, 'ConditionClosed');
        if (change.kind === 'closed') {
          // The evidence (or the reason) was kept under the request's id before the workflow was asked.
          const [staged] = await tx<{ body: string }[]>`select body from comments where id = ${eventId}`;
          if (!staged) throw ApplicationFailure.nonRetryable('no evidence was kept for this close', 'NoEvidence');
          await closeCondition(tx, conditionId, { outcome: change.outcome, closedBy: actorId, evidence: staged.body, at: when });
          await auditCondition(tx, row, eventId, { at: when, actorId, action: 'condition.closed', details: { outcome: change.outcome, ref: eventId } });
          return { recorded: true };
        }
        const before = { ownerId: row.ownerId, dueAt: row.dueAt.toISOString() };
        const after = { ownerId: change.ownerId, dueAt: new Date(change.dueAt).toISOString() };
        await reassignCondition(tx, conditionId, { ...after, afresh: after.dueAt !== before.dueAt, at: when });
        await auditCondition(tx, row, eventId, { at: when, actorId, action: 'condition.reassigned', details: { before, after, recipients: [after.ownerId] } });
        await queueConditionMail(tx, { noteId, conditionId, kind: 'condition_assigned', event: eventId, revision: row.revision, dueAt: after.dueAt, at: when }, [after.ownerId]);
        return { recorded: true };
      });
    },

    /**
     * A reminder to the owner of an overdue condition (the first: it falls due), or its escalation to
     * the escalation role; counted in the read model, on the trail and mailed. Answers whether the
     * condition is still open here: one carried over to a re-assessment meanwhile is nudged no more.
     */
    async recordConditionNudge(input: ConditionNudge): Promise<{ open: boolean }> {
      const { noteId, conditionId, kind, first, remindersSent, escalated, lastNudgeAt, escalationRole } = ConditionNudge.parse(input);
      const when = new Date(lastNudgeAt);
      return sql.begin(async (tx) => {
        const row = await lockCondition(tx, conditionId);
        if (!row || row.noteId !== noteId) throw ApplicationFailure.nonRetryable(`no condition ${conditionId} of note ${noteId}`, 'NoSuchCondition');
        const event = `${kind}/${lastNudgeAt}`;
        if (await recorded(tx, conditionId, event)) return { open: true };
        if (row.status !== 'open') return { open: false };
        const recipients = kind === 'remind' ? [row.ownerId] : await holdersOf(tx, escalationRole);
        await recordNudge(tx, conditionId, { remindersSent, escalated, lastNudgeAt });
        await auditCondition(tx, row, event, { at: when, actorId: null, action: CONDITION_ACTION[kind], details: { dueAt: row.dueAt.toISOString(), recipients } });
        const mailKind = kind === 'escalate' ? 'condition_escalated' : first ? 'condition_due' : 'condition_reminder';
        await queueConditionMail(tx, { noteId, conditionId, kind: mailKind, event, revision: row.revision, dueAt: row.dueAt.toISOString(), at: when }, recipients);
        return { open: true };
      });
    },
  };
}

/** Where a carried-over condition went: the re-assessment and its number there. */
async function whereCarried(tx: InTransaction, row: LockedCondition): Promise<{ noteId: string; position: number }> {
  const [to] = await tx<{ noteId: string; position: number }[]>`select note_id, position from conditions where id = ${row.carriedTo}`;
  return to!;
}
