import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app-deps';
import { ApiError, isUnavailable } from '../errors';
import { messagePage, sendPage } from '../pages';
import { formTokenMatches, type StaffMember, type StaffSessions } from '../staff-session';
import { draftRoutes } from './draft';
import { dossierPages } from './dossier';
import { notePages } from './notes';
import { auditPages } from './audit';
import { conditionPages } from './conditions';
import { consentPages } from './consents';
import { partnerPages } from './partners';
import { peoplePages } from './people';
import { portfolioPages } from './portfolio';
import { sendStaffPage, STAFF_PREFIX } from './render';
import { signInRoutes, type SignInOptions } from './sign-in';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, on every staff page but the sign-in pages. */
    staff: StaffMember;
  }
  interface FastifyContextConfig {
    /** A staff route anyone may reach: the sign-in pages. */
    signedOut?: boolean;
  }
}

export interface StaffAppDeps extends RouteDeps {
  sessions: StaffSessions;
  signIn: SignInOptions;
}

/** Where a request without a session is sent, keeping where it was going (a page of this application only). */
function signInAddress(request: FastifyRequest, ended: string): string {
  const next = request.method === 'GET' ? request.url : `${STAFF_PREFIX}/`;
  return `${STAFF_PREFIX}/sign-in?${new URLSearchParams({ next, ...(ended === 'none' ? {} : { ended }) })}`;
}

/** A refusal or failure as a page: in the staff layout for a member, plain before signing in. */
function errorPage(error: Error & Partial<Pick<FastifyError, 'validation'>>, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const [status, title, message] = isUnavailable(error)
    ? [503, 'Briefly unavailable', 'The service is briefly unavailable. Nothing was changed; try again in a moment.']
    : error instanceof ApiError
      ? [error.status, error.status === 404 ? 'Not found' : 'Not possible', error.status === 404 ? 'There is no such page, or it is not one you may see.' : error.message]
      : error.validation
        ? [400, 'Not possible', 'The request was not valid.']
        : [500, 'Something went wrong', 'Something went wrong on our side; nothing more is known to you. Try again, or tell the service desk the time.'];
  if (status === 503) reply.header('retry-after', '5');
  if (status === 500) request.log.error({ err: error }, 'staff page failed');
  if (request.staff) return sendStaffPage(reply, request.staff, { title, view: 'message', data: { message, kind: 'error' }, status });
  return sendPage(reply, status, messagePage(title, message, 'error'));
}

/**
 * The staff web application under /app: pages rendered on the server for people signed in with a
 * session (not a bearer token), calling the same services as the JSON API. Every form carries the
 * session's form token; a request without a session goes to the sign-in page.
 */
export const staffApp: FastifyPluginAsync<StaffAppDeps & { prefix?: string }> = async (app, { prefix: _prefix, ...deps }) => {
  // Room for the largest note the API takes (1 MiB of JSON), percent-encoded as a form.
  await app.register(formbody, { bodyLimit: 4 * 1024 * 1024 });
  app.decorateRequest('staff', null as unknown as StaffMember);
  app.setErrorHandler(errorPage);
  app.setNotFoundHandler((request, reply) => errorPage(new ApiError(404, 'no such page'), request, reply));

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.signedOut) return;
    const state = await deps.sessions.read(request, reply);
    if ('ended' in state) return reply.redirect(signInAddress(request, state.ended), 303);
    request.staff = state.member;
    if (request.method === 'POST' && !formTokenMatches(state.member, (request.body as { _csrf?: unknown } | undefined)?._csrf)) {
      throw new ApiError(403, 'This form has expired or did not come from this application. Go back, reload the page and try again.');
    }
  });

  await app.register(signInRoutes, deps);
  await app.register(partnerPages, deps);
  await app.register(auditPages, deps);
  await app.register(peoplePages, deps);
  await app.register(notePages, deps);
  await app.register(draftRoutes, deps);
  await app.register(consentPages, deps);
  await app.register(conditionPages, deps);
  await app.register(portfolioPages, deps);
  await app.register(dossierPages, deps);
};
