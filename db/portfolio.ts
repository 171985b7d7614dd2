import type { ReadGrant } from '../domain/need-to-know';
import type { CooperationForm, RiskRating } from '../domain/note-content';
import { inKindOrder } from '../domain/partner';
import type { NoteFacts, PartnerFacts } from '../domain/portfolio';
import type { NoteStatus, Stage } from '../domain/pipeline';
import type { Sql } from './client';
import { readableBy } from './notes';
import { CURRENT_SRM_PRIORITY, RELATIONSHIPS_OF_PARTNER } from './partners';

interface Row extends Omit<PartnerFacts, 'active' | 'inProgress'> {
  activeId: string | null;
  activeRisk: RiskRating | null;
  activeReviewDueAt: Date | null;
  activeReviewOverdue: boolean;
  activeForms: CooperationForm[] | null;
  activeReadable: boolean;
  workId: string | null;
  workStatus: NoteStatus;
  workStage: Stage | null;
  workRisk: RiskRating | null;
  workReadable: boolean;
}

/**
 * Every partner with its relationships, SRM priority, open conditions, and the facts of its notes: the
 * newest ACTIVE one and the newest in progress (each partner has one of each at most; notes from before
 * that rule, migration 008, may have more). Whether this viewer may read each note is need to know's
 * `readGrant` in SQL (`readableBy`); which of it they see is the portfolio's rule (`domain/portfolio`).
 * A service has partners by the dozen, not the million: the portfolio is read whole, and filtered,
 * sorted and paged by the domain's rules.
 */
export async function portfolioFacts(sql: Sql, grant: ReadGrant): Promise<PartnerFacts[]> {
  const rows = await sql<Row[]>`
    select p.id as partner_id, p.name, p.country, p.kind,
           ${sql.unsafe(RELATIONSHIPS_OF_PARTNER)} as relationships, ${sql.unsafe(CURRENT_SRM_PRIORITY)} as srm_priority,
           (select count(*)::int from conditions c join notes n on n.id = c.note_id
            where n.partner_id = p.id and c.status = 'open' and ${readableBy(sql, grant)}) as open_conditions,
           a.id as active_id, a.overall_risk as active_risk, a.review_due_at as active_review_due_at,
           coalesce(a.review_due_at < now(), false) as active_review_overdue, a.forms as active_forms, coalesce(a.readable, false) as active_readable,
           w.id as work_id, w.status as work_status, w.stage as work_stage, w.overall_risk as work_risk, coalesce(w.readable, false) as work_readable
    from partners p
    left join lateral (
      select n.id, n.overall_risk, n.review_due_at, r.content->'permittedCooperation' as forms, ${readableBy(sql, grant)} as readable
      from notes n join note_revisions r on r.note_id = n.id and r.revision = n.current_revision and r.accepted
      where n.partner_id = p.id and n.started and n.status = 'ACTIVE'
      order by n.created_at desc, n.id limit 1) a on true
    left join lateral (
      select n.id, n.status, n.stage, n.overall_risk, ${readableBy(sql, grant)} as readable
      from notes n where n.partner_id = p.id and n.started and n.status in ('DRAFT', 'IN_REVIEW')
      order by n.created_at desc, n.id limit 1) w on true
    order by p.name, p.id`;
  return rows.map(({ activeId, activeRisk, activeReviewDueAt, activeReviewOverdue, activeForms, activeReadable, workId, workStatus, workStage, workRisk, workReadable, ...partner }) => {
    const active: NoteFacts | null = activeId === null ? null : {
      id: activeId,
      status: 'ACTIVE',
      stage: null,
      overallRisk: activeRisk,
      reviewDueAt: activeReviewDueAt?.toISOString() ?? null,
      reviewOverdue: activeReviewOverdue,
      permittedCooperation: activeForms ?? [],
      readable: activeReadable,
    };
    const inProgress: NoteFacts | null =
      workId === null ? null : { id: workId, status: workStatus, stage: workStage, overallRisk: workRisk, reviewDueAt: null, reviewOverdue: false, permittedCooperation: [], readable: workReadable };
    return { ...partner, relationships: inKindOrder(partner.relationships), active, inProgress };
  });
}
