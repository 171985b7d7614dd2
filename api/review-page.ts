import type { NoteView } from '../db/notes';
import { CRITERIA, type NoteContent } from '../domain/note-content';
import type { Partner } from '../domain/partner';
import type { NoteStatus, Outcome, Stage } from '../domain/pipeline';
import {
  CLASSIFICATION_NAME,
  COOPERATION_FORM_NAME,
  CRITERION_NAME,
  dayInWords,
  listInWords,
  momentInWords,
  noteRef,
  PARTNER_KIND_NAME,
  relationshipsInWords,
  reviewOf,
  RISK_NAME,
  srmPriorityName,
  STAGE_DECIDER,
  STAGE_NAME,
  STATUS_NAME,
} from '../domain/wording';
import { renderPage } from './pages';
import type { FieldDiff } from './staff/revision-diff';

/** The page of a personal review link: the note as the reviewer must weigh it, and the form to decide. */

const OUTCOMES: [Outcome, string][] = [
  ['approve', 'Approve'],
  ['request_changes', 'Request changes (back to the drafter)'],
  ['reject', 'Reject'],
];

export interface ReviewPageModel {
  note: NoteView;
  partner: Partner;
  reviewerName: string;
  stage: Stage;
  quorum: number;
  /** When a note without a review date is reviewed, in words (`cadenceInWords`). */
  cadence: string;
  /** The revision this reviewer last saw, and each field changed since; null when this is the first look. */
  changes: { since: number; fields: FieldDiff[] } | null;
  /** Set when a submitted form was refused, to show beside the form. */
  error?: string;
  outcome?: string;
  comment?: string;
}

const rating = (value: NoteContent['overallRisk']) => (value ? RISK_NAME[value] : 'Not rated');
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function reviewPage(m: ReviewPageModel): string {
  const { note, partner } = m;
  const c = note.content;
  const changed = (path: string) => m.changes?.fields.some((f) => f.path === path || f.path.startsWith(`${path}.`)) ?? false;
  const plain = (label: string, path: keyof NoteContent, text: string) => ({ criterion: false, label, changed: changed(path), text: text || '—' });
  const forms = listInWords(c.permittedCooperation.map((form) => COOPERATION_FORM_NAME[form]));
  return renderPage('review', {
    // The title lands in browser history: it names the note by its reference only.
    title: `Review ${noteRef(note.id)}`,
    ref: noteRef(note.id),
    error: m.error,
    reviewerName: m.reviewerName,
    stageName: STAGE_NAME[m.stage],
    revision: note.revision,
    shortHash: note.contentSha256.slice(0, 12),
    due: note.stageDueAt ? momentInWords(note.stageDueAt) : 'Not set',
    approvals: note.approvals.filter((a) => a.stage === m.stage).map((a) => a.actorName),
    quorum: m.quorum,
    classification: c.classification ? CLASSIFICATION_NAME[c.classification] : 'Not classified yet',
    // The banner above and below: what the page shows, a note not yet classified handled as Stg. Geheim.
    banner: CLASSIFICATION_NAME[c.classification ?? 'stg_geheim'],
    changes: m.changes,
    partner: [
      ['Service', partner.name],
      ['Country', partner.country],
      ['Kind', PARTNER_KIND_NAME[partner.kind]],
      ['Relationships', relationshipsInWords(partner.relationships)],
      ['SRM priority', srmPriorityName(partner.srmPriority)],
    ],
    fields: [
      plain('National-security interest', 'nationalSecurityInterest', c.nationalSecurityInterest),
      ...CRITERIA.map((key) => {
        const a = c.criteria[key];
        return { criterion: true, key, label: CRITERION_NAME[key], changed: changed(`criteria.${key}`), rating: rating(a.rating), text: a.findings || '—', sources: a.sources, mitigations: a.mitigations };
      }),
      plain('Overall risk', 'overallRisk', rating(c.overallRisk)),
      plain('Weighing', 'weighing', c.weighing),
      plain('Mitigating measures and conditions', 'mitigations', c.mitigations),
      plain('Permitted forms of cooperation', 'permittedCooperation', capital(forms)),
      plain('Review date', 'reviewDate', c.reviewDate ? dayInWords(c.reviewDate) : `None set: the note is reviewed ${m.cadence}`),
    ],
    outcomes: OUTCOMES.map(([value, label]) => ({ value, label, checked: m.outcome === value })),
    comment: m.comment ?? '',
  });
}

const DONE: Record<Outcome, string> = { approve: 'approved', reject: 'rejected', request_changes: 'requested changes to' };

export interface DecisionFacts {
  noteId: string;
  outcome: Outcome;
  revision: number;
  stage: Stage;
  at: Date;
}

/** A decision as its maker reads it: `You approved revision 2 of WN-1A2B3C4D at team review on 28 November 2026 at 21:55 UTC.` */
export function decisionSentence(d: DecisionFacts): string {
  return `You ${DONE[d.outcome]} revision ${d.revision} of ${noteRef(d.noteId)} at ${reviewOf(d.stage)} on ${momentInWords(d.at)}.`;
}

export interface NoteAfter {
  status: NoteStatus;
  stage: Stage | null;
  /** Approvals at the decided stage that count, and how many it needs. */
  approvals: number;
  quorum: number;
}

/** What happens next, as far as the note's new state says: who is asked, or who is told. */
export function whatNext(decidedAt: Stage, after: NoteAfter): string {
  if (after.status === 'IN_REVIEW' && after.stage !== decidedAt) return `${STAGE_DECIDER[after.stage!]} has been asked to decide.`;
  if (after.status === 'IN_REVIEW') {
    const left = after.quorum - after.approvals;
    return `${STAGE_NAME[decidedAt]} needs ${left === 1 ? 'one more approval' : `${left} more approvals`} before the note moves on.`;
  }
  if (after.status === 'ACTIVE') return 'The note is adopted and in force. The drafter has been told.';
  if (after.status === 'DRAFT') return 'The note is back in draft. The drafter has been told.';
  return after.status === 'REJECTED' ? 'The drafter has been told.' : `The note is now ${STATUS_NAME[after.status].toLowerCase()}.`;
}

/** Field paths whose values differ between two revisions' content. */
export function changedFields(before: unknown, after: unknown, path = ''): string[] {
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedFields((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}
