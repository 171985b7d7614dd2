import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit, auditEvent } from '../../db/audit';
import { findPartner, insertPartner, listPartners } from '../../db/partners';
import { Partner, PartnerInput } from '../../domain/partner';
import { STAFF_ROLES } from '../../domain/roles';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError } from '../errors';
import { errorResponses, ListOf, Page, withExamples } from '../schemas';

const tags = ['partners'];
const NewPartner = withExamples(PartnerInput, { name: 'Coastal Naval Intelligence', country: 'Marinia', kind: 'military', relationship: 'nato', srmPriority: 3 });

/** A partner's identity is itself sensitive: who registered or read which partner is on the record. */
export const partnerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  app.post(
    '/partners',
    { schema: { tags, summary: 'Register a partner service', body: NewPartner, response: { 201: Partner, ...errorResponses(400, 401, 403, 409, 503) } } },
    async (request, reply) => {
      requireRole(request.actor, 'admin', 'drafter');
      const actorId = request.actor.id;
      const partner = await sql.begin(async (tx) => {
        const created = await insertPartner(tx, randomUUID(), request.body, actorId);
        if (created) await appendAudit(tx, { eventKey: `partner/${created.id}/created`, at: new Date(), actorId, action: 'partner.created', noteId: null, details: { partnerId: created.id } });
        return created;
      });
      if (!partner) throw new ApiError(409, 'a partner with this name and country exists');
      return reply.code(201).send(partner);
    },
  );

  app.get(
    '/partners',
    { schema: { tags, summary: 'The partner services, by SRM priority and name', querystring: Page.strict(), response: { 200: ListOf(Partner), ...errorResponses(400, 401, 403, 503) } } },
    async (request) => {
      requireRole(request.actor, ...STAFF_ROLES);
      const partners = await listPartners(sql, request.query);
      await auditEvent(sql, { actorId: request.actor.id, action: 'partner.list_read', noteId: null, details: { count: partners.items.length } });
      return partners;
    },
  );

  app.get(
    '/partners/:id',
    { schema: { tags, summary: 'One partner service', params: z.object({ id: z.uuid() }), response: { 200: Partner, ...errorResponses(400, 401, 403, 404, 503) } } },
    async (request) => {
      requireRole(request.actor, ...STAFF_ROLES);
      const partner = await findPartner(sql, request.params.id);
      if (!partner) throw new ApiError(404, 'no such partner');
      await auditEvent(sql, { actorId: request.actor.id, action: 'partner.read', noteId: null, details: { partnerId: partner.id } });
      return partner;
    },
  );
};
