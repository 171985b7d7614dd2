import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';

const State = z.enum(['up', 'down']);
const Health = z.object({ status: z.enum(['ok', 'unavailable']), database: State, temporal: State });

const CHECK_MS = 3_000;

const within = <T>(ms: number, work: Promise<T>) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

async function check(work: () => Promise<unknown>): Promise<'up' | 'down'> {
  try {
    await within(CHECK_MS, work());
    return 'up';
  } catch {
    return 'down';
  }
}

export const healthRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql, temporal }) => {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'State of the database and Temporal', response: { 200: Health.describe('Both are up'), 503: Health.describe('The database or Temporal is down') } } },
    async (_request, reply) => {
      const [database, temporalState] = await Promise.all([
        check(() => sql`select 1`),
        // The call's own deadline, not only the race above: with Temporal down, the client would go on
        // retrying a probe for some 20 s after it was answered, one more such call per probe.
        check(() => temporal.withDeadline(Date.now() + CHECK_MS, () => temporal.workflowService.getSystemInfo({}))),
      ]);
      const up = database === 'up' && temporalState === 'up';
      return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', database, temporal: temporalState });
    },
  );
};
