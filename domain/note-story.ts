import type { NoteStatus, Outcome, Stage } from './pipeline';
import { listInWords, noteRef, reviewOf } from './wording';

/**
 * A note's history as a person reads it: each entry of the audit trail that makes up the note's story,
 * with a sentence saying what happened (who, what, which revision, at which stage) beside its fields,
 * and the adoption as an entry of its own. Pure: the read model hands in the trail's facts. The
 * sentences name people, stages, revisions and other notes by their reference, never content.
 */

/** What each transition of a note's workflow records in the audit trail (`activities/read-model`). */
export const TRANSITION_ACTIONS = [
  'note.submitted',
  'note.revised',
  'note.decided',
  'note.withdrawn',
  'note.reminder_sent',
  'note.escalated',
  'note.review_reminder_sent',
  'note.reassessment_started',
  'note.reassessment_ended',
  'note.superseded',
] as const;

/** Actions of the audit trail that make up a note's story (content reads are audited but are no part of it). */
export const STORY_ACTIONS = ['note.created', ...TRANSITION_ACTIONS, 'note.mail_failed'] as const;
export type StoryAction = (typeof STORY_ACTIONS)[number];
/** The adoption is no entry of the trail: the decision whose outcome left the note ACTIVE is it. */
export const HISTORY_ACTIONS = [...STORY_ACTIONS, 'note.adopted'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** One entry of the trail, as the read model reads it. */
export interface TrailFacts {
  seq: number;
  at: string;
  action: StoryAction;
  actorId: string | null;
  actorName: string | null;
  /** The note's status and stage after the entry. */
  status: NoteStatus | null;
  stage: Stage | null;
  /** The stage a decision was made at. */
  decidedStage: Stage | null;
  revision: number | null;
  contentSha256: string | null;
  outcome: Outcome | null;
  comment: string | null;
  recipients: string[] | null;
  recipientNames: string[] | null;
  /** The re-assessment started or ended, the note re-assessed, or the note that superseded this one. */
  relatedNoteId: string | null;
  /** What a mail that could not be delivered was about. */
  mailKind: string | null;
}

export interface HistoryEntry {
  /** The trail entry it comes from; an adoption shares its decision's. */
  seq: number;
  at: string;
  action: HistoryAction;
  summary: string;
  actorId: string | null;
  actorName: string | null;
  status: NoteStatus | null;
  /** The stage decided at, submitted to, reminded of or adopted after. */
  stage: Stage | null;
  revision: number | null;
  contentSha256: string | null;
  outcome: Outcome | null;
  comment: string | null;
  recipients: string[] | null;
  relatedNoteId: string | null;
}

/** The note's story in order; `supersedes` is the note it re-assesses, which its adoption supersedes. */
export function storyOf(trail: readonly TrailFacts[], note: { supersedes: string | null }): HistoryEntry[] {
  return trail.flatMap((facts) => {
    const entry = entryOf(facts);
    if (facts.action !== 'note.decided' || facts.status !== 'ACTIVE') return [entry];
    const adopted: HistoryEntry = {
      ...entry,
      action: 'note.adopted',
      summary: `The note was adopted at revision ${facts.revision} and is ACTIVE${note.supersedes ? `; it supersedes ${noteRef(note.supersedes)}` : ''}.`,
      actorId: null,
      actorName: null,
      outcome: null,
      comment: null,
      recipients: null,
      relatedNoteId: note.supersedes,
    };
    return [entry, adopted];
  });
}

function entryOf(f: TrailFacts): HistoryEntry {
  const { seq, at, action, actorId, actorName, status, revision, contentSha256, outcome, comment, recipients, relatedNoteId } = f;
  return { seq, at, action, summary: summaryOf(f), actorId, actorName, status, stage: f.decidedStage ?? f.stage, revision, contentSha256, outcome, comment, recipients, relatedNoteId };
}

/** What a decision did, as a sentence says it: `… approved revision 2`, `… requested changes to revision 2`. */
export const DECISION_VERB: Record<Outcome, string> = { approve: 'approved', reject: 'rejected', request_changes: 'requested changes to' };

function summaryOf(f: TrailFacts): string {
  const who = f.actorName ?? f.actorId;
  const related = f.relatedNoteId ? noteRef(f.relatedNoteId) : 'another note';
  const recipients = f.recipientNames?.length ? listInWords(f.recipientNames) : 'no one';
  const at = (stage: Stage | null) => (stage ? reviewOf(stage) : 'review');
  switch (f.action) {
    case 'note.created':
      if (f.relatedNoteId) return who ? `${who} started this note as the re-assessment of ${related}.` : `The review date of ${related} started this note as its re-assessment.`;
      return `${who} created the note (revision ${f.revision}).`;
    case 'note.submitted':
      return `${who} submitted revision ${f.revision} for ${at(f.stage)}.`;
    case 'note.revised':
      return `${who} saved revision ${f.revision}.`;
    case 'note.decided':
      return `${who} ${DECISION_VERB[f.outcome ?? 'approve']} revision ${f.revision} at ${at(f.decidedStage)}.${afterDecision(f)}`;
    case 'note.withdrawn':
      return `${who} withdrew the note (revision ${f.revision}).`;
    case 'note.reminder_sent':
      return `${capitalised(at(f.stage))} is overdue: reminder sent to ${recipients}.`;
    case 'note.escalated':
      return `${capitalised(at(f.stage))} is overdue and was escalated to ${recipients}.`;
    case 'note.review_reminder_sent':
      return `The review date is near: reminder to re-assess the note sent to ${recipients}.`;
    case 'note.reassessment_started':
      return who ? `${who} started the re-assessment ${related}.` : `The review date started the re-assessment ${related}.`;
    case 'note.reassessment_ended':
      return `The re-assessment ${related} ended without adoption; this note is due for review again.`;
    case 'note.superseded':
      return `Superseded by ${related}, its re-assessment, on that note’s adoption.`;
    case 'note.mail_failed':
      return `Mail to ${recipients} (${(f.mailKind ?? 'a notification').replaceAll('_', ' ')}) could not be delivered.`;
  }
}

/** What a decision led to, where it moved the note (an approval short of the quorum moves nothing). */
function afterDecision(f: TrailFacts): string {
  if (f.status === 'REJECTED') return ' The note is rejected.';
  if (f.status === 'DRAFT') return ' The note is back with its drafter.';
  if (f.status === 'IN_REVIEW' && f.stage && f.stage !== f.decidedStage) return ` ${capitalised(reviewOf(f.stage))} is open.`;
  return '';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
