import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../domain/roles';
import type { AppDeps, RouteDeps } from './app-deps';
import { createAuthenticator } from './auth';
import { errorHandler, sendError } from './errors';
import { harden, SERVER_OPTIONS } from './hardening';
import { consentService } from './consent-service';
import { noteService } from './note-service';
import { STAFF_PREFIX } from './staff/render';
import { staffApp } from './staff/staff-app';
import { staffSessions } from './staff-session';
import { auditRoutes } from './routes/audit';
import { codecRoutes } from './routes/codec';
import { consentReviewRoutes } from './routes/consent-review';
import { consentRoutes } from './routes/consents';
import { dossierRoutes } from './routes/dossier';
import { conditionRoutes } from './routes/conditions';
import { healthRoutes } from './routes/health';
import { homeRoutes } from './routes/home';
import { noteRoutes } from './routes/notes';
import { partnerRoutes } from './routes/partners';
import { peopleRoutes } from './routes/people';
import { portfolioRoutes } from './routes/portfolio';
import { reviewRoutes } from './routes/review';
import { taskRoutes } from './routes/tasks';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated route before its handler runs; null before (and on public routes). */
    actor: Actor;
  }
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  trustProxy?: FastifyServerOptions['trustProxy'];
}

export async function buildApp(appDeps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const deps: RouteDeps = { ...appDeps, noteService: noteService(appDeps), consentService: consentService(appDeps) };
  const app = Fastify({
    ...SERVER_OPTIONS,
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    // Review links carry a signed token in the path, longer than the router's default limit of 100.
    routerOptions: { maxParamLength: 2_048 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no route ${request.method} ${request.routeOptions.url ?? 'for this path'}`));
  app.decorateRequest('actor', null as unknown as Actor);
  await harden(app);
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Weighing notes', version: '0.1.0', description: 'Approval of weighing notes for foreign partner services.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // Swagger UI runs scripts of its own: its pages get its policy (its own scripts only), the API's
  // stays 'none'. It sets inline styles, so those are allowed there; the upgrade directive would
  // break the docs over plain http.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (csp) => csp.replace(/\s*upgrade-insecure-requests;?/, '').replace(/style-src [^;]*;/, "style-src 'self' 'unsafe-inline';"),
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  const authenticate = createAuthenticator(app, deps.verify, deps.sql, deps.limits.failedAuthPerMinute);
  await app.register(homeRoutes, deps);
  await app.register(healthRoutes, deps);
  await app.register(reviewRoutes, deps);
  await app.register(consentReviewRoutes, deps);
  await app.register(codecRoutes, { ...deps, authenticate, prefix: '/codec' });
  const { session, developmentSignIn, oidc } = deps.staff;
  await app.register(staffApp, {
    ...deps,
    sessions: staffSessions(session, deps.sql),
    signIn: { development: developmentSignIn, secret: session.secret, secure: session.secure, oidc },
    prefix: STAFF_PREFIX,
  });
  await app.register(async (authenticated) => {
    // onRequest, before body parsing: an anonymous caller learns nothing about what a body should be.
    authenticated.addHook('onRequest', authenticate.hook());
    await authenticated.register(partnerRoutes, deps);
    await authenticated.register(peopleRoutes, deps);
    await authenticated.register(noteRoutes, deps);
    await authenticated.register(taskRoutes, deps);
    await authenticated.register(auditRoutes, deps);
    await authenticated.register(consentRoutes, deps);
    await authenticated.register(conditionRoutes, deps);
    await authenticated.register(portfolioRoutes, deps);
    await authenticated.register(dossierRoutes, deps);
  });
  return app;
}
