import { z } from 'zod';
import { CooperationForm, RiskRating } from './note-terms';
import { NOTE_STATUSES, STAGES, upgradeRevisionFacts } from './pipeline-rules';
import { Actor } from './roles';

/**
 * What a note's Updates carry, and the terms they are written in: the schemas a note's workflow
 * loads on its first Update (`parse-or-refuse`). The state's own schema is in `pipeline`.
 */

export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

export const NoteStatus = z.enum(NOTE_STATUSES);
export type NoteStatus = z.infer<typeof NoteStatus>;

export const Outcome = z.enum(['approve', 'reject', 'request_changes']);
export type Outcome = z.infer<typeof Outcome>;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256');
/** A revision's number; the database keeps it as an `integer`, so a larger one is no revision there can be. */
export const Revision = z.number().int().positive().max(2_147_483_647);
/**
 * A calendar day (YYYY-MM-DD), checked against a pattern of its own. A workflow thread shares zod,
 * frozen, among its executions (`workflows/shared-modules`), zod's own date pattern with it, and zod
 * resets a pattern's `lastIndex` before each check, which a frozen pattern refuses.
 */
const IsoDate = z.string().regex(new RegExp(z.regexes.date), 'Invalid ISO date');
/** A partner's SRM priority, 1 the highest. */
export const SrmPriority = z.number().int().min(1).max(4);

/**
 * What the workflow knows of a revision: who wrote it, its hash, and the facts that route it and set
 * its deadlines. No content: the permitted forms themselves stay in PostgreSQL; the workflow holds
 * only whether one of them needs the minister.
 */
export const RevisionFacts = z.object({
  revision: Revision,
  contentSha256: Sha256,
  authorId: z.string().min(1),
  overallRisk: RiskRating.nullable(),
  /** A permitted form of cooperation needs the minister's permission. */
  ministerialForms: z.boolean(),
  /** The review date the note names, if any (YYYY-MM-DD). */
  reviewDate: IsoDate.nullable(),
});
export type RevisionFacts = z.infer<typeof RevisionFacts>;

/**
 * Executions started before the codec carried the permitted forms themselves (a revision's facts,
 * hence every state, revise Update and re-assessment they hand on). Each run reduces them to the
 * routing fact where they enter (its start, a revise), so the forms never reach a payload again.
 */
export const LegacyRevisionFacts = RevisionFacts.omit({ ministerialForms: true }).extend({ permittedCooperation: z.array(CooperationForm) });
export type LegacyRevisionFacts = z.infer<typeof LegacyRevisionFacts>;

// Requests: each Update takes one object; the actor is resolved and vouched for by the API.
export const SubmitRequest = z.object({
  actor: Actor,
  revision: Revision,
  /** The partner's SRM priority as the note goes into review, which sets its review cadence; absent before it was sent, null when none is set. */
  partnerPriority: SrmPriority.nullable().optional(),
});
export type SubmitRequest = z.infer<typeof SubmitRequest>;
export const ReviseRequest = z.object({
  actor: Actor,
  // A revise in the history of an execution begun before the codec carries the forms; replay meets it again.
  facts: z.union([RevisionFacts, LegacyRevisionFacts.transform((facts) => upgradeRevisionFacts(facts))]),
});
export type ReviseRequest = z.input<typeof ReviseRequest>;
export const DecisionRequest = z.object({
  decisionId: z.uuid(),
  actor: Actor,
  outcome: Outcome,
  revision: Revision,
  /** The stage the decider means: a decision for a stage no longer open is refused as stale. Optional only for Updates in histories from before it was required. */
  stage: Stage.optional(),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;
export const WithdrawRequest = z.object({ eventId: z.uuid(), actor: Actor });
export type WithdrawRequest = z.infer<typeof WithdrawRequest>;
export const ReassessRequest = z.object({ eventId: z.uuid(), actor: Actor });
export type ReassessRequest = z.infer<typeof ReassessRequest>;
