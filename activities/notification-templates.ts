import type { Stage } from '../domain/pipeline';

/**
 * The emails, plain text and HTML. Need to know: they name a note only by its opaque reference,
 * the stage and the due time, never the partner, country, risk or any content (DOMAIN.md).
 */
export const MAIL_KINDS = ['review_requested', 'reminder', 'escalation', 'changes_requested', 'rejected', 'adopted', 'review_due_soon'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface MailFacts {
  ref: string;
  stage: Stage | null;
  dueAt: string | null;
  /** A personal review link, for those asked to decide. */
  link: string | null;
  /** The API's base URL, where the note can be read by those allowed. */
  baseUrl: string;
}

export interface Mail {
  subject: string;
  text: string;
  html: string;
}

const STAGE_NAME: Record<Stage, string> = {
  TEAM_REVIEW: 'team review',
  LEGAL_REVIEW: 'legal review',
  HEAD_OF_SERVICE: 'head of service',
  MINISTER: 'minister',
};

const day = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'not set');
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What each kind says: a subject line and the paragraphs of its body. */
const WORDING: Record<MailKind, (f: MailFacts) => { subject: string; lines: string[] }> = {
  review_requested: (f) => ({
    subject: `Review requested: weighing note ${f.ref} (${STAGE_NAME[f.stage!]})`,
    lines: [`Weighing note ${f.ref} awaits your decision at the ${STAGE_NAME[f.stage!]} stage.`, `Due: ${day(f.dueAt)}.`],
  }),
  reminder: (f) => ({
    subject: `Reminder: weighing note ${f.ref} is overdue (${STAGE_NAME[f.stage!]})`,
    lines: [`Weighing note ${f.ref} still awaits your decision at the ${STAGE_NAME[f.stage!]} stage.`, `It was due ${day(f.dueAt)}.`],
  }),
  escalation: (f) => ({
    subject: `Escalation: weighing note ${f.ref} is overdue at ${STAGE_NAME[f.stage!]}`,
    lines: [`The ${STAGE_NAME[f.stage!]} stage of weighing note ${f.ref} was due ${day(f.dueAt)} and has had its reminders.`, 'It is escalated to you.'],
  }),
  changes_requested: (f) => ({
    subject: `Changes requested: weighing note ${f.ref}`,
    lines: [`A reviewer has asked for changes to weighing note ${f.ref}; it is back in draft.`],
  }),
  rejected: (f) => ({ subject: `Rejected: weighing note ${f.ref}`, lines: [`Weighing note ${f.ref} has been rejected.`] }),
  adopted: (f) => ({ subject: `Adopted: weighing note ${f.ref}`, lines: [`Weighing note ${f.ref} has been adopted and is now in force.`, `Review date: ${day(f.dueAt)}.`] }),
  review_due_soon: (f) => ({
    subject: `Re-assessment due: weighing note ${f.ref}`,
    lines: [`Weighing note ${f.ref} reaches its review date ${day(f.dueAt)}. Please start its re-assessment.`],
  }),
};

export function renderMail(kind: MailKind, facts: MailFacts): Mail {
  const { subject, lines } = WORDING[kind](facts);
  const action = facts.link ? `Read the note and decide: ${facts.link}` : `Sign in to read it: ${facts.baseUrl}/docs`;
  const text = [...lines, '', action, '', 'This message carries no content of the note; open it only on an accredited workstation.'].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">
${lines.map((line) => `<p>${escape(line)}</p>`).join('\n')}
<p>${facts.link ? `<a href="${escape(facts.link)}">Read the note and decide</a>` : `<a href="${escape(facts.baseUrl)}/docs">Sign in to read it</a>`}</p>
<p style="color: #555; font-size: 0.9em">This message carries no content of the note; open it only on an accredited workstation.</p>
</body></html>`;
  return { subject, text, html };
}

/** The reference a person can quote: stable, short, and telling nothing about the partner. */
export const noteRef = (noteId: string) => `WN-${noteId.slice(0, 8).toUpperCase()}`;
