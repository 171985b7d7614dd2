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

const tags = ['partners'];

/** A partner's identity is itself sensitive: who registered or read which partner is on the record. */
export const partnerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  app.post(
    '/partners',
    { schema: { tags, summary: 'Register a partner service', body: PartnerInput, response: { 201: Partner } } },
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

  app.get('/partners', { schema: { tags, summary: 'All partner services', response: { 200: z.array(Partner) } } }, async (request) => {
    requireRole(request.actor, ...STAFF_ROLES);
    const partners = await listPartners(sql);
    await auditEvent(sql, { actorId: request.actor.id, action: 'partner.list_read', noteId: null, details: { count: partners.length } });
    return partners;
  });

  app.get(
    '/partners/:id',
    { schema: { tags, summary: 'One partner service', params: z.object({ id: z.uuid() }), response: { 200: Partner } } },
    async (request) => {
      requireRole(request.actor, ...STAFF_ROLES);
      const partner = await findPartner(sql, request.params.id);
      if (!partner) throw new ApiError(404, 'no such partner');
      await auditEvent(sql, { actorId: request.actor.id, action: 'partner.read', noteId: null, details: { partnerId: partner.id } });
      return partner;
    },
  );
};
