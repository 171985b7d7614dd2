import type { Sql } from './client';

/** Actions that make up a note's story (content reads are audited but are no part of it). */
const STORY = ['note.created', 'note.submitted', 'note.revised', 'note.decided', 'note.withdrawn', 'note.reminder_sent', 'note.escalated', 'note.review_reminder_sent', 'note.reassessment_started', 'note.reassessment_ended', 'note.superseded', 'note.mail_failed'];

export interface HistoryRow {
  seq: number;
  at: string;
  action: string;
  actorId: string | null;
  status: string | null;
  stage: string | null;
  revision: number | null;
  contentSha256: string | null;
  outcome: string | null;
  comment: string | null;
  recipients: string[] | null;
}

/** Every revision, decision, reminder and escalation of a note, in order, from the audit trail. */
export async function noteHistory(sql: Sql, noteId: string): Promise<HistoryRow[]> {
  const rows = await sql<(Omit<HistoryRow, 'seq' | 'at'> & { seq: string; at: Date })[]>`
    select a.seq, a.at, a.action, a.actor_id,
           a.details->>'status' as status,
           coalesce(a.details->>'decidedStage', a.details->>'stage') as stage,
           (a.details->>'revision')::int as revision,
           a.details->>'contentSha256' as content_sha256,
           a.details->>'outcome' as outcome,
           c.body as comment,
           (select array_agg(r) from jsonb_array_elements_text(a.details->'recipients') r) as recipients
    from audit_log a
    left join comments c on c.id::text = coalesce(a.details->>'decisionId', a.details->>'ref')
    where a.note_id = ${noteId} and a.action in ${sql(STORY)}
    order by a.seq`;
  return rows.map((row) => ({ ...row, seq: Number(row.seq), at: row.at.toISOString() }));
}
