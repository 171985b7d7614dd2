import { z } from 'zod';
import type { NoteContent } from './note-content';
import { CRITERIA, type Criterion } from './note-terms';
import { Policy, Revision } from './pipeline';
import { Actor, PersonId } from './roles';

/**
 * Conditions of an adopted note (issue 12): each mitigation or condition its adopted revision states
 * becomes work with an owner, a due date and, once closed, the evidence that it was met. Overdue, a
 * condition is reminded and escalated as a review stage is (`nextNudge`). Its text is the note's
 * content and stays in PostgreSQL; the workflow that tracks them (`conditions-<noteId>`) holds ids,
 * owners, due times and how far their nudges have gone.
 *
 * Their schemas are here, their rules in `conditions-rules` (apart, so that workflows build no schema
 * they do not use: see `parse-or-refuse`); both are exported from here.
 */
export * from './conditions-rules';

/** Where in a note a condition is stated: a criterion's mitigations, or the note's "mitigations and conditions". */
export type ConditionSource = `criteria.${Criterion}.mitigations` | 'mitigations';
export const CONDITION_SOURCES: ConditionSource[] = [...CRITERIA.map((criterion) => `criteria.${criterion}.mitigations` as const), 'mitigations'];

/** Each mitigation the content states, in the note's order; an empty one is none. Their positions number them from 1. */
export function conditionsOf(content: NoteContent): { source: ConditionSource; text: string }[] {
  const stated = CONDITION_SOURCES.map((source) => ({
    source,
    text: source === 'mitigations' ? content.mitigations : content.criteria[source.split('.')[1] as Criterion].mitigations,
  }));
  return stated.filter(({ text }) => text.trim()).map(({ source, text }) => ({ source, text: text.trim() }));
}

/**
 * `open` until closed: `fulfilled` by its owner with the evidence, `not_applicable` by the head of
 * service with the reason, or `carried_over` to the re-assessment that superseded the note.
 */
export const CONDITION_STATUSES = ['open', 'fulfilled', 'not_applicable', 'carried_over'] as const;
export const ConditionStatus = z.enum(CONDITION_STATUSES);
export type ConditionStatus = z.infer<typeof ConditionStatus>;
export const CloseOutcome = z.enum(['fulfilled', 'not_applicable']);
export type CloseOutcome = z.infer<typeof CloseOutcome>;

const Instant = z.iso.datetime();

/** The rules a note's conditions are tracked by: their due time, and the stage's reminders and escalation. */
export const ConditionPolicy = Policy.pick({ reminderIntervalMs: true, escalateAfterReminders: true, escalationRole: true }).extend({
  dueMs: z.number().int().positive(),
});
export type ConditionPolicy = z.infer<typeof ConditionPolicy>;

/** One condition as the workflow tracks it: no text, only who owns it, when it is due and how far its nudges went. */
export const TrackedCondition = z.object({
  id: z.uuid(),
  position: z.number().int().positive(),
  ownerId: PersonId,
  dueAt: Instant,
  remindersSent: z.number().int().nonnegative(),
  escalated: z.boolean(),
  lastNudgeAt: Instant.nullable(),
  open: z.boolean(),
});
export type TrackedCondition = z.infer<typeof TrackedCondition>;

/** What the conditions workflow holds: references, owners, deadlines; never the conditions' text. */
export const ConditionsState = z.object({
  noteId: z.uuid(),
  /** The note's drafter: its desk owns the conditions at first and may reassign them. */
  drafterId: PersonId,
  /** The note this one re-assesses: its open conditions are carried over to this one. */
  supersedes: z.uuid().nullable(),
  /** The adopted revision, whose mitigations the conditions are. */
  revision: Revision,
  adoptedAt: Instant,
  policy: ConditionPolicy,
  /** Null until the first step has made them from the adopted revision. */
  items: z.array(TrackedCondition).nullable(),
  version: z.number().int().nonnegative(),
});
export type ConditionsState = z.infer<typeof ConditionsState>;

// Requests: each Update takes one object; the actor is resolved and vouched for by the API, and the
// free text (evidence, reason) is kept in PostgreSQL under `eventId` before the Update is sent.
export const CloseRequest = z.object({ eventId: z.uuid(), actor: Actor, conditionId: z.uuid(), outcome: CloseOutcome });
export type CloseRequest = z.infer<typeof CloseRequest>;
export const ReassignRequest = z
  .object({ eventId: z.uuid(), actor: Actor, conditionId: z.uuid(), ownerId: PersonId.optional(), dueAt: Instant.optional() })
  .refine((r) => r.ownerId !== undefined || r.dueAt !== undefined, 'name a new owner, a new due date, or both');
export type ReassignRequest = z.infer<typeof ReassignRequest>;
