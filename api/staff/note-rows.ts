import type { Sql } from '../../db/client';
import { type NoteSummary, partnersOfNotes } from '../../db/notes';
import type { ReadGrant } from '../../domain/need-to-know';
import { dayInWords, noteRef, STAGE_NAME, STATUS_NAME, utcMinute } from '../../domain/wording';
import { STAFF_PREFIX } from './render';

/** The staff pages' address of a note's page. */
export const notePath = (id: string) => `${STAFF_PREFIX}/notes/${id}`;

/** Whether a note's open stage is past its due time. */
export const stageOverdue = (note: Pick<NoteSummary, 'status' | 'stageDueAt'>, now = Date.now()) =>
  note.status === 'IN_REVIEW' && note.stageDueAt !== null && Date.parse(note.stageDueAt) < now;

/** The partners of the notes this person may read, as people name them (`name, country`), by id. */
export async function partnerNames(sql: Sql, grant: ReadGrant): Promise<Map<string, string>> {
  return new Map((await partnersOfNotes(sql, grant)).map((partner) => [partner.id, `${partner.name}, ${partner.country}`]));
}

/** A note as a row of a table on the staff pages: its reference, its partner, and where it stands, in words. */
export function noteRow(note: NoteSummary, partners: Map<string, string>, now = Date.now()) {
  return {
    href: notePath(note.id),
    ref: noteRef(note.id),
    partner: partners.get(note.partnerId) ?? '—',
    status: STATUS_NAME[note.status],
    stage: note.stage ? STAGE_NAME[note.stage] : null,
    revision: note.revision,
    due: note.stageDueAt ? utcMinute(note.stageDueAt) : null,
    overdue: stageOverdue(note, now),
    reviewDue: note.reviewDueAt ? dayInWords(note.reviewDueAt) : null,
    reviewOverdue: note.reviewOverdue,
    reassessment: note.reassessment ? { href: notePath(note.reassessment), ref: noteRef(note.reassessment) } : null,
    updated: utcMinute(note.updatedAt),
  };
}
export type NoteRow = ReturnType<typeof noteRow>;
