import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tasksFor } from '../../db/notes';
import { readGrant } from '../../domain/need-to-know';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { NoteSummary } from '../schemas';

export const taskRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  app.get(
    '/tasks',
    { schema: { tags: ['tasks'], summary: 'The caller’s inbox: open stages they may decide, oldest due first', response: { 200: z.array(NoteSummary) } } },
    async (request) => {
      requireRole(request.actor, 'team_lead', 'legal', 'head_of_service', 'minister');
      return tasksFor(sql, request.actor.id, readGrant(request.actor));
    },
  );
};
