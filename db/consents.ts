import { canonicalSha256 } from '../domain/audit-chain';
import { type Answer, type ConsentContent, type ConsentStage, type ConsentState, type ConsentStanding, type ConsentStatus, isOrganisation, type Recipient } from '../domain/consent';
import { type ConsentHistoryEntry, CONSENT_STORY_ACTIONS, type ConsentTrailFacts, consentStoryOf } from '../domain/consent-story';
import type { ReadGrant } from '../domain/need-to-know';
import type { CooperationForm } from '../domain/note-content';
import type { Outcome } from '../domain/pipeline';
import { appendAudit } from './audit';
import { STORY_COLUMNS, STORY_JOINS } from './history';
import type { InTransaction, Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

/**
 * The read model of consent requests (migration 010): kept by the workflow's activity
 * (`projectConsent`), read by the API and the pages. Content is in `consent_revisions`, never in the
 * workflow; the story is in the audit trail under `details.consentId`.
 */

/** The hash a revision's content is known by (and decided on), as the dossier recomputes it. */
export const consentSha256 = (content: ConsentContent): string => canonicalSha256(content);

/** A revision's recipient as its two columns hold it. */
const recipientColumns = (recipient: Recipient) => (isOrganisation(recipient) ? { partner: null, organisation: recipient } : { partner: recipient, organisation: null });

export interface NewConsentRevision {
  consentId: string;
  revision: number;
  content: ConsentContent;
  contentSha256: string;
  authorId: string;
  /** False for a saved draft the workflow has yet to take: its projection accepts it. */
  accepted: boolean;
}

/** Every revision is kept whole; false when this very text was saved for that revision already. */
export async function insertConsentRevision(tx: Tx, r: NewConsentRevision): Promise<boolean> {
  const { partner, organisation } = recipientColumns(r.content.recipient);
  const rows = await tx`
    insert into consent_revisions (consent_id, revision, recipient_partner_id, recipient_organisation, information_ref, cooperation_form, justification, content_sha256, author_id, accepted)
    values (${r.consentId}, ${r.revision}, ${partner}, ${organisation}, ${r.content.informationRef}, ${r.content.form}, ${r.content.justification}, ${r.contentSha256}, ${r.authorId}, ${r.accepted})
    on conflict do nothing returning 1`;
  return rows.length === 1;
}

/** A saved draft the workflow refused: it was never the request's text. */
export async function dropPendingConsentRevision(sql: Sql, consentId: string, revision: number, contentSha256: string): Promise<void> {
  await sql`delete from consent_revisions where consent_id = ${consentId} and revision = ${revision} and content_sha256 = ${contentSha256} and not accepted`;
}

/** A new request in DRAFT with its first revision, unstarted: it exists for no one until its execution does (`markConsentStarted`). */
export async function insertConsent(tx: Tx, c: { id: string; originatorId: string; drafterId: string; content: ConsentContent; contentSha256: string }): Promise<void> {
  await tx`
    insert into consent_requests (id, originator_id, drafter_id, status, current_revision, started)
    values (${c.id}, ${c.originatorId}, ${c.drafterId}, 'DRAFT', 1, false)`;
  await insertConsentRevision(tx, { consentId: c.id, revision: 1, content: c.content, contentSha256: c.contentSha256, authorId: c.drafterId, accepted: true });
}

/** The request's execution exists: the request exists for its readers, and its creation is on the record (once). */
export async function markConsentStarted(tx: InTransaction, c: { id: string; drafterId: string; originatorId: string; contentSha256: string }): Promise<void> {
  await tx`update consent_requests set started = true where id = ${c.id} and not started`;
  await appendAudit(tx, {
    eventKey: `consent-${c.id}/created`,
    at: new Date(),
    actorId: c.drafterId,
    action: 'consent.created',
    noteId: null,
    details: { consentId: c.id, revision: 1, contentSha256: c.contentSha256, originatorId: c.originatorId },
  });
}

/** Writes the workflow's state into the read model unless a newer projection got there first. */
export async function projectConsent(tx: Tx, s: ConsentState): Promise<void> {
  await tx`
    update consent_requests set status = ${s.status}, stage = ${s.stage}, current_revision = ${s.current.revision}, version = ${s.version},
                                stage_due_at = ${s.stageDueAt}, reminders_sent = ${s.remindersSent}, escalated = ${s.escalated},
                                requested_at = ${s.requestedAt}, answer_due_at = ${s.answerDueAt}, lapses_at = ${s.lapsesAt},
                                answer_reminders_sent = ${s.answerNudges}, answer_id = ${s.answerId}, updated_at = now()
    where id = ${s.consentId} and version < ${s.version}`;
  // Apart from the version check, as both hold whatever order projections land in (as for notes).
  await tx`update consent_revisions set accepted = true
           where consent_id = ${s.consentId} and revision = ${s.current.revision} and content_sha256 = ${s.current.contentSha256} and not accepted`;
  if (s.stage) await tx`update consent_requests set reached_stages = array_append(reached_stages, ${s.stage}::text) where id = ${s.consentId} and not (${s.stage}::text = any(reached_stages))`;
}

export interface ConsentDecisionRow {
  id: string;
  consentId: string;
  stage: ConsentStage;
  revision: number;
  actorId: string;
  outcome: Outcome;
  contentSha256: string;
  decidedAt: Date;
}

export async function insertConsentDecision(tx: Tx, d: ConsentDecisionRow): Promise<void> {
  await tx`
    insert into consent_decisions (id, consent_id, stage, revision, actor_id, outcome, content_sha256, decided_at)
    values (${d.id}, ${d.consentId}, ${d.stage}, ${d.revision}, ${d.actorId}, ${d.outcome}, ${d.contentSha256}, ${d.decidedAt})
    on conflict (id) do nothing`;
}

export async function hasDecidedOnConsent(sql: Tx, actorId: string, consentId: string, stage: ConsentStage, revision: number): Promise<boolean> {
  const rows = await sql`select 1 from consent_decisions where consent_id = ${consentId} and actor_id = ${actorId} and stage = ${stage} and revision = ${revision}`;
  return rows.length > 0;
}

export async function findConsentDecision(sql: Sql, id: string): Promise<{ outcome: Outcome; decidedAt: Date } | undefined> {
  const [row] = await sql<{ outcome: Outcome; decidedAt: Date }[]>`select outcome, decided_at from consent_decisions where id = ${id}`;
  return row;
}

export interface StagedAnswer {
  id: string;
  consentId: string;
  answer: Answer;
  givenOn: string;
  conditions: string | null;
  recordedBy: string;
}

/** The answer's text and date, kept before the workflow accepts the answer (its id is the Update's); dropped if it refuses. */
export async function stageAnswer(sql: Sql, a: StagedAnswer): Promise<void> {
  await sql`insert into consent_answers (id, consent_id, answer, given_on, conditions, recorded_by) values (${a.id}, ${a.consentId}, ${a.answer}, ${a.givenOn}, ${a.conditions}, ${a.recordedBy})`;
}

export async function dropStagedAnswer(sql: Sql, id: string): Promise<void> {
  await sql`delete from consent_answers a where a.id = ${id} and not exists (select 1 from consent_requests c where c.answer_id = a.id)`;
}

/** The permitted forms of cooperation of the partner's ACTIVE weighing notes (none when it has none). */
export async function permittedFormsOf(sql: Tx, partnerId: string): Promise<CooperationForm[]> {
  const rows = await sql<{ form: CooperationForm }[]>`
    select distinct jsonb_array_elements_text(r.content->'permittedCooperation') as form
    from notes n join note_revisions r on r.note_id = n.id and r.revision = n.current_revision and r.accepted
    where n.partner_id = ${partnerId} and n.status = 'ACTIVE'`;
  return rows.map((row) => row.form);
}

/** The read grant of `domain/need-to-know` as a condition on `consent_requests c`: the same rule, in SQL. */
function readableBy(sql: Sql, grant: ReadGrant) {
  if (grant.everyNote) return sql`c.started`;
  const drafted = grant.draftedBy ? sql`c.drafter_id = ${grant.draftedBy}` : sql`false`;
  return sql`c.started and (${drafted} or c.reached_stages && ${grant.stages}::text[])`;
}

const SUMMARY_COLUMNS = `c.id, c.originator_id, c.drafter_id, c.status, c.stage, c.reached_stages, c.current_revision as revision, c.stage_due_at,
  c.requested_at, c.answer_due_at, c.lapses_at, a.answer, c.created_at, c.updated_at`;
const SUMMARY_FROM = 'consent_requests c left join consent_answers a on a.id = c.answer_id';

interface SummaryRow {
  id: string;
  originatorId: string;
  drafterId: string;
  status: ConsentStatus;
  stage: ConsentStage | null;
  reachedStages: ConsentStage[];
  revision: number;
  stageDueAt: Date | null;
  requestedAt: Date | null;
  answerDueAt: Date | null;
  lapsesAt: Date | null;
  answer: Answer | null;
  createdAt: Date;
  updatedAt: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toSummary(row: SummaryRow) {
  return {
    ...row,
    stageDueAt: iso(row.stageDueAt),
    requestedAt: iso(row.requestedAt),
    answerDueAt: iso(row.answerDueAt),
    lapsesAt: iso(row.lapsesAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ConsentSummary = ReturnType<typeof toSummary>;

export interface ConsentFilter extends PageRequest {
  status?: ConsentStatus;
  stage?: ConsentStage;
  originatorId?: string;
}

/** The requests this person may read (need to know), newest first. */
export async function listConsents(sql: Sql, f: ConsentFilter, grant: ReadGrant): Promise<PageOf<ConsentSummary>> {
  const page = await pageOf<SummaryRow>(
    sql,
    {
      select: sql.unsafe(SUMMARY_COLUMNS),
      from: () => sql`from ${sql.unsafe(SUMMARY_FROM)} where ${readableBy(sql, grant)}
        ${f.status ? sql`and c.status = ${f.status}` : sql``}
        ${f.stage ? sql`and c.stage = ${f.stage}` : sql``}
        ${f.originatorId ? sql`and c.originator_id = ${f.originatorId}` : sql``}`,
      orderBy: sql`order by c.created_at desc, c.id`,
    },
    f,
  );
  return { ...page, items: page.items.map(toSummary) };
}

/**
 * The requests at whose open stage this person may decide now, among those they may read, oldest due
 * first: the rule of `consentDecisionRefusal` in SQL (the stage's role, not the author of the revision,
 * no decision of theirs on it there yet). `grant.stages` must not be empty.
 */
export async function consentTasksFor(sql: Sql, actorId: string, grant: ReadGrant, page: PageRequest): Promise<PageOf<ConsentSummary>> {
  if (!grant.stages.length) return { items: [], total: 0 };
  const tasks = await pageOf<SummaryRow>(
    sql,
    {
      select: sql.unsafe(SUMMARY_COLUMNS),
      from: () => sql`
        from ${sql.unsafe(SUMMARY_FROM)} join consent_revisions r on r.consent_id = c.id and r.revision = c.current_revision and r.accepted
        where c.status = 'IN_REVIEW' and c.stage in ${sql(grant.stages)} and r.author_id <> ${actorId} and ${readableBy(sql, grant)}
          and not exists (select 1 from consent_decisions d where d.consent_id = c.id and d.stage = c.stage
                          and d.revision = c.current_revision and d.actor_id = ${actorId})`,
      orderBy: sql`order by c.stage_due_at nulls last, c.id`,
    },
    page,
  );
  return { ...tasks, items: tasks.items.map(toSummary) };
}

export interface ConsentDecisionFact {
  decisionId: string;
  actorId: string;
  actorName: string;
  stage: ConsentStage;
  revision: number;
  outcome: Outcome;
  decidedAt: string;
}

export type ConsentView = ConsentSummary & {
  started: boolean;
  content: ConsentContent;
  contentSha256: string;
  revisionAuthorId: string;
  /** Every decision, oldest first. */
  decisions: ConsentDecisionFact[];
  /** The partner's answer as recorded, once there is one. */
  answerRecord: { answer: Answer; givenOn: string; conditions: string | null; recordedBy: string; recordedByName: string; recordedAt: string } | null;
  /** Mail that could not be delivered: the request went on without it. */
  undeliveredMail: { recipientId: string; kind: string; error: string | null }[];
};

/** The request as the rules of who may act read it. */
export function consentStandingOf(c: ConsentView): ConsentStanding {
  const decidedBy = c.decisions.filter((d) => d.stage === c.stage && d.revision === c.revision).map((d) => d.actorId);
  return { drafterId: c.drafterId, status: c.status, stage: c.stage, revision: c.revision, authorId: c.revisionAuthorId, decidedBy };
}

interface RevisionRow {
  recipientPartnerId: string | null;
  recipientOrganisation: 'nato' | 'eu' | null;
  informationRef: string;
  cooperationForm: CooperationForm;
  justification: string;
  contentSha256: string;
  authorId: string;
}

/** A revision's content as its columns hold it: what its hash was made of. */
export const contentOf = (r: RevisionRow): ConsentContent => ({
  recipient: (r.recipientPartnerId ?? r.recipientOrganisation)!,
  informationRef: r.informationRef,
  form: r.cooperationForm,
  justification: r.justification,
});

export async function findConsent(sql: Sql, id: string): Promise<ConsentView | undefined> {
  const [row] = await sql<(SummaryRow & RevisionRow & { started: boolean })[]>`
    select ${sql.unsafe(SUMMARY_COLUMNS)}, c.started, r.recipient_partner_id, r.recipient_organisation, r.information_ref, r.cooperation_form,
           r.justification, r.content_sha256, r.author_id
    from ${sql.unsafe(SUMMARY_FROM)} join consent_revisions r on r.consent_id = c.id and r.revision = c.current_revision and r.accepted
    where c.id = ${id}`;
  if (!row) return undefined;
  const [decisions, answers, undeliveredMail] = await Promise.all([
    sql<(Omit<ConsentDecisionFact, 'decidedAt'> & { decidedAt: Date })[]>`
      select d.id as decision_id, d.actor_id, p.name as actor_name, d.stage, d.revision, d.outcome, d.decided_at
      from consent_decisions d join people p on p.id = d.actor_id where d.consent_id = ${id} order by d.decided_at, d.id`,
    sql<{ answer: Answer; givenOn: Date; conditions: string | null; recordedBy: string; recordedByName: string; recordedAt: Date }[]>`
      select a.answer, a.given_on, a.conditions, a.recorded_by, p.name as recorded_by_name, a.recorded_at
      from consent_requests c join consent_answers a on a.id = c.answer_id join people p on p.id = a.recorded_by where c.id = ${id}`,
    sql<{ recipientId: string; kind: string; error: string | null }[]>`
      select recipient_id, kind, last_error as error from outbox where consent_id = ${id} and status = 'failed' order by created_at, recipient_id`,
  ]);
  const { started, recipientPartnerId, recipientOrganisation, informationRef, cooperationForm, justification, contentSha256, authorId, ...summary } = row;
  const answer = answers[0];
  return {
    ...toSummary(summary),
    started,
    content: contentOf({ recipientPartnerId, recipientOrganisation, informationRef, cooperationForm, justification, contentSha256, authorId }),
    contentSha256,
    revisionAuthorId: authorId,
    decisions: decisions.map((d) => ({ ...d, decidedAt: d.decidedAt.toISOString() })),
    answerRecord: answer ? { ...answer, givenOn: answer.givenOn.toISOString().slice(0, 10), recordedAt: answer.recordedAt.toISOString() } : null,
    undeliveredMail: [...undeliveredMail],
  };
}

/** Every step of a request, in order, from the audit trail, each said in words with the names of the people. */
export async function consentHistory(sql: Sql, id: string): Promise<ConsentHistoryEntry[]> {
  const rows = await sql<(Omit<ConsentTrailFacts, 'seq' | 'at'> & { seq: string; at: Date })[]>`
    select ${sql.unsafe(STORY_COLUMNS)}, a.details->>'answer' as answer
    from audit_log a ${sql.unsafe(STORY_JOINS)}
    where a.details ? 'consentId' and a.details->>'consentId' = ${id} and a.action in ${sql(CONSENT_STORY_ACTIONS)}
    order by a.seq`;
  return consentStoryOf(rows.map((row) => ({ ...row, seq: Number(row.seq), at: row.at.toISOString() })));
}

/** A drafter's requests still under way (in draft, in review, awaiting the answer): the answer due soonest first, then the most recently changed. */
export async function openConsentsOf(sql: Sql, drafterId: string, page: PageRequest): Promise<PageOf<ConsentSummary>> {
  const open = await pageOf<SummaryRow>(
    sql,
    {
      select: sql.unsafe(SUMMARY_COLUMNS),
      from: () => sql`from ${sql.unsafe(SUMMARY_FROM)} where c.started and c.drafter_id = ${drafterId} and c.status in ('DRAFT', 'IN_REVIEW', 'REQUESTED')`,
      orderBy: sql`order by c.answer_due_at nulls last, c.updated_at desc, c.id`,
    },
    page,
  );
  return { ...open, items: open.items.map(toSummary) };
}
