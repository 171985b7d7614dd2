import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../domain/roles';
import type { AppDeps } from './app-deps';
import { authenticate } from './auth';
import { errorHandler, sendError } from './errors';
import { healthRoutes } from './routes/health';
import { noteRoutes } from './routes/notes';
import { partnerRoutes } from './routes/partners';
import { reviewRoutes } from './routes/review';
import { auditRoutes } from './routes/audit';
import { taskRoutes } from './routes/tasks';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated route before its handler runs. */
    actor: Actor;
  }
}

export async function buildApp(deps: AppDeps, options: { logger?: FastifyServerOptions['logger'] } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Review links carry a signed token in the path, longer than the router's default limit of 100.
    routerOptions: { maxParamLength: 2_048 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Weighing notes', version: '0.1.0', description: 'Approval of weighing notes for foreign partner services.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await app.register(healthRoutes, deps);
  await app.register(reviewRoutes, deps);
  app.decorateRequest('actor', null as unknown as Actor);
  await app.register(async (authenticated) => {
    // onRequest, before body parsing: an anonymous caller learns nothing about what a body should be.
    authenticated.addHook('onRequest', async (request) => {
      request.actor = await authenticate(request, deps.verify, deps.sql);
    });
    await authenticated.register(partnerRoutes, deps);
    await authenticated.register(noteRoutes, deps);
    await authenticated.register(taskRoutes, deps);
    await authenticated.register(auditRoutes, deps);
  });
  return app;
}
