import type { NoteView } from '../db/notes';
import { CRITERIA, type NoteContent } from '../domain/note-content';
import { CRITERION_NAME, noteRef, STAGE_NAME, utcMinute } from '../domain/wording';
import type { Partner } from '../domain/partner';
import type { Outcome, Stage } from '../domain/pipeline';
import { renderPage } from './pages';

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
  /** The revision this reviewer last saw, and the fields changed since; null when this is the first look. */
  changes: { since: number; fields: string[] } | null;
  /** Set when a submitted form was refused, to show beside the form. */
  error?: string;
  outcome?: string;
  comment?: string;
}

export function reviewPage(m: ReviewPageModel): string {
  const { note, partner } = m;
  const c = note.content;
  const changed = (path: string) => m.changes?.fields.some((f) => f === path || f.startsWith(`${path}.`)) ?? false;
  const plain = (label: string, path: keyof NoteContent, text: string) => ({ criterion: false, label, changed: changed(path), text: text || '—' });
  return renderPage('review', {
    // The title lands in browser history: it names the note by its reference only.
    title: `Review ${noteRef(note.id)}`,
    error: m.error,
    reviewerName: m.reviewerName,
    stageName: STAGE_NAME[m.stage],
    revision: note.revision,
    shortHash: note.contentSha256.slice(0, 12),
    due: note.stageDueAt ? utcMinute(note.stageDueAt) : '—',
    approvals: note.approvals.filter((a) => a.stage === m.stage).map((a) => a.actorId),
    quorum: m.quorum,
    classification: c.classification ?? '—',
    changes: m.changes,
    partner: `${partner.name}, ${partner.country} — ${partner.kind}, ${partner.relationship}, SRM priority ${partner.srmPriority}`,
    fields: [
      plain('National-security interest', 'nationalSecurityInterest', c.nationalSecurityInterest),
      ...CRITERIA.map((key) => {
        const a = c.criteria[key];
        return { criterion: true, key, label: CRITERION_NAME[key], changed: changed(`criteria.${key}`), rating: a.rating ?? 'not rated', text: a.findings || '—', sources: a.sources, mitigations: a.mitigations };
      }),
      plain('Overall risk', 'overallRisk', c.overallRisk ?? 'not rated'),
      plain('Weighing', 'weighing', c.weighing),
      plain('Mitigating measures and conditions', 'mitigations', c.mitigations),
      plain('Permitted forms of cooperation', 'permittedCooperation', c.permittedCooperation.join(', ').replaceAll('_', ' ')),
      plain('Review date', 'reviewDate', c.reviewDate ?? 'two years after adoption'),
    ],
    outcomes: OUTCOMES.map(([value, label]) => ({ value, label, checked: m.outcome === value })),
    comment: m.comment ?? '',
  });
}

/** Field paths whose values differ between two revisions' content. */
export function changedFields(before: unknown, after: unknown, path = ''): string[] {
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedFields((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}
