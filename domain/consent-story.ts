import type { Answer, ConsentStage, ConsentStatus } from './consent';
import { DECISION_VERB } from './note-story';
import type { Outcome } from './pipeline';
import { ANSWER_NAME, listInWords, reviewOf } from './wording';

/**
 * A consent request's history as a person reads it: each entry of the audit trail that makes up its
 * story, with a sentence saying what happened. Pure: the read model hands in the trail's facts. The
 * sentences name people, stages, revisions and the answer's kind, never the partners, the information
 * or any text.
 */

/** What each transition of a request's workflow records in the audit trail (`activities/consent-transition`). */
export const CONSENT_TRANSITION_ACTIONS = [
  'consent.revised',
  'consent.submitted',
  'consent.decided',
  'consent.withdrawn',
  'consent.reminder_sent',
  'consent.escalated',
  'consent.answer_overdue',
  'consent.answer_reminder_sent',
  'consent.lapsed',
  'consent.answer_recorded',
] as const;
export type ConsentTransitionAction = (typeof CONSENT_TRANSITION_ACTIONS)[number];

/** Actions of the trail that make up a request's story (reads are audited but are no part of it). */
export const CONSENT_STORY_ACTIONS = ['consent.created', ...CONSENT_TRANSITION_ACTIONS, 'consent.mail_failed'] as const;
export type ConsentStoryAction = (typeof CONSENT_STORY_ACTIONS)[number];

/** Every kind of entry about consent requests, as the auditor reads them: the story, reads and refusals. */
export const CONSENT_ACTION_NAME: Record<ConsentStoryAction | 'consent.content_read' | 'consent.access_refused', string> = {
  'consent.created': 'Consent request created',
  'consent.revised': 'Consent request: new revision saved',
  'consent.submitted': 'Consent request submitted for review',
  'consent.decided': 'Consent request: decision taken',
  'consent.withdrawn': 'Consent request withdrawn',
  'consent.reminder_sent': 'Consent request: reminder sent',
  'consent.escalated': 'Consent request: stage escalated',
  'consent.answer_overdue': 'Consent request: answer overdue',
  'consent.answer_reminder_sent': 'Consent request: answer reminder sent',
  'consent.lapsed': 'Consent request lapsed',
  'consent.answer_recorded': 'Consent request: answer recorded',
  'consent.mail_failed': 'Consent request: mail not delivered',
  'consent.content_read': 'Consent request read',
  'consent.access_refused': 'Access to a consent request refused',
};

/** One entry of the trail, as the read model reads it. */
export interface ConsentTrailFacts {
  seq: number;
  at: string;
  action: ConsentStoryAction;
  actorId: string | null;
  actorName: string | null;
  /** The request's status and stage after the entry. */
  status: ConsentStatus | null;
  stage: ConsentStage | null;
  /** The stage a decision was made at. */
  decidedStage: ConsentStage | null;
  revision: number | null;
  contentSha256: string | null;
  outcome: Outcome | null;
  /** A decision's comment, a withdrawal's reason. */
  comment: string | null;
  answer: Answer | null;
  recipients: string[] | null;
  recipientNames: string[] | null;
  mailKind: string | null;
}

export interface ConsentHistoryEntry {
  seq: number;
  at: string;
  action: ConsentStoryAction;
  summary: string;
  actorId: string | null;
  actorName: string | null;
  status: ConsentStatus | null;
  /** The stage decided at, submitted to or reminded of. */
  stage: ConsentStage | null;
  revision: number | null;
  contentSha256: string | null;
  outcome: Outcome | null;
  comment: string | null;
  answer: Answer | null;
  recipients: string[] | null;
}

export function consentStoryOf(trail: readonly ConsentTrailFacts[]): ConsentHistoryEntry[] {
  return trail.map((f) => {
    const { seq, at, action, actorId, actorName, status, revision, contentSha256, outcome, comment, answer, recipients } = f;
    return { seq, at, action, summary: summaryOf(f), actorId, actorName, status, stage: f.decidedStage ?? f.stage, revision, contentSha256, outcome, comment, answer, recipients };
  });
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function summaryOf(f: ConsentTrailFacts): string {
  const who = f.actorName ?? f.actorId;
  const recipients = f.recipientNames?.length ? listInWords(f.recipientNames) : 'no one';
  const at = (stage: ConsentStage | null) => (stage ? reviewOf(stage) : 'review');
  switch (f.action) {
    case 'consent.created':
      return `${who} created the request (revision ${f.revision}).`;
    case 'consent.revised':
      return `${who} saved revision ${f.revision}.`;
    case 'consent.submitted':
      return `${who} submitted revision ${f.revision} for ${at(f.stage)}.`;
    case 'consent.decided':
      if (f.outcome === 'approve' && f.status === 'REQUESTED') return `${who} approved sending revision ${f.revision} to the originating partner. Its answer is awaited.`;
      return `${who} ${DECISION_VERB[f.outcome ?? 'approve']} revision ${f.revision} at ${at(f.decidedStage)}.${afterDecision(f)}`;
    case 'consent.withdrawn':
      return `${who} withdrew the request (revision ${f.revision}).`;
    case 'consent.reminder_sent':
      return `${capitalised(at(f.stage))} is overdue: reminder sent to ${recipients}.`;
    case 'consent.escalated':
      return `${capitalised(at(f.stage))} is overdue and was escalated to ${recipients}.`;
    case 'consent.answer_overdue':
      return `The partner’s answer is due and has not been recorded: reminder sent to ${recipients}.`;
    case 'consent.answer_reminder_sent':
      return `Still no answer recorded: reminder sent to ${recipients}.`;
    case 'consent.lapsed':
      return `No answer was recorded in time: the request lapsed${f.recipientNames?.length ? `, and ${recipients} was told` : ''}.`;
    case 'consent.answer_recorded':
      return `${who} recorded the partner’s answer: ${f.answer ? ANSWER_NAME[f.answer].toLowerCase() : 'an answer'}.`;
    case 'consent.mail_failed':
      return `Mail to ${recipients} (${(f.mailKind ?? 'a notification').replace(/^consent_/, '').replaceAll('_', ' ')}) could not be delivered.`;
  }
}

/** What a decision led to, where it moved the request. */
function afterDecision(f: ConsentTrailFacts): string {
  if (f.status === 'REJECTED') return ' The request is rejected.';
  if (f.status === 'DRAFT') return ' The request is back with its drafter.';
  if (f.status === 'IN_REVIEW' && f.stage && f.stage !== f.decidedStage) return ` ${capitalised(reviewOf(f.stage))} is open.`;
  return '';
}

/** The choices of a decision at a stage, in the stage's words: the head of service's approval sends the request. */
export function consentOutcomes(stage: ConsentStage): [Outcome, string][] {
  return [
    ['approve', stage === 'HEAD_OF_SERVICE' ? 'Approve sending the request to the originating partner' : 'Approve'],
    ['request_changes', 'Request changes (back to the drafter)'],
    ['reject', 'Reject'],
  ];
}

/** What happens after a decision, as far as the request's new state says: who is asked, or who is told. */
export function afterConsentDecision(status: ConsentStatus): string {
  switch (status) {
    case 'IN_REVIEW':
      return 'The head of service has been asked to decide.';
    case 'REQUESTED':
      return 'The request may now go to the originating partner: its drafter has been told to send it and to record the answer.';
    case 'DRAFT':
      return 'The request is back in draft. Its drafter has been told.';
    default:
      return 'Its drafter has been told.';
  }
}
