import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Partner, PartnerChange, PartnerInput } from '../../domain/partner';
import type { AppDeps } from '../app-deps';
import { partnerService } from '../partner-service';
import { errorResponses, ListOf, Page, withExamples } from '../schemas';

const tags = ['partners'];
const params = z.object({ id: z.uuid() });
const NewPartner = withExamples(PartnerInput, { name: 'Coastal Naval Intelligence', country: 'Marinia', kind: 'military', relationship: 'nato', srmPriority: 3 });

/** Partner services: the rules, and what goes on the record, are the partner service's (`api/partner-service.ts`). */
export const partnerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  const partners = partnerService({ sql });

  app.post(
    '/partners',
    { schema: { tags, summary: 'Register a partner service', body: NewPartner, response: { 201: Partner, ...errorResponses(400, 401, 403, 409, 503) } } },
    async (request, reply) => reply.code(201).send(await partners.create(request.actor, request.body)),
  );

  app.get(
    '/partners',
    { schema: { tags, summary: 'The partner services, by SRM priority and name', querystring: Page.strict(), response: { 200: ListOf(Partner), ...errorResponses(400, 401, 403, 503) } } },
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
        summary: 'Change a partner service’s name, country, kind, relationship or SRM priority',
        description: 'On the record with the partner before and after (`partner.updated`); setting what is so already changes nothing. 409 when another partner has the name and country.',
        params,
        body: withExamples(PartnerChange, { srmPriority: 2 }, { name: 'Coastal Naval Intelligence Command', relationship: 'bilateral' }),
        response: { 200: Partner, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => (await partners.update(request.actor, request.params.id, request.body)).partner,
  );
};
