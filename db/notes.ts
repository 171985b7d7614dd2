import postgres from 'postgres';
import { canonicalSha256 } from '../domain/audit-chain';
import type { NoteContent, RiskRating } from '../domain/note-content';
import { isFinal, NOTE_STATUSES, type NoteStanding, type NoteState, type NoteStatus, type Outcome, type Stage } from '../domain/pipeline';
import type { ReadGrant } from '../domain/need-to-know';
import { type Approval, type DecisionFact, sortApprovals, type VoidedApproval } from '../domain/route-ahead';
import { appendAudit } from './audit';
import type { InTransaction, Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

/** The hash a revision's content is known by (and decided on), as the dossier recomputes it. */
export const contentSha256 = (content: NoteContent): string => canonicalSha256(content);

export interface NewNote {
  id: string;
  partnerId: string;
  drafterId: string;
  supersedes: string | null;
  content: NoteContent;
  contentSha256: string;
  /** Who wrote revision 1: its drafter, unless it copies another note's text (a re-assessment). */
  authorId?: string;
  /**
   * False while the API has yet to start its execution: the note exists for no one until then
   * (`markStarted`). A workflow creating a note starts it as part of the same step.
   */
  started?: boolean;
}

/** A new note in DRAFT with its first revision; idempotent by id (a retried activity inserts once). */
export async function insertNote(tx: Tx, note: NewNote): Promise<void> {
  const authorId = note.authorId ?? note.drafterId;
  await tx`
    insert into notes (id, partner_id, drafter_id, status, stage, current_revision, current_author_id, overall_risk, supersedes, started)
    values (${note.id}, ${note.partnerId}, ${note.drafterId}, 'DRAFT', null, 1, ${authorId}, ${note.content.overallRisk}, ${note.supersedes}, ${note.started ?? true})
    on conflict (id) do nothing`;
  await insertRevision(tx, { noteId: note.id, revision: 1, content: note.content, contentSha256: note.contentSha256, authorId, accepted: true });
}

/** A partner's current notes: in progress or ACTIVE. */
const CURRENT = NOTE_STATUSES.filter((status) => !isFinal(status));
/** The index that lets a partner have one current note (migration 008). */
const ONE_CURRENT_NOTE = 'notes_one_current_per_partner';

/**
 * The partner's current note, the one in progress first (a re-assessment runs beside the ACTIVE note
 * it re-assesses). A note whose execution has yet to start counts: it may be starting this moment.
 */
export async function currentNoteOf(sql: Sql, partnerId: string): Promise<{ id: string; started: boolean; ageMs: number } | undefined> {
  const [row] = await sql<{ id: string; started: boolean; ageMs: number }[]>`
    select id, started, extract(epoch from now() - created_at)::float8 * 1000 as age_ms from notes
    where partner_id = ${partnerId} and status in ${sql(CURRENT)}
    order by status = 'ACTIVE', created_at desc, id limit 1`;
  return row;
}

/** Whether an insert was refused because the partner has a current note already (one made at the same moment). */
export function isSecondCurrentNote(error: unknown): boolean {
  return error instanceof postgres.PostgresError && error.code === '23505' && error.constraint_name === ONE_CURRENT_NOTE;
}

/**
 * A note whose execution is known never to have started (its creating request heard no answer, and
 * none came): it was never anyone's note, and holds its partner's place no longer. A note marked
 * started meanwhile stays.
 */
export async function dropUnstartedNote(sql: Sql, id: string): Promise<void> {
  await sql.begin(async (tx) => {
    const [unstarted] = await tx`select 1 from notes where id = ${id} and not started for update`;
    if (!unstarted) return;
    await tx`delete from note_revisions where note_id = ${id}`;
    await tx`delete from notes where id = ${id}`;
  });
}

/**
 * The note's execution exists: the note exists for its readers from now on, and its creation is on
 * the record (once, however often this runs).
 */
export async function markStarted(tx: InTransaction, note: { id: string; drafterId: string; partnerId: string; contentSha256: string }): Promise<void> {
  await tx`update notes set started = true where id = ${note.id} and not started`;
  await appendAudit(tx, {
    eventKey: `note-${note.id}/created`,
    at: new Date(),
    actorId: note.drafterId,
    action: 'note.created',
    noteId: note.id,
    details: { revision: 1, contentSha256: note.contentSha256, partnerId: note.partnerId },
  });
}

export interface NewRevision {
  noteId: string;
  revision: number;
  content: NoteContent;
  contentSha256: string;
  authorId: string;
  /** False for a saved draft the workflow has yet to take: its projection accepts it. */
  accepted: boolean;
}

/** Every revision is kept whole; false when this very text was saved for that revision already. */
export async function insertRevision(tx: Tx, r: NewRevision): Promise<boolean> {
  const rows = await tx`
    insert into note_revisions (note_id, revision, content, content_sha256, author_id, accepted)
    values (${r.noteId}, ${r.revision}, ${tx.json(r.content as never)}, ${r.contentSha256}, ${r.authorId}, ${r.accepted})
    on conflict do nothing returning 1`;
  return rows.length === 1;
}

/** A saved draft the workflow refused: it was never the note's text. */
export async function dropPendingRevision(sql: Sql, noteId: string, revision: number, contentSha256: string): Promise<void> {
  await sql`delete from note_revisions where note_id = ${noteId} and revision = ${revision} and content_sha256 = ${contentSha256} and not accepted`;
}

/** An accepted revision of a note (pending drafts are nobody's text yet). */
export async function findRevision(sql: Tx, noteId: string, revision: number): Promise<{ content: NoteContent; contentSha256: string; authorId: string } | undefined> {
  const [row] = await sql<{ content: NoteContent; contentSha256: string; authorId: string }[]>`
    select content, content_sha256, author_id from note_revisions where note_id = ${noteId} and revision = ${revision} and accepted`;
  return row;
}

export interface RevisionEntry {
  revision: number;
  authorId: string;
  authorName: string;
  savedAt: string;
}

/** A note's accepted revisions, oldest first, with who wrote each and when (pending drafts are nobody's text yet). */
export async function listRevisions(sql: Sql, noteId: string): Promise<RevisionEntry[]> {
  const rows = await sql<{ revision: number; authorId: string; authorName: string; createdAt: Date }[]>`
    select r.revision, r.author_id, p.name as author_name, r.created_at from note_revisions r join people p on p.id = r.author_id
    where r.note_id = ${noteId} and r.accepted order by r.revision`;
  return rows.map(({ createdAt, ...row }) => ({ ...row, savedAt: createdAt.toISOString() }));
}

/** Writes the workflow's state into the read model unless a newer projection got there first. */
export async function projectState(tx: Tx, s: NoteState): Promise<void> {
  // Three statements that wait on no other's answer, sent together. Apart from the version check, as
  // both hold whatever order projections land in: the revision the workflow holds is accepted (it was
  // pending since it was saved), and a stage once reached stays reached.
  await Promise.all([
    tx`
      update notes set status = ${s.status}, stage = ${s.stage}, current_revision = ${s.current.revision}, current_author_id = ${s.current.authorId},
                       overall_risk = ${s.current.overallRisk}, stage_due_at = ${s.stageDueAt}, reminders_sent = ${s.remindersSent},
                       escalated = ${s.escalated}, adopted_at = ${s.adoptedAt}, review_due_at = ${s.reviewDueAt},
                       superseded_by = ${s.supersededBy}, reassessment = ${s.reassessment},
                       version = ${s.version}, updated_at = now()
      where id = ${s.noteId} and version < ${s.version}`,
    tx`update note_revisions set accepted = true
       where note_id = ${s.noteId} and revision = ${s.current.revision} and content_sha256 = ${s.current.contentSha256} and not accepted`,
    s.stage && tx`update notes set reached_stages = array_append(reached_stages, ${s.stage}::text) where id = ${s.noteId} and not (${s.stage}::text = any(reached_stages))`,
  ]);
}

/** The read grant of `domain/need-to-know` as a condition on `notes n`: the same rule, in SQL. */
export function readableBy(sql: Sql, grant: ReadGrant) {
  if (grant.everyNote) return sql`n.started`;
  const drafted = grant.draftedBy ? sql`n.drafter_id = ${grant.draftedBy}` : sql`false`;
  return sql`n.started and (${drafted} or n.reached_stages && ${grant.stages}::text[])`;
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

/**
 * Free text of a request is kept before the workflow accepts the request, and dropped if it refuses.
 * False when text under this id is being recorded already (the same request sent twice). Text staged
 * longer ago than `staleAfterMs` belongs to an attempt that never heard back (the caller checked that
 * no decision holds it): a new attempt takes its place.
 */
export async function stageComment(sql: Sql, id: string, body: string, staleAfterMs = 0): Promise<boolean> {
  const rows = await sql`
    insert into comments (id, body) values (${id}, ${body})
    on conflict (id) do update set body = excluded.body, created_at = now()
      where ${staleAfterMs > 0} and comments.created_at < now() - ${staleAfterMs} * interval '1 millisecond'
    returning 1`;
  return rows.length === 1;
}

export async function dropStagedComment(sql: Sql, id: string): Promise<void> {
  await sql`delete from comments where id = ${id}`;
}

const SUMMARY_COLUMNS = `n.id, n.partner_id, n.drafter_id, n.status, n.stage, n.reached_stages, n.current_revision as revision, n.overall_risk,
  n.stage_due_at, n.adopted_at, n.review_due_at, coalesce(n.status = 'ACTIVE' and n.review_due_at < now(), false) as review_overdue,
  n.supersedes, n.superseded_by, n.reassessment, n.created_at, n.updated_at`;

interface SummaryRow {
  id: string;
  partnerId: string;
  drafterId: string;
  status: NoteStatus;
  stage: Stage | null;
  reachedStages: Stage[];
  revision: number;
  overallRisk: RiskRating | null;
  stageDueAt: Date | null;
  adoptedAt: Date | null;
  reviewDueAt: Date | null;
  /** ACTIVE past its review date: its re-assessment is owed. */
  reviewOverdue: boolean;
  supersedes: string | null;
  supersededBy: string | null;
  reassessment: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toSummary(row: SummaryRow) {
  return {
    ...row,
    stageDueAt: iso(row.stageDueAt),
    adoptedAt: iso(row.adoptedAt),
    reviewDueAt: iso(row.reviewDueAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type NoteSummary = ReturnType<typeof toSummary>;

export interface NoteFilter extends PageRequest {
  status?: NoteStatus;
  stage?: Stage;
  partnerId?: string;
}

/** Notes this person may read (need to know), newest first. */
export async function listNotes(sql: Sql, f: NoteFilter, grant: ReadGrant): Promise<PageOf<NoteSummary>> {
  const page = await pageOf<SummaryRow>(
    sql,
    {
      select: sql.unsafe(SUMMARY_COLUMNS),
      from: () => sql`from notes n where ${readableBy(sql, grant)}
        ${f.status ? sql`and n.status = ${f.status}` : sql``}
        ${f.stage ? sql`and n.stage = ${f.stage}` : sql``}
        ${f.partnerId ? sql`and n.partner_id = ${f.partnerId}` : sql``}`,
      orderBy: sql`order by n.created_at desc, n.id`,
    },
    f,
  );
  return { ...page, items: page.items.map(toSummary) };
}

export type NoteView = NoteSummary & {
  /** False until its execution is known to exist (see `markStarted`). */
  started: boolean;
  contentSha256: string;
  content: NoteContent;
  revisionAuthorId: string;
  /** Approvals of the current revision: those that count. */
  approvals: Approval[];
  /** Approvals that count no more: of an older revision, or of one on which changes were requested. */
  voidedApprovals: VoidedApproval[];
  /** Mail that could not be delivered (a refused address): the approval went on without it. */
  undeliveredMail: { recipientId: string; kind: string; error: string | null }[];
};

/**
 * The note as the pipeline's rules of who may act read it. At an open stage on the current revision
 * the only decisions there can be are approvals (any other outcome closes the stage), and those of
 * the current revision are the ones that count.
 */
export function standingOf(note: NoteView): NoteStanding {
  const { drafterId, status, stage, revision, revisionAuthorId: authorId, reassessment } = note;
  const decidedBy = note.approvals.filter((approval) => approval.stage === stage).map((approval) => approval.actorId);
  return { drafterId, status, stage, revision, authorId, decidedBy, reassessment };
}

export async function findNote(sql: Sql, id: string): Promise<NoteView | undefined> {
  // Three reads asked at once: a note's page is read far more often than it is changed.
  const [[note], decisions, undeliveredMail] = await Promise.all([
    sql<(SummaryRow & { started: boolean; content: NoteContent; contentSha256: string; revisionAuthorId: string })[]>`
      select ${sql.unsafe(SUMMARY_COLUMNS)}, n.started, r.content, r.content_sha256, r.author_id as revision_author_id
      from notes n join note_revisions r on r.note_id = n.id and r.revision = n.current_revision and r.accepted
      where n.id = ${id}`,
    // Every approval, and the requests for changes that void some of them (`sortApprovals`).
    sql<(Omit<DecisionFact, 'decidedAt'> & { decidedAt: Date })[]>`
      select d.actor_id, p.name as actor_name, d.stage, d.revision, d.outcome, d.decided_at
      from decisions d join people p on p.id = d.actor_id
      where d.note_id = ${id} and d.outcome in ('approve', 'request_changes') order by d.decided_at, d.id`,
    sql<{ recipientId: string; kind: string; error: string | null }[]>`
      select recipient_id, kind, last_error as error from outbox where note_id = ${id} and status = 'failed' order by created_at, recipient_id`,
  ]);
  if (!note) return undefined;
  const { started, content, contentSha256, revisionAuthorId, ...summary } = note;
  return {
    ...toSummary(summary),
    started,
    contentSha256,
    content,
    revisionAuthorId,
    ...sortApprovals(
      decisions.map((d) => ({ ...d, decidedAt: d.decidedAt.toISOString() })),
      note.revision,
    ),
    undeliveredMail: [...undeliveredMail],
  };
}

/**
 * The author of the note's current revision: kept on the note (migration 012), else read from the
 * revision, for a note created or projected by a version from before it while both ran side by side.
 */
const currentAuthor = (sql: Sql) =>
  sql`coalesce(n.current_author_id, (select r.author_id from note_revisions r where r.note_id = n.id and r.revision = n.current_revision and r.accepted))`;

/**
 * The notes at whose open stage this person may decide now, among those they may read: the pipeline's
 * `deciderRefusal` in SQL (the stage's role, a revision they did not write, no decision of theirs on
 * it there yet). `grant.stages` must not be empty.
 */
function decidableBy(sql: Sql, actorId: string, grant: ReadGrant) {
  return sql`
    from notes n
    where n.status = 'IN_REVIEW' and n.stage in ${sql(grant.stages)} and ${currentAuthor(sql)} <> ${actorId} and ${readableBy(sql, grant)}
      and not exists (select 1 from decisions d where d.note_id = n.id and d.stage = n.stage
                      and d.revision = n.current_revision and d.actor_id = ${actorId})`;
}

/** The caller's inbox: the notes they may decide on now, oldest due first. */
export async function tasksFor(sql: Sql, actorId: string, grant: ReadGrant, page: PageRequest): Promise<PageOf<NoteSummary>> {
  if (!grant.stages.length) return { items: [], total: 0 };
  const tasks = await pageOf<SummaryRow>(
    sql,
    { select: sql.unsafe(SUMMARY_COLUMNS), from: () => decidableBy(sql, actorId, grant), orderBy: sql`order by n.stage_due_at nulls last, n.id` },
    page,
  );
  return { ...tasks, items: tasks.items.map(toSummary) };
}

/** How many notes the caller may decide on now at each stage they review, and how many of those are overdue. */
export async function taskCountsFor(sql: Sql, actorId: string, grant: ReadGrant): Promise<{ stage: Stage; open: number; overdue: number }[]> {
  if (!grant.stages.length) return [];
  const rows = await sql<{ stage: Stage; open: number; overdue: number }[]>`
    select n.stage, count(*)::int as open, count(*) filter (where n.stage_due_at < now())::int as overdue
    ${decidableBy(sql, actorId, grant)} group by n.stage`;
  return grant.stages.map((stage) => rows.find((row) => row.stage === stage) ?? { stage, open: 0, overdue: 0 });
}

/**
 * A drafter's notes in DRAFT, among those they may read: those sent back for changes (requested on
 * their latest revision, which must be revised before it can be submitted again) first, then the
 * most recently changed.
 */
export async function draftsOf(sql: Sql, drafterId: string, grant: ReadGrant, page: PageRequest): Promise<PageOf<NoteSummary & { changesRequested: boolean }>> {
  const drafts = await pageOf<SummaryRow & { changesRequested: boolean }>(
    sql,
    {
      select: sql`${sql.unsafe(SUMMARY_COLUMNS)}, exists (select 1 from decisions d where d.note_id = n.id and d.revision = n.current_revision
                                                           and d.outcome = 'request_changes') as changes_requested`,
      from: () => sql`from notes n where n.status = 'DRAFT' and n.drafter_id = ${drafterId} and ${readableBy(sql, grant)}`,
      orderBy: sql`order by changes_requested desc, n.updated_at desc, n.id`,
    },
    page,
  );
  return { ...drafts, items: drafts.items.map((row) => ({ ...toSummary(row), changesRequested: row.changesRequested })) };
}

/** A drafter's ACTIVE notes whose review date lies within `leadMs` from now or has passed, soonest first. */
export async function reviewsDueOf(sql: Sql, drafterId: string, grant: ReadGrant, leadMs: number, page: PageRequest): Promise<PageOf<NoteSummary>> {
  const due = await pageOf<SummaryRow>(
    sql,
    {
      select: sql.unsafe(SUMMARY_COLUMNS),
      from: () => sql`from notes n where n.status = 'ACTIVE' and n.drafter_id = ${drafterId} and ${readableBy(sql, grant)}
                        and n.review_due_at < now() + ${leadMs} * interval '1 millisecond'`,
      orderBy: sql`order by n.review_due_at, n.id`,
    },
    page,
  );
  return { ...due, items: due.items.map(toSummary) };
}

/** The partners of the notes this person may read, by name: staff may know which partner a note they read concerns. */
export async function partnersOfNotes(sql: Sql, grant: ReadGrant): Promise<{ id: string; name: string; country: string }[]> {
  const rows = await sql<{ id: string; name: string; country: string }[]>`
    select distinct p.id, p.name, p.country from notes n join partners p on p.id = n.partner_id
    where ${readableBy(sql, grant)} order by p.name, p.country, p.id`;
  return [...rows];
}

export async function findDecision(sql: Sql, id: string): Promise<{ outcome: Outcome; decidedAt: Date } | undefined> {
  const [row] = await sql<{ outcome: Outcome; decidedAt: Date }[]>`select outcome, decided_at from decisions where id = ${id}`;
  return row;
}

export async function hasDecided(sql: Tx, actorId: string, noteId: string, stage: Stage, revision: number): Promise<boolean> {
  const rows = await sql`select 1 from decisions where note_id = ${noteId} and actor_id = ${actorId} and stage = ${stage} and revision = ${revision}`;
  return rows.length > 0;
}
