import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Partner, PartnerChange, PartnerInput, SrmPriorityEntry, SrmPriorityInput } from '../../domain/partner';
import type { AppDeps } from '../app-deps';
import { partnerService } from '../partner-service';
import { errorResponses, ListOf, Page, withExamples } from '../schemas';

const tags = ['partners'];
const params = z.object({ id: z.uuid() });
const NewPartner = withExamples(PartnerInput, {
  name: 'Coastal Naval Intelligence',
  country: 'Marinia',
  kind: 'military',
  relationships: [
    { kind: 'nato', since: '2004-03-29' },
    { kind: 'bilateral', since: '2011-09-01' },
  ],
});

/** Partner services: the rules, and what goes on the record, are the partner service's (`api/partner-service.ts`). */
export const partnerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  const partners = partnerService({ sql });

  app.post(
    '/partners',
    {
      schema: {
        tags,
        summary: 'Register a partner service',
        description: 'With at least one relationship, each kind once and with the day it began. A new partner has no SRM priority until the head of service sets one (`PUT /partners/{id}/srm-priority`).',
        body: NewPartner,
        response: { 201: Partner, ...errorResponses(400, 401, 403, 409, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await partners.create(request.actor, request.body)),
  );

  app.get(
    '/partners',
    { schema: { tags, summary: 'The partner services, by SRM priority (those without one last) and name', querystring: Page.strict(), response: { 200: ListOf(Partner), ...errorResponses(400, 401, 403, 503) } } },
    async (request) => partners.list(request.actor, request.query),
  );

  app.get(
    '/partners/:id',
    { schema: { tags, summary: 'One partner service', params, response: { 200: Partner, ...errorResponses(400, 401, 403, 404, 503) } } },
    async (request) => partners.show(request.actor, request.params.id),
  );

  app.patch(
    '/partners/:id',
    {
      schema: {
        tags,
        summary: 'Change a partner service’s name, country, kind or relationships',
        description:
          'On the record with the partner before and after (`partner.updated`); setting what is so already changes nothing. `relationships` replaces them all. 409 when another partner has the name and country. The SRM priority is set apart, by the head of service.',
        params,
        body: withExamples(PartnerChange, { relationships: [{ kind: 'eu', since: '2019-01-15' }] }, { name: 'Coastal Naval Intelligence Command', kind: 'combined' }),
        response: { 200: Partner, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => (await partners.update(request.actor, request.params.id, request.body)).partner,
  );

  app.put(
    '/partners/:id/srm-priority',
    {
      schema: {
        tags,
        summary: 'Set a partner service’s SRM priority (head of service)',
        description:
          'The head of service alone, with a justification. Each setting is kept (who, when, from what, to what, why) and on the record (`partner.srm_priority_set`, naming the setting, not its justification). Setting the priority the partner has already changes nothing and answers the setting that gave it.',
        params,
        body: withExamples(SrmPriorityInput, { priority: 2, justification: 'Main partner for the northern flank since the 2026 exercises; exchange is frequent and reliable.' }),
        response: { 200: SrmPriorityEntry.describe('The setting that gives the partner its priority'), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => (await partners.setPriority(request.actor, request.params.id, request.body)).entry,
  );

  app.get(
    '/partners/:id/srm-priority',
    {
      schema: {
        tags,
        summary: 'The history of a partner service’s SRM priority, newest first',
        description: 'The newest setting is the priority the partner has; none: it has none yet.',
        params,
        querystring: Page.strict(),
        response: { 200: ListOf(SrmPriorityEntry), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => partners.priorityHistory(request.actor, request.params.id, request.query),
  );
};
