import { join } from 'node:path';
import { Eta } from 'eta';
import type { ConsentStage } from '../domain/consent';
import type { Stage } from '../domain/pipeline';
import { conditionRef, consentRef, noteRef, STAGE_NAME, utcMinute } from '../domain/wording';

/**
 * The emails, plain text and HTML. Need to know: they name a note only by its opaque reference,
 * the stage and the due time, never the partner, country, risk or any content (DOMAIN.md).
 */
/** A consent request's mail: to its reviewers (with a personal link), and to its drafter on a decision and about the answer. */
export const CONSENT_MAIL_KINDS = [
  'consent_review_requested',
  'consent_reminder',
  'consent_escalation',
  'consent_changes_requested',
  'consent_rejected',
  'consent_approved',
  'consent_answer_due',
  'consent_answer_reminder',
  'consent_lapsed',
] as const;
export type ConsentMailKind = (typeof CONSENT_MAIL_KINDS)[number];
export const isConsentMailKind = (kind: MailKind): kind is ConsentMailKind => (CONSENT_MAIL_KINDS as readonly string[]).includes(kind);

export const MAIL_KINDS = [
  'review_requested',
  'reminder',
  'escalation',
  'changes_requested',
  'rejected',
  'adopted',
  'review_due_soon',
  'new_review_link',
  'condition_assigned',
  'condition_due',
  'condition_reminder',
  'condition_escalated',
  ...CONSENT_MAIL_KINDS,
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface MailFacts {
  /** The note's id: in the path of the link to its page only; the text names the note by its reference. */
  noteId: string;
  stage: Stage | null;
  /** The open stage's due time, for the mail about a stage. */
  dueAt: string | null;
  /** A personal review link, for those asked to decide. */
  link: string | null;
  /** The application's base URL (PUBLIC_BASE_URL). */
  baseUrl: string;
  /** The condition of the note a condition's mail is about: named by its number, linked by its id. */
  condition?: { id: string; position: number } | null;
}

export interface Mail {
  subject: string;
  text: string;
  html: string;
}

/** The facts as the wording reads them: with the note's reference. */
type Told = MailFacts & { ref: string };

/** A stage as a sentence names it; a due time, or that none is set. */
const stage = (f: { stage: Stage | null }) => STAGE_NAME[f.stage!].toLowerCase();
const day = (iso: string | null) => (iso ? utcMinute(iso) : 'not set');
/** A condition as a sentence names it: `WN-1A2B3C4D condition 2`; never its text. */
const condition = (f: Told) => conditionRef(f.noteId, f.condition!.position);
const CLOSE_IT = 'Close it in the application with the evidence that it is met.';
const views = new Eta({ views: join(__dirname, 'mail'), cache: true });
const FOOTER = 'This message carries no content of the note; open it only on an accredited workstation.';

type Wording = { subject: string; lines: string[] };

/**
 * What the mail of a review says, of a note and of a consent request alike (`what` names which, as a
 * sentence does): asked to decide, reminded, escalated, sent back, rejected.
 */
function reviewWording(what: string) {
  const What = what[0]!.toUpperCase() + what.slice(1);
  type Facts = { ref: string; stage: Stage | null; dueAt: string | null };
  return {
    requested: (f: Facts): Wording => ({
      subject: `Review requested: ${what} ${f.ref} (${stage(f)})`,
      lines: [`${What} ${f.ref} awaits your decision at the ${stage(f)} stage.`, `Due: ${day(f.dueAt)}.`],
    }),
    reminder: (f: Facts): Wording => ({
      subject: `Reminder: ${what} ${f.ref} is overdue (${stage(f)})`,
      lines: [`${What} ${f.ref} still awaits your decision at the ${stage(f)} stage.`, `It was due ${day(f.dueAt)}.`],
    }),
    escalation: (f: Facts): Wording => ({
      subject: `Escalation: ${what} ${f.ref} is overdue at ${stage(f)}`,
      lines: [`The ${stage(f)} stage of ${what} ${f.ref} was due ${day(f.dueAt)} and has had its reminders.`, 'It is escalated to you.'],
    }),
    changesRequested: (f: Facts): Wording => ({
      subject: `Changes requested: ${what} ${f.ref}`,
      lines: [`A reviewer has asked for changes to ${what} ${f.ref}; it is back in draft.`],
    }),
    rejected: (f: Facts): Wording => ({ subject: `Rejected: ${what} ${f.ref}`, lines: [`${What} ${f.ref} has been rejected.`] }),
  };
}
const NOTE_REVIEW = reviewWording('weighing note');
const CONSENT_REVIEW = reviewWording('consent request');

/** What each kind says: a subject line and the paragraphs of its body. */
const WORDING: Record<Exclude<MailKind, ConsentMailKind>, (f: Told) => Wording> = {
  review_requested: NOTE_REVIEW.requested,
  reminder: NOTE_REVIEW.reminder,
  escalation: NOTE_REVIEW.escalation,
  changes_requested: NOTE_REVIEW.changesRequested,
  rejected: NOTE_REVIEW.rejected,
  // The review date is the note's content: the drafter reads it in the application, not in mail.
  adopted: (f) => ({ subject: `Adopted: weighing note ${f.ref}`, lines: [`Weighing note ${f.ref} has been adopted and is now in force.`] }),
  review_due_soon: (f) => ({
    subject: `Re-assessment due: weighing note ${f.ref}`,
    lines: [`Weighing note ${f.ref} nears its review date. Please start its re-assessment.`],
  }),
  // Asked for on the page of an expired link.
  new_review_link: (f) => ({
    subject: `New review link: weighing note ${f.ref} (${stage(f)})`,
    lines: [`Here is the new link you asked for. Weighing note ${f.ref} awaits your decision at the ${stage(f)} stage.`, `Due: ${day(f.dueAt)}.`],
  }),
  // A condition of an adopted note: its owner is told when it becomes theirs, when it falls due and
  // after; the escalation role once it has had its reminders. The number names it, never its text.
  condition_assigned: (f) => ({
    subject: `Condition assigned: ${condition(f)}`,
    lines: [`Condition ${f.condition!.position} of weighing note ${f.ref} is yours to see to.`, `Due: ${day(f.dueAt)}.`, CLOSE_IT],
  }),
  condition_due: (f) => ({
    subject: `Condition due: ${condition(f)}`,
    lines: [`Condition ${f.condition!.position} of weighing note ${f.ref} fell due ${day(f.dueAt)}.`, CLOSE_IT],
  }),
  condition_reminder: (f) => ({
    subject: `Reminder: ${condition(f)} is overdue`,
    lines: [`Condition ${f.condition!.position} of weighing note ${f.ref} is still open; it was due ${day(f.dueAt)}.`, CLOSE_IT],
  }),
  condition_escalated: (f) => ({
    subject: `Escalation: ${condition(f)} is overdue`,
    lines: [`Condition ${f.condition!.position} of weighing note ${f.ref} was due ${day(f.dueAt)} and has had its reminders.`, 'It is escalated to you.'],
  }),
};

/** A consent request's mail: named by its reference (`TP-…`), never by partner, recipient, information or text. */
export interface ConsentMailFacts {
  consentId: string;
  stage: ConsentStage | null;
  /** The open stage's due time, or the answer's. */
  dueAt: string | null;
  link: string | null;
  baseUrl: string;
}
type ConsentTold = ConsentMailFacts & { ref: string };

const SEND_AND_RECORD = 'Send it, and record the partner’s answer in the application once it comes.';
const CONSENT_WORDING: Record<ConsentMailKind, (f: ConsentTold) => Wording> = {
  consent_review_requested: CONSENT_REVIEW.requested,
  consent_reminder: CONSENT_REVIEW.reminder,
  consent_escalation: CONSENT_REVIEW.escalation,
  consent_changes_requested: CONSENT_REVIEW.changesRequested,
  consent_rejected: CONSENT_REVIEW.rejected,
  consent_approved: (f) => ({
    subject: `Approved for sending: consent request ${f.ref}`,
    lines: [`The head of service has approved sending consent request ${f.ref} to the originating partner.`, SEND_AND_RECORD, `The answer is due ${day(f.dueAt)}.`],
  }),
  consent_answer_due: (f) => ({
    subject: `Answer due: consent request ${f.ref}`,
    lines: [`The partner’s answer to consent request ${f.ref} was due ${day(f.dueAt)} and has not been recorded.`, 'Record it in the application once it comes, or chase it.'],
  }),
  consent_answer_reminder: (f) => ({
    subject: `Reminder: no answer to consent request ${f.ref}`,
    lines: [`No answer to consent request ${f.ref} has been recorded; it was due ${day(f.dueAt)}.`, 'Without an answer the request lapses.'],
  }),
  consent_lapsed: (f) => ({
    subject: `Lapsed: consent request ${f.ref}`,
    lines: [`No answer to consent request ${f.ref} was recorded in time: it has lapsed, and gives no consent.`],
  }),
};

/** A message of the lines, its one action, and the footer, as text and as HTML. */
function compose(subject: string, lines: string[], action: { label: string; href: string }, footer: string): Mail {
  const text = [...lines, '', `${action.label}: ${action.href}`, '', footer].join('\n');
  return { subject, text, html: views.render('notification', { lines, action, footer }) };
}

export function renderConsentMail(kind: ConsentMailKind, facts: ConsentMailFacts): Mail {
  const { subject, lines } = CONSENT_WORDING[kind]({ ...facts, ref: consentRef(facts.consentId) });
  const action = facts.link ? { label: 'Read the request and decide', href: facts.link } : { label: 'Sign in to read it', href: `${facts.baseUrl}/app/consents/${facts.consentId}` };
  return compose(subject, lines, action, 'This message carries no content of the request; open it only on an accredited workstation.');
}

export function renderMail(kind: Exclude<MailKind, ConsentMailKind>, facts: MailFacts): Mail {
  const { subject, lines } = WORDING[kind]({ ...facts, ref: noteRef(facts.noteId) });
  const action = facts.link
    ? { label: 'Read the note and decide', href: facts.link }
    : facts.condition
      ? { label: 'Sign in to open the condition', href: `${facts.baseUrl}/app/conditions/${facts.condition.id}` }
      : { label: 'Sign in to read it', href: `${facts.baseUrl}/app/notes/${facts.noteId}` };
  return compose(subject, lines, action, FOOTER);
}
