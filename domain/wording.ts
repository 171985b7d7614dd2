import type { Classification, CooperationForm, Criterion, RiskRating } from './note-content';
import type { PartnerKind, Relationship, RelationshipKind } from './partner';
import type { DueTimer, NoteState, NoteStatus, Policy, Stage, TimerKind } from './pipeline';
import type { PortfolioFlag } from './portfolio';
import type { Role } from './roles';
import type { ConditionSource, ConditionStatus, ConditionTimer } from './conditions';
import type { Answer, ConsentStatus, ConsentTimerKind, Organisation } from './consent';

/** How the product names things to people, in pages and mail alike. */

/** The reference a person can quote (mail, page titles): stable, short, and telling nothing about the partner. */
export const noteRef = (noteId: string) => `WN-${noteId.slice(0, 8).toUpperCase()}`;

export const STAGE_NAME: Record<Stage, string> = {
  TEAM_REVIEW: 'Team review',
  LEGAL_REVIEW: 'Legal review',
  HEAD_OF_SERVICE: 'Head of service',
  MINISTER: 'Minister',
};

/** A moment to the minute, in UTC, as people read it: `2026-11-28 05:10 UTC`. */
export const utcMinute = (at: string | Date) => `${(typeof at === 'string' ? at : at.toISOString()).slice(0, 16).replace('T', ' ')} UTC`;

/**
 * A note's execution as the Temporal UI lists it: the reference people quote beside the ids operators
 * look up. Ids only, never content, so that it says nothing more should a summary be stored plain.
 */
export const executionSummary = (noteId: string, partnerId: string) => `Weighing note ${noteRef(noteId)} (note ${noteId}, partner ${partnerId})`;

/** A stage as the review it is, in running text: `team review`, `head of service review`. */
export function reviewOf(stage: Stage): string {
  const name = STAGE_NAME[stage].toLowerCase();
  return name.endsWith('review') ? name : `${name} review`;
}

type TimerFacts = Pick<NoteState, 'stage' | 'remindersSent' | 'escalated'>;
/** A stage's first nudge is its due time; later ones are reminders. Stage timers run only while a stage is open. */
const DEADLINE: Record<TimerKind, (state: TimerFacts) => string> = {
  remind: (s) => `${reviewOf(s.stage!)} ${s.remindersSent > 0 || s.escalated ? 'reminder' : 'due'}`,
  escalate: (s) => `escalation of ${reviewOf(s.stage!)}`,
  review_reminder: () => 'review date reminder',
  review_due: () => 'review date',
};

/** What a deadline's timer waits for, as its summary names it to operators: the stage at most, no content. */
export const deadlineName = ({ kind }: DueTimer, state: TimerFacts) => DEADLINE[kind](state);

/** A form of cooperation in running text (DOMAIN.md's words). */
export const COOPERATION_FORM_NAME: Record<CooperationForm, string> = {
  evaluated_intelligence_exchange: 'exchange of evaluated intelligence',
  unevaluated_data_provision: 'provision of unevaluated data',
  technical_operational_support: 'technical or operational support to the partner',
  assistance_requests: 'requests for assistance from the partner',
  joint_operations: 'joint operations',
};

/** Items in running text: `A`, `A and B`, `A, B and C`. */
export const listInWords = (items: readonly string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

// Codes as the people who use them read them, in pages and mail alike.

export const CLASSIFICATION_NAME: Record<Classification, string> = {
  departementaal_vertrouwelijk: 'Dep. Vertrouwelijk',
  stg_confidentieel: 'Stg. Confidentieel',
  stg_geheim: 'Stg. Geheim',
  stg_zeer_geheim: 'Stg. Zeer Geheim',
};

export const RISK_NAME: Record<RiskRating, string> = { low: 'Low', medium: 'Medium', high: 'High' };

export const CRITERION_NAME: Record<Criterion, string> = {
  democraticEmbedding: 'Democratic embedding of the service',
  humanRights: 'Respect for human rights in the country',
  professionalism: 'Professionalism and reliability of the service',
  legalPowers: 'Legal powers and capabilities of the service',
  dataProtection: 'Level of data protection',
};

export const STATUS_NAME: Record<NoteStatus, string> = {
  DRAFT: 'Draft',
  IN_REVIEW: 'In review',
  ACTIVE: 'Active',
  REJECTED: 'Rejected',
  WITHDRAWN: 'Withdrawn',
  SUPERSEDED: 'Superseded',
};

export const ROLE_NAME: Record<Role, string> = {
  drafter: 'Drafter',
  team_lead: 'Team lead',
  legal: 'Legal affairs',
  head_of_service: 'Head of service',
  minister: 'Minister',
  auditor: 'Auditor (CTIVD)',
  admin: 'Administrator',
  operator: 'Operator',
};

export const PARTNER_KIND_NAME: Record<PartnerKind, string> = { military: 'Military', civil: 'Civil', combined: 'Combined' };
export const RELATIONSHIP_NAME: Record<RelationshipKind, string> = { bilateral: 'Bilateral', nato: 'NATO', eu: 'EU', other_multilateral: 'Other multilateral' };
/** SRM priority 1 is the highest, 4 the lowest: `1 (highest)`, `3`, `4 (lowest)`; a partner without one: `Not set`. */
export const srmPriorityName = (priority: number | null) => (priority === null ? 'Not set' : `${priority}${priority === 1 ? ' (highest)' : priority === 4 ? ' (lowest)' : ''}`);

const DAY_IN_WORDS = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** A day as people write it: `28 November 2026` (a date `2026-11-28` or a moment, read in UTC). */
export const dayInWords = (at: string | Date) => DAY_IN_WORDS.format(typeof at === 'string' && at.length === 10 ? new Date(`${at}T00:00:00Z`) : new Date(at));
/** A moment in running text: `28 November 2026 at 21:55 UTC`. */
export const momentInWords = (at: string | Date) => `${dayInWords(at)} at ${utcMinute(at).slice(11)}`;
/** A partner's relationships, each with the day it began: `NATO since 29 March 2004; Bilateral since 1 September 2011`. */
export const relationshipsInWords = (relationships: readonly Relationship[]) => relationships.map(({ kind, since }) => `${RELATIONSHIP_NAME[kind]} since ${dayInWords(since)}`).join('; ');

/** The portfolio's flags, the oversight committee's recurring findings. */
export const PORTFOLIO_FLAG_NAME: Record<PortfolioFlag, string> = { no_active_note: 'Cooperation without an active note', review_overdue: 'Review date passed' };

/** Who is asked to decide at a stage, as a sentence starts with it: `Legal review`, `The minister`. */
export const STAGE_DECIDER: Record<Stage, string> = {
  TEAM_REVIEW: 'Team review',
  LEGAL_REVIEW: 'Legal review',
  HEAD_OF_SERVICE: 'The head of service',
  MINISTER: 'The minister',
};

const DAY_MS = 86_400_000;
/** A period as people say it: `one year`, `2 years`, `45 days`. */
export function periodInWords(ms: number): string {
  const days = Math.round(ms / DAY_MS);
  if (days >= 365 && days % 365 === 0) return days === 365 ? 'one year' : `${days / 365} years`;
  return days === 1 ? 'one day' : `${days} days`;
}

/** When an adopted note without a review date of its own is reviewed, under this policy (the SRM cadence). */
export function cadenceInWords({ reviewCadence: c, reviewPeriodMs }: Pick<Policy, 'reviewCadence' | 'reviewPeriodMs'>): string {
  if (!c) return `${periodInWords(reviewPeriodMs)} after it is adopted`;
  return `after its adoption by its overall risk: ${periodInWords(c.high)} when high, ${periodInWords(c.medium)} when medium, ${periodInWords(c.low)} when low, and at most ${periodInWords(c.priority1MaxMs)} for a priority-1 partner`;
}

// Consent requests (the third-party rule).

/** A consent request's reference, as mail and page titles name it: `TP-1A2B3C4D`, telling nothing about partners or information. */
export const consentRef = (consentId: string) => `TP-${consentId.slice(0, 8).toUpperCase()}`;

/** A consent request's execution as the Temporal UI lists it: its reference and id, nothing more. */
export const consentExecutionSummary = (consentId: string) => `Consent request ${consentRef(consentId)} (request ${consentId})`;

export const CONSENT_STATUS_NAME: Record<ConsentStatus, string> = {
  DRAFT: 'Draft',
  IN_REVIEW: 'In review',
  REQUESTED: 'Requested: awaiting the partner’s answer',
  GRANTED: 'Granted',
  GRANTED_WITH_CONDITIONS: 'Granted with conditions',
  REFUSED: 'Refused',
  LAPSED: 'Lapsed: no answer',
  REJECTED: 'Rejected',
  WITHDRAWN: 'Withdrawn',
};

export const ANSWER_NAME: Record<Answer, string> = { granted: 'Granted', granted_with_conditions: 'Granted with conditions', refused: 'Refused' };

export const ORGANISATION_NAME: Record<Organisation, string> = { nato: 'NATO', eu: 'EU' };

/** What a consent request's timer waits for, as its summary names it to operators: a stage at most, no content. */
export function consentDeadlineName(timer: { kind: ConsentTimerKind; at: Date }, state: TimerFacts): string {
  switch (timer.kind) {
    case 'remind':
    case 'escalate':
      return deadlineName({ kind: timer.kind, at: timer.at }, state);
    case 'answer_due':
      return 'answer due';
    case 'answer_reminder':
      return 'answer reminder';
    case 'lapse':
      return 'lapse without an answer';
  }
}

// Conditions of an adopted note (domain/conditions.ts).

/** A note's conditions workflow as the Temporal UI lists it: references and ids only. */
export const conditionsSummary = (noteId: string) => `Conditions of weighing note ${noteRef(noteId)} (note ${noteId})`;

/** A condition as people quote it (mail, pages, timers): `WN-1A2B3C4D condition 2`; never its text. */
export const conditionRef = (noteId: string, position: number) => `${noteRef(noteId)} condition ${position}`;

export const CONDITION_STATUS_NAME: Record<ConditionStatus, string> = {
  open: 'Open',
  fulfilled: 'Fulfilled',
  not_applicable: 'No longer applicable',
  carried_over: 'Carried over to the re-assessment',
};

/** Where a condition is stated in its note: `Mitigations and conditions`, `Level of data protection: mitigations`. */
export const conditionSourceName = (source: ConditionSource) =>
  source === 'mitigations' ? 'Mitigations and conditions' : `${CRITERION_NAME[source.split('.')[1] as Criterion]}: mitigations`;

/** What a condition's timer waits for, as its summary names it to operators: `condition 2 due`, `escalation of condition 2`. */
export const conditionDeadlineName = ({ kind, position, first }: ConditionTimer) =>
  kind === 'escalate' ? `escalation of condition ${position}` : `condition ${position} ${first ? 'due' : 'reminder'}`;
