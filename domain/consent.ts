import { z } from 'zod';
import { CooperationForm } from './note-terms';
import { ANSWERS, CONSENT_STAGES, CONSENT_STATUSES } from './consent-rules';
import { Decision, Outcome, Policy, Revision, Sha256, Stage } from './pipeline';
import { Refusal } from './refusal';
import { Actor, PersonId } from './roles';
import { freeText, line } from './text';

/**
 * The third-party rule (DOMAIN.md, seed 003): information received from a partner service is passed
 * to a third party (another partner, NATO, the EU) only with the originating partner's consent. A
 * consent request is its own approval: its drafter names the originator, the recipient, a reference to
 * the information (never the information) and why; legal reviews it, the head of service approves
 * sending it, and the partner's answer is recorded, or the request lapses unanswered.
 *
 * Like the note's pipeline: a zod schema of the content, the rules of who may act as functions the
 * pages ask too, and a plain state machine whose `check…` methods serve the workflow's Update
 * validators. The workflow holds no content: ids, states, hashes and deadlines. Its schemas are here,
 * its rules in `consent-rules` (apart, so that workflows build no schema they do not use: see
 * `parse-or-refuse`); both are exported from here.
 */
export * from './consent-rules';

/** International organisations a request may name as its recipient: no weighing note assesses them. */
export const ORGANISATIONS = ['nato', 'eu'] as const;
export const Organisation = z.enum(ORGANISATIONS);
export type Organisation = z.infer<typeof Organisation>;

/** Whom the information would go to: a partner service by its id, or NATO or the EU. */
export const Recipient = z.union([z.uuid(), Organisation]).describe('A partner service’s id, or `nato` or `eu`');
export type Recipient = z.infer<typeof Recipient>;

export const isOrganisation = (recipient: Recipient): recipient is Organisation => Organisation.safeParse(recipient).success;

/**
 * What a drafter writes, revision by revision; the originating partner is fixed when the request is
 * made. The information is named by a reference a reader can look up (a report number), on one short
 * line: the request itself never carries the information.
 */
export const ConsentContent = z
  .object({
    recipient: Recipient,
    informationRef: line(120).trim().min(2).describe('An identifier of the information, such as a report number: never the information itself'),
    form: CooperationForm.describe('The form of cooperation the sharing falls under'),
    justification: freeText(20_000).trim().min(1).describe('Why the information should go to the recipient'),
  })
  .strict();
export type ConsentContent = z.output<typeof ConsentContent>;
export type ConsentContentInput = z.input<typeof ConsentContent>;

/** The recipient is a third party: never the partner the information came from. */
export function recipientRefusal(originatorId: string, content: Pick<ConsentContent, 'recipient'>): Refusal | undefined {
  if (content.recipient === originatorId) return new Refusal('incomplete', 'the recipient must be a third party, not the originating partner', { field: 'recipient' });
  return undefined;
}

/**
 * The up-front refusal: a partner service may receive the information only where its ACTIVE weighing
 * note permits the form of cooperation the sharing falls under (`permittedForms`: the forms of its ACTIVE
 * notes, none when it has none). The refusal is the same sentence whether the partner has no ACTIVE
 * note or one without the form, so that it says nothing of a note the drafter may not know of. NATO
 * and the EU have no note: legal review is the check there.
 */
export function sharingRefusal(recipient: Recipient, form: CooperationForm, permittedForms: readonly CooperationForm[]): Refusal | undefined {
  if (isOrganisation(recipient) || permittedForms.includes(form)) return undefined;
  return new Refusal('conflict', 'no active weighing note of the recipient permits this form of cooperation, so the information may not be shared with it', { field: 'recipient' });
}

export const ConsentStage = Stage.extract(CONSENT_STAGES);
export type ConsentStage = z.infer<typeof ConsentStage>;

export const Answer = z.enum(ANSWERS);
export type Answer = z.infer<typeof Answer>;

export const ConsentStatus = z.enum(CONSENT_STATUSES);
export type ConsentStatus = z.infer<typeof ConsentStatus>;

const Instant = z.iso.datetime();
const Millis = Policy.shape.reminderIntervalMs;

/**
 * The configurable part: the review stages' due times, reminders and escalation as a note's (the same
 * shapes), and once the request is sent, when the answer is due, how often the drafter is reminded
 * after that, and how long after it the request lapses (days in production, seconds in tests).
 */
export const ConsentPolicy = z.object({
  stageDueMs: z.object({ LEGAL_REVIEW: Millis, HEAD_OF_SERVICE: Millis }),
  reminderIntervalMs: Millis,
  escalateAfterReminders: Policy.shape.escalateAfterReminders,
  escalationRole: Policy.shape.escalationRole,
  answerDueMs: Millis,
  answerReminderIntervalMs: Millis,
  /** Counted from the answer's due time. */
  lapseAfterMs: Millis,
});
export type ConsentPolicy = z.infer<typeof ConsentPolicy>;

/** What the workflow knows of a revision: its number, hash and author; the content stays in PostgreSQL. */
export const ConsentRevisionFacts = z.object({ revision: Revision, contentSha256: Sha256, authorId: PersonId });
export type ConsentRevisionFacts = z.infer<typeof ConsentRevisionFacts>;

export const ConsentDecision = Decision.extend({ stage: ConsentStage });
export type ConsentDecision = z.infer<typeof ConsentDecision>;

/** What a request's workflow holds: references, stages, decisions, hashes and deadlines; never content. */
export const ConsentState = z.object({
  consentId: z.uuid(),
  /** The partner the information came from. */
  originatorId: z.uuid(),
  drafterId: PersonId,
  status: ConsentStatus,
  stage: ConsentStage.nullable(),
  current: ConsentRevisionFacts,
  /** Changes were requested on this revision: it may not be submitted again, only a newer one. */
  changesRequestedOn: Revision.nullable(),
  /** Bumped on every transition, so the read model can ignore a projection older than what it holds. */
  version: z.number().int().nonnegative(),
  decisions: z.array(ConsentDecision),
  stageDueAt: Instant.nullable(),
  remindersSent: z.number().int().nonnegative(),
  escalated: z.boolean(),
  lastNudgeAt: Instant.nullable(),
  /** When the head of service approved sending it: from then on the partner's answer is awaited. */
  requestedAt: Instant.nullable(),
  answerDueAt: Instant.nullable(),
  lapsesAt: Instant.nullable(),
  /** Nudges to the drafter about the answer: the first at its due time, then reminders. */
  answerNudges: z.number().int().nonnegative(),
  lastAnswerNudgeAt: Instant.nullable(),
  /** The recorded answer's id: its row in PostgreSQL holds the date it was given and any conditions. */
  answerId: z.uuid().nullable(),
  policy: ConsentPolicy,
});
export type ConsentState = z.infer<typeof ConsentState>;

// Requests: each Update takes one object; the actor is resolved and vouched for by the API.
export const ConsentReviseRequest = z.object({ actor: Actor, facts: ConsentRevisionFacts });
export type ConsentReviseRequest = z.infer<typeof ConsentReviseRequest>;
export const ConsentSubmitRequest = z.object({ actor: Actor, revision: Revision });
export type ConsentSubmitRequest = z.infer<typeof ConsentSubmitRequest>;
export const ConsentDecisionRequest = z.object({ decisionId: z.uuid(), actor: Actor, outcome: Outcome, revision: Revision, stage: ConsentStage });
export type ConsentDecisionRequest = z.infer<typeof ConsentDecisionRequest>;
export const ConsentWithdrawRequest = z.object({ eventId: z.uuid(), actor: Actor });
export type ConsentWithdrawRequest = z.infer<typeof ConsentWithdrawRequest>;
export const ConsentAnswerRequest = z.object({ answerId: z.uuid(), actor: Actor, answer: Answer });
export type ConsentAnswerRequest = z.infer<typeof ConsentAnswerRequest>;

/** The answer as the drafter or head records it: the day it was given and, for conditions, their text. */
export const AnswerInput = z
  .object({
    answer: Answer,
    givenOn: z.iso.date().describe('The day the partner gave its answer'),
    conditions: freeText(20_000).trim().optional().describe('The partner’s conditions: required for `granted_with_conditions`, refused otherwise'),
  })
  .strict()
  .refine((a) => (a.answer === 'granted_with_conditions') === !!a.conditions, { path: ['conditions'], message: 'conditions are given with, and only with, an answer granted with conditions' });
export type AnswerInput = z.infer<typeof AnswerInput>;
