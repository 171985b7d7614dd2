import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findPartner, insertPartner, listPartners } from '../../db/partners';
import { Partner, PartnerInput } from '../../domain/partner';
import { ROLES } from '../../domain/roles';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError } from '../errors';

const tags = ['partners'];

export const partnerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  app.post(
    '/partners',
    { schema: { tags, summary: 'Register a partner service', body: PartnerInput, response: { 201: Partner } } },
    async (request, reply) => {
      requireRole(request.actor, 'admin', 'drafter');
      const partner = await insertPartner(sql, randomUUID(), request.body, request.actor.id);
      if (!partner) throw new ApiError(409, 'a partner with this name and country exists');
      return reply.code(201).send(partner);
    },
  );

  app.get('/partners', { schema: { tags, summary: 'All partner services', response: { 200: z.array(Partner) } } }, async (request) => {
    requireRole(request.actor, ...ROLES);
    return listPartners(sql);
  });

  app.get(
    '/partners/:id',
    { schema: { tags, summary: 'One partner service', params: z.object({ id: z.uuid() }), response: { 200: Partner } } },
    async (request) => {
      requireRole(request.actor, ...ROLES);
      const partner = await findPartner(sql, request.params.id);
      if (!partner) throw new ApiError(404, 'no such partner');
      return partner;
    },
  );
};
