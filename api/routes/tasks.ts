import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { tasksFor } from '../../db/notes';
import { readGrant } from '../../domain/need-to-know';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { errorResponses, ListOf, NoteSummary, Page } from '../schemas';

export const taskRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  app.get(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'The caller’s inbox: open stages they may decide, oldest due first',
        querystring: Page.strict(),
        response: { 200: ListOf(NoteSummary), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      requireRole(request.actor, 'team_lead', 'legal', 'head_of_service', 'minister');
      return tasksFor(sql, request.actor.id, readGrant(request.actor), request.query);
    },
  );
};
