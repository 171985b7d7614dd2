import { z } from 'zod';
import { NoteStatus, Outcome, Revision, RevisionFacts, Sha256, SrmPriority, Stage } from './pipeline-requests';

/**
 * A note's approval: the schema of its workflow's state here, the requests it takes in
 * `pipeline-requests`, its rules in `pipeline-rules` (apart, so that workflows build no schema they
 * do not use: see `parse-or-refuse`); all of them exported from here.
 */
export * from './pipeline-requests';
export * from './pipeline-rules';

const Instant = z.iso.datetime();
const Millis = z.number().int().positive();

/** The configurable part of the rules: quorum and every duration (days in production, seconds in tests). */
export const Policy = z.object({
  quorum: z.object({ default: z.number().int().min(1), legalHighRisk: z.number().int().min(1) }),
  stageDueMs: z.object({ TEAM_REVIEW: Millis, LEGAL_REVIEW: Millis, HEAD_OF_SERVICE: Millis, MINISTER: Millis }),
  reminderIntervalMs: Millis,
  escalateAfterReminders: z.number().int().min(0),
  escalationRole: z.enum(['head_of_service', 'team_lead', 'legal', 'minister']),
  /** The review period of a note adopted under a policy without a cadence (runs begun before it). */
  reviewPeriodMs: Millis,
  /**
   * How long an adopted note stands before its review, by its overall risk; a priority-1 partner's
   * note never longer than `priority1MaxMs` (SRM). Absent in runs begun before it existed.
   */
  reviewCadence: z.object({ low: Millis, medium: Millis, high: Millis, priority1MaxMs: Millis }).optional(),
  reviewReminderLeadMs: Millis,
  /**
   * How long each condition of an adopted note has before it is due (`domain/conditions`); overdue, it
   * is reminded and escalated as a stage is. Absent in runs begun before conditions were tracked.
   */
  conditionDueMs: Millis.optional(),
});
export type Policy = z.infer<typeof Policy>;

export const Decision = z.object({
  decisionId: z.uuid(),
  actorId: z.string(),
  stage: Stage,
  revision: Revision,
  outcome: Outcome,
  contentSha256: Sha256,
  at: Instant,
});
export type Decision = z.infer<typeof Decision>;

/** What the workflow holds: references, stages, decisions, hashes and deadlines; never note content. */
export const NoteState = z.object({
  noteId: z.uuid(),
  partnerId: z.uuid(),
  drafterId: z.string().min(1),
  /** The adopted note this one re-assesses; it is SUPERSEDED when this one is adopted. */
  supersedes: z.uuid().nullable(),
  status: NoteStatus,
  stage: Stage.nullable(),
  current: RevisionFacts,
  /** Changes were requested on this revision: it may not be submitted again, only a newer one. */
  changesRequestedOn: Revision.nullable(),
  /** Bumped on every transition, so the read model can ignore a projection older than what it holds. */
  version: z.number().int().nonnegative(),
  decisions: z.array(Decision),
  stageDueAt: Instant.nullable(),
  remindersSent: z.number().int().nonnegative(),
  escalated: z.boolean(),
  /** When the last reminder or escalation of the open stage went out (absent in runs begun before it was kept). */
  lastNudgeAt: Instant.nullable().optional(),
  adoptedAt: Instant.nullable(),
  reviewDueAt: Instant.nullable(),
  reviewReminderSent: z.boolean(),
  /**
   * The review date has started its re-assessment once: should that one end without adoption, the
   * note stays ACTIVE and overdue until a person starts another, rather than starting one again at
   * once, and again. (Absent in runs begun before it existed.)
   */
  reviewDueHandled: z.boolean().optional(),
  reassessment: z.uuid().nullable(),
  supersededBy: z.uuid().nullable(),
  /** The partner's SRM priority when the note was last submitted (absent in runs begun before it was kept). */
  partnerPriority: SrmPriority.nullable().optional(),
  policy: Policy,
});
export type NoteState = z.infer<typeof NoteState>;

