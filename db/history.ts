import { type HistoryEntry, STORY_ACTIONS, storyOf, type TrailFacts } from '../domain/note-story';
import type { Sql } from './client';

/**
 * What the story of a note or a consent request reads of each entry of the audit trail `a`: its facts,
 * who acted (`p`), the comment or reason kept under the decision's or the request's id (`c`), and the
 * people mailed, by id and by name, in order (`r`).
 */
export const STORY_COLUMNS = `a.seq, a.at, a.action, a.actor_id, p.name as actor_name,
           a.details->>'status' as status,
           a.details->>'stage' as stage,
           a.details->>'decidedStage' as decided_stage,
           (a.details->>'revision')::int as revision,
           a.details->>'contentSha256' as content_sha256,
           a.details->>'outcome' as outcome,
           a.details->>'kind' as mail_kind,
           c.body as comment,
           r.ids as recipients,
           r.names as recipient_names`;
export const STORY_JOINS = `left join people p on p.id = a.actor_id
    left join comments c on c.id::text = coalesce(a.details->>'decisionId', a.details->>'ref')
    left join lateral (
      select array_agg(e.id order by e.n) as ids, array_agg(coalesce(rp.name, e.id) order by e.n) as names
      from jsonb_array_elements_text(a.details->'recipients') with ordinality e(id, n)
      left join people rp on rp.id = e.id
    ) r on true`;

/**
 * Every revision, decision, reminder and escalation of a note, its adoption and supersession, in
 * order, from the audit trail, each said in words (`domain/note-story`) with the names of the people.
 */
export async function noteHistory(sql: Sql, note: { id: string; supersedes: string | null }): Promise<HistoryEntry[]> {
  const rows = await sql<(Omit<TrailFacts, 'seq' | 'at'> & { seq: string; at: Date })[]>`
    select ${sql.unsafe(STORY_COLUMNS)},
           -- A re-assessment's own note is in its start's state; a superseding or ended one is the entry's ref.
           coalesce(a.details->>'reassessment', a.details->>'reassesses',
                    case when a.action in ('note.superseded', 'note.reassessment_ended') then a.details->>'ref' end) as related_note_id
    from audit_log a ${sql.unsafe(STORY_JOINS)}
    where a.note_id = ${note.id} and a.action in ${sql(STORY_ACTIONS)}
    order by a.seq`;
  return storyOf(
    rows.map((row) => ({ ...row, seq: Number(row.seq), at: row.at.toISOString() })),
    note,
  );
}
