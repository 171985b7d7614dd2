import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import type { NoteContent } from '../domain/note-content';
import type { NoteState, NoteStatus, Outcome, Stage } from '../domain/pipeline';
import type { Sql, Tx } from './client';

export function contentSha256(content: NoteContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface NewNote {
  id: string;
  partnerId: string;
  drafterId: string;
  content: NoteContent;
  contentSha256: string;
}

/** A new note in DRAFT with its first revision. */
export async function insertNote(tx: Tx, note: NewNote): Promise<void> {
  await tx`
    insert into notes (id, partner_id, drafter_id, status, stage, current_revision)
    values (${note.id}, ${note.partnerId}, ${note.drafterId}, 'DRAFT', null, 1)`;
  await tx`
    insert into note_revisions (note_id, revision, content, content_sha256, author_id)
    values (${note.id}, 1, ${tx.json(note.content as never)}, ${note.contentSha256}, ${note.drafterId})`;
}

/** Writes the workflow's state into the read model unless a newer projection got there first. */
export async function projectState(tx: Tx, state: NoteState): Promise<void> {
  await tx`
    update notes set status = ${state.status}, stage = ${state.stage}, current_revision = ${state.revision},
                     version = ${state.version}, updated_at = now()
    where id = ${state.noteId} and version < ${state.version}`;
}

export interface DecisionRow {
  id: string;
  noteId: string;
  stage: Stage;
  revision: number;
  actorId: string;
  outcome: Outcome;
  contentSha256: string;
  decidedAt: Date;
}

export async function insertDecision(tx: Tx, d: DecisionRow): Promise<void> {
  await tx`
    insert into decisions (id, note_id, stage, revision, actor_id, outcome, content_sha256, decided_at)
    values (${d.id}, ${d.noteId}, ${d.stage}, ${d.revision}, ${d.actorId}, ${d.outcome}, ${d.contentSha256}, ${d.decidedAt})
    on conflict (id) do nothing`;
}

/** A decision's comment is kept before the workflow accepts the decision, and dropped if it refuses. */
export async function stageComment(sql: Sql, decisionId: string, body: string): Promise<void> {
  await sql`insert into decision_comments (decision_id, body) values (${decisionId}, ${body})`;
}

export async function dropStagedComment(sql: Sql, decisionId: string): Promise<void> {
  await sql`delete from decision_comments where decision_id = ${decisionId}`;
}

export interface NoteView {
  id: string;
  partnerId: string;
  drafterId: string;
  status: NoteStatus;
  stage: Stage | null;
  revision: number;
  contentSha256: string;
  content: NoteContent;
  approvals: { actorId: string; stage: Stage; decidedAt: string }[];
  createdAt: string;
  updatedAt: string;
}

export async function findNote(sql: Sql, id: string): Promise<NoteView | undefined> {
  const [note] = await sql`
    select n.id, n.partner_id, n.drafter_id, n.status, n.stage, n.current_revision as revision,
           r.content, r.content_sha256, n.created_at, n.updated_at
    from notes n join note_revisions r on r.note_id = n.id and r.revision = n.current_revision
    where n.id = ${id}`;
  if (!note) return undefined;
  const approvals = await sql<{ actorId: string; stage: Stage; decidedAt: Date }[]>`
    select actor_id, stage, decided_at from decisions
    where note_id = ${id} and revision = ${note.revision} and outcome = 'approve' order by decided_at`;
  return {
    id: note.id,
    partnerId: note.partnerId,
    drafterId: note.drafterId,
    status: note.status,
    stage: note.stage,
    revision: note.revision,
    contentSha256: note.contentSha256,
    content: note.content,
    approvals: approvals.map((a) => ({ ...a, decidedAt: a.decidedAt.toISOString() })),
    createdAt: note.createdAt.toISOString(),
    updatedAt: note.updatedAt.toISOString(),
  };
}
