import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RiskRating } from '../../domain/note-content';
import { PortfolioFilter, PortfolioRow } from '../../domain/portfolio';
import { SrmPriority } from '../../domain/pipeline';
import type { AppDeps } from '../app-deps';
import { csvFileName, portfolioService } from '../portfolio-service';
import { errorResponses, ListOf, Page } from '../schemas';

const tags = ['portfolio'];
const WHO = 'For the head of service and the auditor (every partner) and the minister (the partners whose current note reached the minister); anyone else 403.';

const Portfolio = ListOf(PortfolioRow).extend({
  flagged: z
    .object({ no_active_note: z.number().int(), review_overdue: z.number().int() })
    .describe('The oversight committee’s recurring findings, over the whole portfolio the caller may see: partners with cooperation but no ACTIVE note, and ACTIVE notes past their review date'),
  riskByPriority: z
    .array(z.object({ risk: RiskRating.nullable().describe('Null: not rated, or no current note'), priority: SrmPriority.nullable().describe('Null: not set'), partners: z.number().int() }))
    .describe('The partners the filters select, counted by overall risk and SRM priority: every pair, the highest first'),
}).describe('A page of the partners the filters select, in the portfolio’s order, how many they select in all, the findings, and the counts by risk and priority');

/** The partner portfolio: the rules, and what goes on the record, are the portfolio service's (`api/portfolio-service.ts`). */
export const portfolioRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  const portfolio = portfolioService({ sql });

  app.get(
    '/portfolio',
    {
      schema: {
        tags,
        summary: 'Every partner with its relationships, SRM priority and the state of its current note; the flagged first',
        description: `Filtered, sorted and paged; a partner is flagged (\`flags\`) when it has cooperation without an ACTIVE note, or an ACTIVE note past its review date, and flagged partners come first. ${WHO}`,
        querystring: Page.extend(PortfolioFilter.shape).strict(),
        response: { 200: Portfolio, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => portfolio.page(request.actor, request.query, 'portfolio'),
  );

  app.get(
    '/portfolio.csv',
    {
      schema: {
        tags,
        summary: 'The portfolio as CSV: every partner the filters select, in the portfolio’s order, codes in words',
        description: `RFC 4180 (CRLF, a byte-order mark for spreadsheets); a cell a spreadsheet would read as a formula starts with \`'\`. ${WHO}`,
        querystring: PortfolioFilter.strict(),
        response: { 200: { description: 'The CSV, with a header row', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csvFileName()}"`)
        .send(await portfolio.csv(request.actor, request.query, 'portfolio CSV')),
  );
};
