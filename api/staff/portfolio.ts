import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { RELATIONSHIP_KINDS } from '../../domain/partner';
import type { NoteStatus, Stage } from '../../domain/pipeline';
import { PortfolioFilter, type PortfolioRow } from '../../domain/portfolio';
import {
  COOPERATION_FORM_NAME,
  dayInWords,
  listInWords,
  noteRef,
  PORTFOLIO_FLAG_NAME,
  RELATIONSHIP_NAME,
  relationshipsInWords,
  RISK_NAME,
  srmPriorityName,
  STAGE_NAME,
  STATUS_NAME,
} from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { csvFileName, portfolioService } from '../portfolio-service';
import { Page } from '../schemas';
import { notePath } from './note-rows';
import { pagerOf } from './paging';
import { riskPriorityChart } from './portfolio-chart';
import { sendStaffPage, STAFF_PREFIX } from './render';

const PORTFOLIO = `${STAFF_PREFIX}/portfolio`;

/** A choice left at "any" arrives empty: no filter. */
const withoutBlanks = (query: unknown) => (query && typeof query === 'object' ? Object.fromEntries(Object.entries(query).filter(([, value]) => value !== '')) : query);
const PageQuery = z.preprocess(withoutBlanks, Page.extend(PortfolioFilter.shape));
const CsvQuery = z.preprocess(withoutBlanks, PortfolioFilter);
const REFUSED = 'The portfolio cannot be shown that way. Choose the filters in the form, or start again from the portfolio.';

const choices = <T extends string>(values: readonly T[], label: (value: T) => string, chosen: string | undefined) => values.map((value) => ({ value, label: label(value), selected: value === chosen }));

/** The filters as the form shows them, each choice in words. */
function filterForm(query: PortfolioFilter & { limit: number }) {
  return {
    limit: query.limit,
    relationship: choices(RELATIONSHIP_KINDS, (kind) => RELATIONSHIP_NAME[kind], query.relationship),
    priority: choices(['1', '2', '3', '4', 'none'] as const, (p) => (p === 'none' ? 'Not set' : srmPriorityName(Number(p))), query.priority),
    risk: choices(['high', 'medium', 'low', 'none'] as const, (r) => (r === 'none' ? 'Not rated' : RISK_NAME[r]), query.risk),
    status: choices(['ACTIVE', 'IN_REVIEW', 'DRAFT', 'none'] as const, (s) => (s === 'none' ? 'No current note' : STATUS_NAME[s]), query.status),
    sort: choices(['name', 'priority', 'review_date', 'risk'] as const, (s) => ({ name: 'Name', priority: 'SRM priority', review_date: 'Review date', risk: 'Overall risk' })[s], query.sort),
    flagged: query.flagged === true,
    any: !query.relationship && !query.priority && !query.risk && !query.status && query.flagged === undefined && query.sort === 'name',
  };
}

/** The filters as a query string's pairs (paging aside), for the pager and the CSV link. */
const filterPairs = (query: PortfolioFilter) => ({
  relationship: query.relationship,
  priority: query.priority,
  risk: query.risk,
  status: query.status,
  flagged: query.flagged === undefined ? undefined : String(query.flagged),
  sort: query.sort === 'name' ? undefined : query.sort,
});

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const noteLink = (note: { id: string; status: NoteStatus; stage: Stage | null }) => ({
  href: notePath(note.id),
  ref: noteRef(note.id),
  state: `${STATUS_NAME[note.status]}${note.stage ? `, ${STAGE_NAME[note.stage]}` : ''}`,
});

/** A row of the portfolio in words. */
const shownRow = (row: PortfolioRow) => ({
  name: row.name,
  country: row.country,
  href: `${STAFF_PREFIX}/partners/${row.partnerId}`,
  relationships: relationshipsInWords(row.relationships),
  priority: srmPriorityName(row.srmPriority),
  risk: row.note?.overallRisk ? RISK_NAME[row.note.overallRisk] : 'Not rated',
  note: row.note && noteLink(row.note),
  reviewDue: row.note?.reviewDueAt ? dayInWords(row.note.reviewDueAt) : null,
  reviewOverdue: row.note?.reviewOverdue ?? false,
  reassessment: row.reassessment && noteLink(row.reassessment),
  forms: row.permittedCooperation.length ? capital(listInWords(row.permittedCooperation.map((form) => COOPERATION_FORM_NAME[form]))) : 'None',
  openConditions: row.openConditions,
  flags: row.flags.map((flag) => PORTFOLIO_FLAG_NAME[flag]),
});

/**
 * The partner portfolio for those who may see it (`domain/portfolio`; to anyone else there is no such
 * page): the findings at the top, the filters, the chart of risk by priority, the partners, and the
 * CSV of what the filters select, through the portfolio service the JSON API calls too.
 */
export const portfolioPages: FastifyPluginAsync<RouteDeps> = async (app, { sql }) => {
  const portfolio = portfolioService({ sql });

  app.addHook('preHandler', async (request) => {
    if (!portfolio.mayRead(request.staff.actor)) throw new ApiError(404, 'no such page');
  });

  app.get('/portfolio', { schema: { hide: true } }, async (request, reply) => {
    const parsed = PageQuery.safeParse(request.query);
    if (!parsed.success) throw new ApiError(400, REFUSED);
    const query = parsed.data;
    const page = await portfolio.page(request.staff.actor, query, 'portfolio page');
    const filters = filterPairs(query);
    const kept = new URLSearchParams(Object.entries(filters).filter((pair): pair is [string, string] => !!pair[1])).toString();
    return sendStaffPage(reply, request.staff, {
      title: 'Partner portfolio',
      view: 'portfolio',
      data: {
        findings: { noActiveNote: page.flagged.no_active_note, reviewOverdue: page.flagged.review_overdue, href: `${PORTFOLIO}?flagged=true` },
        filters: filterForm(query),
        csv: kept ? `${PORTFOLIO}.csv?${kept}` : `${PORTFOLIO}.csv`,
        chart: riskPriorityChart(page.riskByPriority),
        rows: page.items.map(shownRow),
        pager: pagerOf(PORTFOLIO, filters, query, page),
      },
    });
  });

  app.get('/portfolio.csv', { schema: { hide: true } }, async (request, reply) => {
    const parsed = CsvQuery.safeParse(request.query);
    if (!parsed.success) throw new ApiError(400, REFUSED);
    const csv = await portfolio.csv(request.staff.actor, parsed.data, 'portfolio CSV (page)');
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${csvFileName()}"`).send(csv);
  });
};
