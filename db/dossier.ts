import { GENESIS_HASH } from '../domain/audit-chain';
import { type Dossier, DOSSIER_FORMAT, dossierClassification, type DossierLink, type DossierNote, retentionOf } from '../domain/dossier';
import { inKindOrder, type Relationship } from '../domain/partner';
import type { Sql, Tx } from './client';
import { contentOf } from './consents';

/**
 * The oversight dossier's records, read whole from one snapshot of the database (repeatable read), so
 * that the records, the audit entries and the chain's head belong to one moment. Only started notes
 * and requests: one whose execution never started exists for no one (`db/notes.ts`, `markStarted`).
 */

export type DossierScope = { kind: 'partner'; partnerId: string } | { kind: 'note'; noteId: string };

const iso = (at: Date) => at.toISOString();
const isoOrNull = (at: Date | null) => at?.toISOString() ?? null;

type Partner = Dossier['partner'];
async function partnerRecord(tx: Tx, partnerId: string): Promise<Partner> {
  const [partner] = await tx<(Omit<Partner, 'createdAt' | 'relationships' | 'srmPriorityHistory' | 'retention'> & { createdAt: Date; relationships: Relationship[] })[]>`
    select p.id, p.name, p.country, p.kind, p.created_by, p.created_at,
           coalesce((select json_agg(json_build_object('kind', r.kind, 'since', r.since)) from partner_relationships r where r.partner_id = p.id), '[]'::json) as relationships
    from partners p where p.id = ${partnerId}`;
  const history = await tx<(Omit<Partner['srmPriorityHistory'][number], 'setAt'> & { setAt: Date })[]>`
    select id, priority, previous, justification, set_by, set_at from srm_priority_history where partner_id = ${partnerId} order by seq`;
  return {
    ...partner!,
    createdAt: iso(partner!.createdAt),
    relationships: inKindOrder(partner!.relationships),
    srmPriorityHistory: history.map((h) => ({ ...h, setAt: iso(h.setAt) })),
    retention: retentionOf('partner'),
  };
}

type NoteRow = Omit<DossierNote, 'createdAt' | 'adoptedAt' | 'reviewDueAt' | 'retention' | 'revisions' | 'decisions' | 'conditions'> & { createdAt: Date; adoptedAt: Date | null; reviewDueAt: Date | null };
type Stamped<T, K extends keyof T> = Omit<T, K | 'retention'> & { [P in K]: Date };

async function noteRecords(tx: Tx, scope: DossierScope): Promise<DossierNote[]> {
  const notes = await tx<NoteRow[]>`
    select id, partner_id, drafter_id, status, stage, current_revision, created_at, adopted_at, review_due_at, supersedes, superseded_by, reassessment
    from notes where started and ${scope.kind === 'partner' ? tx`partner_id = ${scope.partnerId}` : tx`id = ${scope.noteId}`}
    order by created_at, id`;
  const ids = notes.map((n) => n.id);
  const [revisions, decisions, conditions] = await Promise.all([
    tx<(Stamped<DossierNote['revisions'][number], 'savedAt'> & { noteId: string })[]>`
      select note_id, revision, author_id, created_at as saved_at, content, content_sha256 from note_revisions
      where accepted and note_id = any(${ids}::uuid[]) order by revision`,
    tx<(Stamped<DossierNote['decisions'][number], 'decidedAt'> & { noteId: string })[]>`
      select id, note_id, stage, revision, actor_id, outcome, content_sha256, decided_at from decisions
      where note_id = any(${ids}::uuid[]) order by decided_at, id`,
    tx<(Omit<DossierNote['conditions'][number], 'dueAt' | 'closedAt' | 'createdAt' | 'retention'> & { noteId: string; dueAt: Date; closedAt: Date | null; createdAt: Date })[]>`
      select id, note_id, position, source, revision, text, owner_id, due_at, status, closed_by, closed_at, evidence, carried_from, carried_to, created_at
      from conditions where note_id = any(${ids}::uuid[]) order by position`,
  ]);
  return notes.map((n) => ({
    ...n,
    createdAt: iso(n.createdAt),
    adoptedAt: isoOrNull(n.adoptedAt),
    reviewDueAt: isoOrNull(n.reviewDueAt),
    retention: retentionOf('note'),
    revisions: revisions.filter((r) => r.noteId === n.id).map(({ noteId: _, ...r }) => ({ ...r, savedAt: iso(r.savedAt), retention: retentionOf('revision') })),
    decisions: decisions.filter((d) => d.noteId === n.id).map(({ noteId: _, ...d }) => ({ ...d, decidedAt: iso(d.decidedAt), retention: retentionOf('decision') })),
    conditions: conditions
      .filter((c) => c.noteId === n.id)
      .map(({ noteId: _, ...c }) => ({ ...c, dueAt: iso(c.dueAt), closedAt: isoOrNull(c.closedAt), createdAt: iso(c.createdAt), retention: retentionOf('condition') })),
  }));
}

type ConsentRecord = Dossier['consentRequests'][number];
type AnswerRow = Omit<NonNullable<ConsentRecord['answer']>, 'recordedAt' | 'retention'> & { consentId: string; recordedAt: Date };
const answerRecord = ({ consentId: _, recordedAt, ...answer }: AnswerRow): ConsentRecord['answer'] => ({ ...answer, recordedAt: iso(recordedAt), retention: retentionOf('consent_answer') });

/** The consent requests about information the partner gave, or that would go to it. */
async function consentRecords(tx: Tx, partnerId: string): Promise<ConsentRecord[]> {
  const requests = await tx<(Omit<ConsentRecord, 'createdAt' | 'requestedAt' | 'retention' | 'revisions' | 'decisions' | 'answer'> & { createdAt: Date; requestedAt: Date | null })[]>`
    select c.id, c.originator_id, case when c.originator_id = ${partnerId} then 'originator' else 'recipient' end as partner_is,
           c.drafter_id, c.status, c.stage, c.current_revision, c.created_at, c.requested_at
    from consent_requests c
    where c.started and (c.originator_id = ${partnerId}
                         or exists (select 1 from consent_revisions r where r.consent_id = c.id and r.accepted and r.recipient_partner_id = ${partnerId}))
    order by c.created_at, c.id`;
  const ids = requests.map((c) => c.id);
  const [revisions, decisions, answers] = await Promise.all([
    tx<(Parameters<typeof contentOf>[0] & { consentId: string; revision: number; savedAt: Date })[]>`
      select consent_id, revision, author_id, created_at as saved_at, recipient_partner_id, recipient_organisation, information_ref, cooperation_form, justification, content_sha256
      from consent_revisions where accepted and consent_id = any(${ids}::uuid[]) order by revision`,
    tx<(Stamped<ConsentRecord['decisions'][number], 'decidedAt'> & { consentId: string })[]>`
      select id, consent_id, stage, revision, actor_id, outcome, content_sha256, decided_at from consent_decisions
      where consent_id = any(${ids}::uuid[]) order by decided_at, id`,
    tx<AnswerRow[]>`
      select a.id, a.consent_id, a.answer, a.given_on::text as given_on, a.conditions, a.recorded_by, a.recorded_at
      from consent_requests c join consent_answers a on a.id = c.answer_id where c.id = any(${ids}::uuid[])`,
  ]);
  return requests.map((c) => {
    const answer = answers.find((a) => a.consentId === c.id);
    return {
      ...c,
      createdAt: iso(c.createdAt),
      requestedAt: isoOrNull(c.requestedAt),
      retention: retentionOf('consent_request'),
      revisions: revisions
        .filter((r) => r.consentId === c.id)
        .map((r) => ({ revision: r.revision, authorId: r.authorId, savedAt: iso(r.savedAt), content: contentOf(r), contentSha256: r.contentSha256, retention: retentionOf('revision') })),
      decisions: decisions.filter((d) => d.consentId === c.id).map(({ consentId: _, ...d }) => ({ ...d, decidedAt: iso(d.decidedAt), retention: retentionOf('decision') })),
      answer: answer ? answerRecord(answer) : null,
    };
  });
}

/**
 * The audit trail's part of the dossier: every entry from the first that concerns it to the trail's
 * head, those that concern it in full and the others as their hashes only. An entry concerns a
 * partner's dossier when it is about one of its notes or consent requests, names the partner, or names
 * one of its notes among others (a view of the portfolio); a note's, when it is about the note or names it so.
 */
async function auditTrail(tx: Tx, scope: DossierScope, noteIds: string[], consentIds: string[]): Promise<Dossier['auditTrail']> {
  const concerns = () =>
    scope.kind === 'partner'
      ? tx`(a.note_id = any(${noteIds}::uuid[]) or a.details->>'consentId' = any(${consentIds}::text[]) or a.details->>'partnerId' = ${scope.partnerId}
            or coalesce(a.details->'notes' ?| ${noteIds}::text[], false))`
      : tx`(a.note_id = ${scope.noteId} or coalesce(a.details->'notes' ? ${scope.noteId}, false))`;
  const [last] = await tx<{ seq: string; hash: string }[]>`select seq, hash from audit_log order by seq desc limit 1`;
  const head = last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  const [{ first } = { first: null }] = await tx<{ first: string | null }[]>`select min(a.seq) as first from audit_log a where ${concerns()}`;
  if (first === null) return { genesis: GENESIS_HASH, head, links: [] };
  const rows = await tx<
    { seq: string; prevHash: string; hash: string; concerns: boolean; eventKey: string; at: Date; actorId: string | null; action: string; noteId: string | null; details: Record<string, unknown> }[]
  >`
    select a.seq, a.prev_hash, a.hash, c.concerns,
           case when c.concerns then a.event_key end as event_key, case when c.concerns then a.at end as at,
           case when c.concerns then a.actor_id end as actor_id, case when c.concerns then a.action end as action,
           case when c.concerns then a.note_id end as note_id, case when c.concerns then a.details end as details
    from audit_log a cross join lateral (select ${concerns()} as concerns) c
    where a.seq between ${first} and ${head.seq} order by a.seq`;
  const links = rows.map(({ seq, prevHash, hash, concerns: full, eventKey, at, actorId, action, noteId, details }): DossierLink => {
    const link = { seq: Number(seq), prevHash, hash };
    return full ? { ...link, entry: { eventKey, at: iso(at), actorId, action, noteId, details }, retention: retentionOf('audit_entry') } : link;
  });
  return { genesis: GENESIS_HASH, head, links };
}

/** The comments and reasons kept under a decision's id, or under an entry's `ref` (a withdrawal's, a re-assessment's). */
async function commentsOn(tx: Tx, ids: string[]): Promise<Dossier['comments']> {
  const rows = await tx<{ id: string; body: string; savedAt: Date }[]>`
    select id, body, created_at as saved_at from comments where id::text = any(${ids}::text[]) order by created_at, id`;
  return rows.map((c) => ({ ...c, savedAt: iso(c.savedAt), retention: retentionOf('comment') }));
}

/** Everyone a dossier names, by id. */
async function peopleNamed(tx: Tx, d: Omit<Dossier, 'people'>): Promise<Dossier['people']> {
  const ids = new Set<string>([d.exportedBy, d.partner.createdBy, ...d.partner.srmPriorityHistory.flatMap((h) => h.setBy ?? [])]);
  for (const n of d.notes) {
    ids.add(n.drafterId);
    for (const id of [...n.revisions.map((r) => r.authorId), ...n.decisions.map((x) => x.actorId), ...n.conditions.flatMap((c) => [c.ownerId, c.closedBy ?? []].flat())]) ids.add(id);
  }
  for (const c of d.consentRequests) {
    ids.add(c.drafterId);
    for (const id of [...c.revisions.map((r) => r.authorId), ...c.decisions.map((x) => x.actorId), ...(c.answer ? [c.answer.recordedBy] : [])]) ids.add(id);
  }
  for (const link of d.auditTrail.links) if (link.entry?.actorId) ids.add(link.entry.actorId);
  const rows = await tx<{ id: string; name: string }[]>`select id, name from people where id = any(${[...ids]}::text[]) order by id`;
  return [...rows];
}

/** The dossier of a partner, or of one note of it (`partnerId`: the note's partner), as it stands now. */
export function readDossier(sql: Sql, scope: DossierScope, partnerId: string, exportedBy: string): Promise<Dossier> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const exportedAt = new Date().toISOString();
    const [partner, notes, consentRequests] = await Promise.all([
      partnerRecord(tx, partnerId),
      noteRecords(tx, scope),
      scope.kind === 'partner' ? consentRecords(tx, partnerId) : Promise.resolve([]),
    ]);
    const trail = await auditTrail(tx, scope, notes.map((n) => n.id), consentRequests.map((c) => c.id));
    const refs = trail.links.flatMap((link) => [link.entry?.details.decisionId, link.entry?.details.ref].filter((id): id is string => typeof id === 'string'));
    const decisionIds = [...notes, ...consentRequests].flatMap((r) => r.decisions.map((x) => x.id));
    const dossier = {
      format: DOSSIER_FORMAT,
      exportedAt,
      exportedBy,
      scope,
      classification: dossierClassification(notes, consentRequests.length),
      partner,
      notes,
      consentRequests,
      comments: await commentsOn(tx, [...new Set([...decisionIds, ...refs])]),
      auditTrail: trail,
    } satisfies Omit<Dossier, 'people'>;
    return { ...dossier, people: await peopleNamed(tx, dossier) };
  });
}
