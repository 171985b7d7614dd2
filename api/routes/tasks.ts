import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../app-deps';
import { errorResponses, ListOf, NoteSummary, Page } from '../schemas';

export const taskRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { noteService }) => {
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
    async (request) => noteService.tasks(request.actor, request.query),
  );
};
