import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyAudit } from '../../db/audit';
import { pageOf } from '../../db/page';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { errorResponses, ListOf, Page } from '../schemas';

const AuditRow = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  noteId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  const tags = ['audit'];
  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: 'The audit trail, oldest first',
        querystring: Page.extend({ noteId: z.uuid().optional() }).strict(),
        response: { 200: ListOf(AuditRow), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      requireRole(request.actor, 'auditor');
      const { noteId } = request.query;
      const trail = await pageOf<Omit<z.infer<typeof AuditRow>, 'seq' | 'at'> & { seq: string; at: Date }>(
        sql,
        {
          select: sql`seq, at, actor_id, action, note_id, details, prev_hash, hash`,
          from: () => sql`from audit_log ${noteId ? sql`where note_id = ${noteId}` : sql``}`,
          orderBy: sql`order by seq`,
        },
        request.query,
      );
      return { ...trail, items: trail.items.map((row) => ({ ...row, seq: Number(row.seq), at: row.at.toISOString() })) };
    },
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
    async (request) => {
      requireRole(request.actor, 'auditor');
      return verifyAudit(sql);
    },
  );
};
