import { join } from 'node:path';
import { Eta } from 'eta';
import type { Stage } from '../domain/pipeline';
import { noteRef, STAGE_NAME, utcMinute } from '../domain/wording';

/**
 * The emails, plain text and HTML. Need to know: they name a note only by its opaque reference,
 * the stage and the due time, never the partner, country, risk or any content (DOMAIN.md).
 */
export const MAIL_KINDS = ['review_requested', 'reminder', 'escalation', 'changes_requested', 'rejected', 'adopted', 'review_due_soon', 'new_review_link'] as const;
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
}

export interface Mail {
  subject: string;
  text: string;
  html: string;
}

/** The facts as the wording reads them: with the note's reference. */
type Told = MailFacts & { ref: string };

/** A stage as a sentence names it; a due time, or that none is set. */
const stage = (f: Told) => STAGE_NAME[f.stage!].toLowerCase();
const day = (iso: string | null) => (iso ? utcMinute(iso) : 'not set');
const views = new Eta({ views: join(__dirname, 'mail'), cache: true });
const FOOTER = 'This message carries no content of the note; open it only on an accredited workstation.';

/** What each kind says: a subject line and the paragraphs of its body. */
const WORDING: Record<MailKind, (f: Told) => { subject: string; lines: string[] }> = {
  review_requested: (f) => ({
    subject: `Review requested: weighing note ${f.ref} (${stage(f)})`,
    lines: [`Weighing note ${f.ref} awaits your decision at the ${stage(f)} stage.`, `Due: ${day(f.dueAt)}.`],
  }),
  reminder: (f) => ({
    subject: `Reminder: weighing note ${f.ref} is overdue (${stage(f)})`,
    lines: [`Weighing note ${f.ref} still awaits your decision at the ${stage(f)} stage.`, `It was due ${day(f.dueAt)}.`],
  }),
  escalation: (f) => ({
    subject: `Escalation: weighing note ${f.ref} is overdue at ${stage(f)}`,
    lines: [`The ${stage(f)} stage of weighing note ${f.ref} was due ${day(f.dueAt)} and has had its reminders.`, 'It is escalated to you.'],
  }),
  changes_requested: (f) => ({
    subject: `Changes requested: weighing note ${f.ref}`,
    lines: [`A reviewer has asked for changes to weighing note ${f.ref}; it is back in draft.`],
  }),
  rejected: (f) => ({ subject: `Rejected: weighing note ${f.ref}`, lines: [`Weighing note ${f.ref} has been rejected.`] }),
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
};

export function renderMail(kind: MailKind, facts: MailFacts): Mail {
  const { subject, lines } = WORDING[kind]({ ...facts, ref: noteRef(facts.noteId) });
  const action = facts.link ? { label: 'Read the note and decide', href: facts.link } : { label: 'Sign in to read it', href: `${facts.baseUrl}/app/notes/${facts.noteId}` };
  const text = [...lines, '', `${action.label}: ${action.href}`, '', FOOTER].join('\n');
  return { subject, text, html: views.render('notification', { lines, action, footer: FOOTER }) };
}
