import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CloseOutcome, ConditionStatus, CONDITION_SOURCES } from '../../domain/conditions';
import { freeText } from '../../domain/text';
import { PersonId } from '../../domain/roles';
import type { RouteDeps } from '../app-deps';
import { auditConditionRefusals, type ConditionService, conditionService } from '../condition-service';
import { auditRefusals } from '../note-access';
import { errorResponses, ListOf, Page, withExamples } from '../schemas';

const tags = ['conditions'];
const Params = z.object({ id: z.uuid() });
const Instant = z.string();

const Link = z.object({ conditionId: z.uuid(), noteId: z.uuid(), position: z.number().int() }).nullable();
const ConditionSummary = z.object({
  id: z.uuid(),
  noteId: z.uuid(),
  ref: z.string().describe('How people quote it: `WN-1A2B3C4D condition 2`'),
  position: z.number().int().describe('Its number within the note'),
  source: z.enum(CONDITION_SOURCES).describe('Where the adopted revision states it: a criterion’s mitigations, or the note’s `mitigations` (mitigations and conditions)'),
  revision: z.number().int().describe('The revision whose text it holds'),
  ownerId: z.string(),
  ownerName: z.string(),
  dueAt: Instant,
  overdue: z.boolean().describe('Open past its due time'),
  status: ConditionStatus.describe('`open`; closed: `fulfilled` (by its owner, with evidence), `not_applicable` (by the head of service, with the reason), `carried_over` (to the re-assessment that superseded the note)'),
  closedBy: z.string().nullable(),
  closedByName: z.string().nullable(),
  closedAt: Instant.nullable(),
  remindersSent: z.number().int(),
  escalated: z.boolean(),
  carriedFrom: Link.describe('The condition of the earlier note this one continues'),
  carriedTo: Link.describe('The condition of the re-assessment this one went over to'),
  createdAt: Instant,
  updatedAt: Instant,
});
const ConditionView = ConditionSummary.extend({
  text: z.string().describe('The mitigation as the note states it (content)'),
  evidence: z.string().nullable().describe('Closed: the closure evidence, or the reason it no longer applies'),
}).describe('A condition of an adopted note, with its text: seen by those who may read the note, and by its owner');

const OwnedQuery = Page.extend({
  owner: z.literal('me').default('me').describe('Whose conditions: the caller’s own (`me`), the one owner a person may ask for'),
  open: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Open ones only (`true`), closed ones only (`false`), or all'),
}).strict();
const Close = withExamples(
  z
    .object({
      outcome: CloseOutcome.default('fulfilled').describe('`fulfilled` (its owner) or `not_applicable` (the head of service)'),
      evidence: freeText(20_000).trim().min(1).describe('Fulfilled: how it was met; not applicable: why'),
    })
    .strict(),
  { evidence: 'Exchange agreement amended on 3 March; annex B limits it to evaluated intelligence.' },
  { outcome: 'not_applicable', evidence: 'The joint operation it concerned has ended.' },
);
const Reassign = withExamples(
  z
    .object({
      ownerId: PersonId.min(1).optional().describe('Who owns it from now on: an active person who works on notes (a drafter, reviewer, head of service or minister)'),
      dueAt: z.iso.datetime().optional().describe('When it is due from now on: a moment ahead, e.g. `2027-03-31T00:00:00Z`'),
    })
    .strict()
    .refine((body) => body.ownerId !== undefined || body.dueAt !== undefined, { message: 'name a new owner, a new due date, or both' }),
  { ownerId: 'bram.jansen' },
  { dueAt: '2027-03-31T00:00:00Z' },
);
const ON_A_CONDITION = [400, 401, 404, 503] as const;

interface Scope {
  sql: RouteDeps['sql'];
  service: ConditionService;
}

/** The route on a note: refused attempts on the record as on every route on a note. */
const onNote: FastifyPluginAsyncZod<Scope> = async (app, { sql, service }) => {
  app.addHook('onSend', auditRefusals(sql));
  app.get(
    '/notes/:id/conditions',
    {
      schema: {
        tags,
        summary: 'The conditions of an adopted note, in their order, with their text, owner, due date and state',
        params: Params,
        querystring: Page.strict(),
        response: { 200: ListOf(ConditionView), ...errorResponses(...ON_A_CONDITION) },
      },
    },
    async (request) => service.ofNote(request.actor, request.params.id, request.query),
  );
};

/** The routes on one condition, and the caller's own list. */
const onConditions: FastifyPluginAsyncZod<Scope> = async (app, { sql, service }) => {
  app.addHook('onSend', auditConditionRefusals(sql));

  app.get(
    '/conditions',
    {
      schema: {
        tags,
        summary: 'The conditions the caller owns, soonest due first (the open before the closed); without their text',
        querystring: OwnedQuery,
        response: { 200: ListOf(ConditionSummary), ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => service.owned(request.actor, request.query),
  );

  app.get(
    '/conditions/:id',
    { schema: { tags, summary: 'One condition with its text: to its owner and those who may read its note', params: Params, response: { 200: ConditionView, ...errorResponses(...ON_A_CONDITION) } } },
    async (request) => service.show(request.actor, request.params.id),
  );

  app.patch(
    '/conditions/:id',
    {
      schema: {
        tags,
        summary: 'Give an open condition another owner or due date (its owner, the note’s drafter or the head of service); on the record with before and after',
        description: 'A new due date starts its reminders afresh; the (new) owner is mailed. 400 when the owner named is no active person who works on notes.',
        params: Params,
        body: Reassign,
        response: { 200: ConditionView, ...errorResponses(...ON_A_CONDITION, 403, 409) },
      },
    },
    async (request) => service.reassign(request.actor, request.params.id, request.body),
  );

  app.post(
    '/conditions/:id/close',
    {
      schema: {
        tags,
        summary: 'Close an open condition: `fulfilled` by its owner with the evidence, or `not_applicable` by the head of service with the reason',
        params: Params,
        body: Close,
        response: { 200: ConditionView, ...errorResponses(...ON_A_CONDITION, 403, 409) },
      },
    },
    async (request) => service.close(request.actor, request.params.id, request.body),
  );
};

/** Conditions of adopted notes (issue 12): the rules are the condition service's (`api/condition-service.ts`). */
export const conditionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const scope = { sql: deps.sql, service: conditionService(deps) };
  await app.register(onNote, scope);
  await app.register(onConditions, scope);
};
