import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { AuditQuery, auditService } from '../audit-service';
import { errorResponses, ListOf } from '../schemas';

const AuditRow = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable().describe('The name of the person who acted; null where no person did, or one the people table does not know'),
  action: z.string(),
  noteId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  const tags = ['audit'];
  const audit = auditService({ sql });

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: 'The audit trail, oldest first; filtered by note, person, action and days',
        querystring: AuditQuery,
        response: { 200: ListOf(AuditRow), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => audit.trail(request.actor, request.query),
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags,
        summary: 'Whether the trail is whole and unaltered; the first broken link if not',
        response: {
          200: z.object({ ok: z.boolean(), checked: z.number().int(), firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).optional() }),
          ...errorResponses(401, 403, 503),
        },
      },
    },
    async (request) => audit.verify(request.actor),
  );
};
