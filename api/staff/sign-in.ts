import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditEvent } from '../../db/audit';
import { findActivePerson, listPeople } from '../../db/people';
import { PersonId } from '../../domain/roles';
import { ROLE_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { renderPage, sendPage } from '../pages';
import { sealer } from '../sealed-cookie';
import type { StaffSessions } from '../staff-session';
import { STAFF_PREFIX } from './render';

export interface SignInOptions {
  /** The list of people to sign in as: development only (never with NODE_ENV=production). */
  development: boolean;
  /** Seals the sign-in form's own token, before any session exists. */
  secret: string;
  secure: boolean;
}

const SIGN_IN_COOKIE = 'wn_sign_in';
const SIGN_IN_TTL_MS = 15 * 60_000;
const PreSession = z.object({ token: z.string().min(32), until: z.number().int() });
const Next = z.string().max(2_000).regex(/^\/app\/[^/\\]?/, 'a page of this application').catch(`${STAFF_PREFIX}/`);
const SignInQuery = z.object({ next: Next.optional(), ended: z.enum(['idle', 'expired', 'inactive']).optional(), signed_out: z.string().optional() });
const DevelopmentForm = z.object({ personId: PersonId, _csrf: z.string().max(200), next: Next.optional() });

const ENDED: Record<'idle' | 'expired' | 'inactive', string> = {
  idle: 'You were signed out after a while without activity. Sign in again to go on.',
  expired: 'Your session has reached its longest lifetime. Sign in again to go on.',
  inactive: 'Your account is not active. Ask an administrator if this is wrong.',
};

/**
 * Signing in and out of the staff pages. In development, a list of the people in the database to
 * sign in as, marked as such and absent in production; with an identity provider configured,
 * OpenID Connect. The sign-in form carries a token of its own (no session exists yet), sealed in a
 * short-lived cookie, so that no other site can sign a browser in as someone.
 */
export const signInRoutes: FastifyPluginAsync<RouteDeps & { sessions: StaffSessions; signIn: SignInOptions }> = async (app, { sql, sessions, signIn }) => {
  const preSession = sealer(signIn.secret, 'staff-sign-in-form', PreSession);

  function formToken(reply: FastifyReply): string {
    const token = randomBytes(24).toString('base64url');
    reply.setCookie(SIGN_IN_COOKIE, preSession.seal({ token, until: Date.now() + SIGN_IN_TTL_MS }), {
      path: `${STAFF_PREFIX}/sign-in`,
      httpOnly: true,
      sameSite: 'strict',
      secure: signIn.secure,
      maxAge: SIGN_IN_TTL_MS / 1000,
    });
    return token;
  }

  function formTokenValid(request: FastifyRequest, posted: string): boolean {
    const sealed = preSession.unseal(request.cookies[SIGN_IN_COOKIE]);
    if (!sealed || sealed.until < Date.now()) return false;
    const [a, b] = [Buffer.from(posted), Buffer.from(sealed.token)];
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async function page(reply: FastifyReply, status: number, next: string | undefined, message?: { text: string; kind: 'notice' | 'error' }) {
    const people = signIn.development ? (await listPeople(sql, { active: true, limit: 200, offset: 0 })).items : [];
    const html = renderPage('staff/sign-in', {
      title: 'Sign in',
      message,
      next: next ?? `${STAFF_PREFIX}/`,
      csrf: formToken(reply),
      development: signIn.development,
      people: people.map((p) => ({ id: p.id, name: p.name, roles: p.roles.map((role) => ROLE_NAME[role]).join(', ') })),
    });
    return sendPage(reply, status, html);
  }

  app.get('/sign-in', { config: { signedOut: true }, schema: { hide: true } }, async (request, reply) => {
    const query = SignInQuery.safeParse(request.query);
    const { next, ended, signed_out: signedOut } = query.success ? query.data : {};
    const state = await sessions.read(request, reply);
    if ('member' in state) return reply.redirect(next ?? `${STAFF_PREFIX}/`, 303);
    const message = ended ? { text: ENDED[ended], kind: 'notice' as const } : signedOut !== undefined ? { text: 'You have signed out.', kind: 'notice' as const } : undefined;
    return page(reply, 200, next, message);
  });

  app.post('/sign-in/development', { config: { signedOut: true }, schema: { hide: true } }, async (request, reply) => {
    if (!signIn.development) return page(reply, 404, undefined, { text: 'This way of signing in exists in development only.', kind: 'error' });
    const form = DevelopmentForm.safeParse(request.body);
    if (!form.success) return page(reply, 400, undefined, { text: 'Choose a person to sign in as.', kind: 'error' });
    if (!formTokenValid(request, form.data._csrf)) return page(reply, 403, form.data.next, { text: 'This sign-in form has expired. Try again.', kind: 'error' });
    const person = await findActivePerson(sql, form.data.personId);
    if (!person) return page(reply, 403, form.data.next, { text: 'No active person has that id.', kind: 'error' });
    sessions.begin(reply, person.id, 'development');
    reply.clearCookie(SIGN_IN_COOKIE, { path: `${STAFF_PREFIX}/sign-in` });
    await auditEvent(sql, { actorId: person.id, action: 'staff.signed_in', noteId: null, details: { via: 'development', ip: request.ip } });
    return reply.redirect(form.data.next ?? `${STAFF_PREFIX}/`, 303);
  });

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    sessions.end(reply);
    await auditEvent(sql, { actorId: request.staff.person.id, action: 'staff.signed_out', noteId: null, details: {} });
    return reply.redirect(`${STAFF_PREFIX}/sign-in?signed_out`, 303);
  });
};
