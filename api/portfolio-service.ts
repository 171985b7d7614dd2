import { stringify } from 'csv-stringify/sync';
import { auditEvent } from '../db/audit';
import type { Sql } from '../db/client';
import type { PageRequest } from '../db/page';
import { portfolioFacts } from '../db/portfolio';
import { readGrant } from '../domain/need-to-know';
import { flagCounts, mayReadPortfolio, PORTFOLIO_READERS, type PortfolioFilter, type PortfolioRow, portfolioRow, riskByPriority, selects, sortRows } from '../domain/portfolio';
import type { Actor } from '../domain/roles';
import {
  COOPERATION_FORM_NAME,
  noteRef,
  PARTNER_KIND_NAME,
  PORTFOLIO_FLAG_NAME,
  RELATIONSHIP_NAME,
  RISK_NAME,
  srmPriorityName,
  STAGE_NAME,
  STATUS_NAME,
} from '../domain/wording';
import { requireRole } from './auth';

/** Each column of the CSV export: its heading, and the cell of a row in words (days as YYYY-MM-DD, which sort as they read). */
const CSV_COLUMNS: [string, (row: PortfolioRow) => string | number][] = [
  ['Partner', (row) => row.name],
  ['Country', (row) => row.country],
  ['Kind', (row) => PARTNER_KIND_NAME[row.kind]],
  ['Relationships', (row) => row.relationships.map((r) => `${RELATIONSHIP_NAME[r.kind]} since ${r.since}`).join('; ')],
  ['SRM priority', (row) => srmPriorityName(row.srmPriority)],
  ['Note', (row) => (row.note ? noteRef(row.note.id) : '')],
  ['Status', (row) => (row.note ? STATUS_NAME[row.note.status] : 'No current note')],
  ['Stage', (row) => (row.note?.stage ? STAGE_NAME[row.note.stage] : '')],
  ['Overall risk', (row) => (row.note?.overallRisk ? RISK_NAME[row.note.overallRisk] : 'Not rated')],
  ['Review date', (row) => row.note?.reviewDueAt?.slice(0, 10) ?? ''],
  ['Review date passed', (row) => (row.note?.reviewOverdue ? 'Yes' : 'No')],
  ['Re-assessment', (row) => (row.reassessment ? `${noteRef(row.reassessment.id)} (${STATUS_NAME[row.reassessment.status]}${row.reassessment.stage ? `, ${STAGE_NAME[row.reassessment.stage]}` : ''})` : '')],
  ['Permitted forms of cooperation', (row) => row.permittedCooperation.map((form) => COOPERATION_FORM_NAME[form]).join('; ')],
  ['Open conditions', (row) => row.openConditions],
  ['Flags', (row) => row.flags.map((flag) => PORTFOLIO_FLAG_NAME[flag]).join('; ')],
];

/** The notes a view of the portfolio shows something of (state, risk, forms). */
const notesShown = (rows: readonly PortfolioRow[]) => rows.flatMap((row) => [row.note?.id, row.reassessment?.id].filter((id): id is string => !!id));

/**
 * The partner portfolio (`domain/portfolio`), for the JSON API, its CSV and the staff page alike. Each
 * view is on the record as `portfolio.read`, naming the notes it showed something of: their states,
 * risk and permitted forms, not their text (a `note.content_read` would tell the review page the
 * reader had seen a revision whole).
 */
export function portfolioService({ sql }: { sql: Sql }) {
  /** The portfolio this person may see, and the rows the filter selects, in its order. */
  async function read(actor: Actor, filter: PortfolioFilter) {
    requireRole(actor, ...PORTFOLIO_READERS);
    const grant = readGrant(actor);
    const rows = (await portfolioFacts(sql, grant)).flatMap((facts) => portfolioRow(facts, grant) ?? []);
    return { rows, selected: sortRows(rows.filter((row) => selects(filter, row)), filter.sort) };
  }
  const record = (actor: Actor, what: string, rows: readonly PortfolioRow[]) =>
    auditEvent(sql, { actorId: actor.id, action: 'portfolio.read', noteId: null, details: { what, count: rows.length, notes: notesShown(rows) } });

  return {
    mayRead: mayReadPortfolio,

    /**
     * A page of what the filter selects; the flags counted over the whole portfolio this person may
     * see (the standing findings), the partners by risk and priority over what the filter selects.
     */
    async page(actor: Actor, query: PortfolioFilter & PageRequest, what: string) {
      const { rows, selected } = await read(actor, query);
      const items = selected.slice(query.offset, query.offset + query.limit);
      await record(actor, what, items);
      return { items, total: selected.length, flagged: flagCounts(rows), riskByPriority: riskByPriority(selected) };
    },

    /** Every row the filter selects, as CSV (RFC 4180; a cell that a spreadsheet would take for a formula is escaped). */
    async csv(actor: Actor, filter: PortfolioFilter, what: string): Promise<string> {
      const { selected } = await read(actor, filter);
      await record(actor, what, selected);
      return stringify([CSV_COLUMNS.map(([heading]) => heading), ...selected.map((row) => CSV_COLUMNS.map(([, cell]) => cell(row)))], {
        record_delimiter: 'windows',
        escape_formulas: true,
        bom: true,
      });
    },
  };
}
export type PortfolioService = ReturnType<typeof portfolioService>;

/** What a portfolio CSV is called when downloaded: the day it was made. */
export const csvFileName = (at = new Date()) => `portfolio-${at.toISOString().slice(0, 10)}.csv`;
