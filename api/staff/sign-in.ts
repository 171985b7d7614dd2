import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditEvent } from '../../db/audit';
import { findActivePerson, findPerson, listPeople } from '../../db/people';
import { PersonId } from '../../domain/roles';
import { ROLE_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { messagePage, renderPage, sendPage } from '../pages';
import { sealer } from '../sealed-cookie';
import type { StaffSessions } from '../staff-session';
import { identityProvider, OidcFailure, type OidcOptions } from './oidc';
import { STAFF_PREFIX } from './render';

export interface SignInOptions {
  /** The list of people to sign in as: development only (never with NODE_ENV=production). */
  development: boolean;
  /** Seals the sign-in form's own token, before any session exists. */
  secret: string;
  secure: boolean;
  /** The identity provider (production); absent where none is configured. */
  oidc?: OidcOptions;
}

const SIGN_IN_COOKIE = 'wn_sign_in';
const SIGN_IN_TTL_MS = 15 * 60_000;
const PreSession = z.object({ token: z.string().min(32), until: z.number().int() });
// Printable ASCII only: it goes into a Location or Refresh header as it is.
const Next = z.string().max(2_000).regex(/^\/app\/(?![/\\])[!-~]*$/, 'a page of this application').catch(`${STAFF_PREFIX}/`);
const SignInQuery = z.object({ next: Next.optional(), ended: z.enum(['idle', 'expired', 'inactive']).optional(), signed_out: z.string().optional() });
const DevelopmentForm = z.object({ personId: PersonId, _csrf: z.string().max(200), next: Next.optional() });
/** A sign-in with the identity provider under way: what the browser must bring back, and where it was going. */
const OIDC_FLOW_COOKIE = 'wn_oidc';
const OIDC_FLOW_TTL_MS = 10 * 60_000;
const OidcFlowCookie = z.object({ state: z.string().min(32), nonce: z.string().min(32), codeVerifier: z.string().min(43), next: Next, until: z.number().int() });
const OidcStart = z.object({ next: Next.optional() });
const OidcCallback = z.object({ state: z.string().max(1_000).optional() });

/** Whether a secret sent back is the one handed out, compared in constant time. */
function sameSecret(sent: string, kept: string): boolean {
  const [a, b] = [Buffer.from(sent), Buffer.from(kept)];
  return a.length === b.length && timingSafeEqual(a, b);
}

const ENDED: Record<'idle' | 'expired' | 'inactive', string> = {
  idle: 'You were signed out after a while without activity. Sign in again to go on.',
  expired: 'Your session has reached its longest lifetime. Sign in again to go on.',
  inactive: 'Your account is not active. Ask an administrator if this is wrong.',
};

const NO_OIDC = { text: 'Signing in with an identity provider is not configured here.', kind: 'error' } as const;
const RETRY_AFTER_S = '30';
/** Why a sign-in with the identity provider signed no one in: the answer's status, and the sentence shown. */
const REFUSED = {
  no_flow: [400, 'This sign-in has expired or has already been used. Sign in again.'],
  state_mismatch: [400, 'This sign-in did not start in this browser, or another one started since. Sign in again.'],
  refused: [403, 'The identity provider did not sign you in. Try again, or ask the service desk.'],
  invalid: [403, 'The identity provider’s answer did not hold up to the checks, so no one was signed in. Sign in again.'],
  unknown_person: [403, 'The identity provider knows you, but this application does not. Ask an administrator to add you.'],
  inactive_person: [403, ENDED.inactive],
  unavailable: [503, 'The identity provider cannot be reached just now, so no one was signed in. Try again in a moment.'],
} as const satisfies Record<string, readonly [number, string]>;

/**
 * Signing in and out of the staff pages. In development, a list of the people in the database to
 * sign in as, marked as such and absent in production; with an identity provider configured,
 * OpenID Connect. The sign-in form carries a token of its own (no session exists yet), sealed in a
 * short-lived cookie, so that no other site can sign a browser in as someone.
 */
export const signInRoutes: FastifyPluginAsync<RouteDeps & { sessions: StaffSessions; signIn: SignInOptions }> = async (app, { sql, sessions, signIn, publicBaseUrl }) => {
  const preSession = sealer(signIn.secret, 'staff-sign-in-form', PreSession);
  const oidcFlow = sealer(signIn.secret, 'staff-oidc-flow', OidcFlowCookie);
  const oidc = signIn.oidc && identityProvider(signIn.oidc, `${publicBaseUrl.replace(/\/$/, '')}${STAFF_PREFIX}/sign-in/callback`);

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
    return !!sealed && sealed.until >= Date.now() && sameSecret(posted, sealed.token);
  }

  async function page(reply: FastifyReply, status: number, next: string | undefined, message?: { text: string; kind: 'notice' | 'error' }) {
    const people = signIn.development ? (await listPeople(sql, { active: true, limit: 200, offset: 0 })).items : [];
    const html = renderPage('staff/sign-in', {
      title: 'Sign in',
      message,
      next: next ?? `${STAFF_PREFIX}/`,
      csrf: formToken(reply),
      development: signIn.development,
      oidc: oidc && { name: oidc.name, href: `${STAFF_PREFIX}/sign-in/oidc?${new URLSearchParams({ next: next ?? `${STAFF_PREFIX}/` })}` },
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

  app.get('/sign-in/oidc', { config: { signedOut: true }, schema: { hide: true } }, async (request, reply) => {
    const query = OidcStart.safeParse(request.query);
    const next = query.success ? query.data.next : undefined;
    if (!oidc) return page(reply, 404, next, NO_OIDC);
    let start: Awaited<ReturnType<typeof oidc.begin>>;
    try {
      start = await oidc.begin();
    } catch (error) {
      if (!(error instanceof OidcFailure)) throw error;
      request.log.warn({ err: error.cause }, 'identity provider unavailable');
      return page(reply.header('retry-after', RETRY_AFTER_S), 503, next, { text: REFUSED.unavailable[1], kind: 'error' });
    }
    // SameSite=Lax, not Strict: the provider sends the browser back here with a cross-site top-level
    // GET, which would not carry a Strict cookie. Lax carries it on such a GET only (never on another
    // site's POST or subrequest), and what it holds serves one sign-in, for minutes.
    reply.setCookie(OIDC_FLOW_COOKIE, oidcFlow.seal({ ...start.flow, next: next ?? `${STAFF_PREFIX}/`, until: Date.now() + OIDC_FLOW_TTL_MS }), {
      path: `${STAFF_PREFIX}/sign-in`,
      httpOnly: true,
      sameSite: 'lax',
      secure: signIn.secure,
      maxAge: OIDC_FLOW_TTL_MS / 1000,
    });
    return reply.redirect(start.url.href, 303);
  });

  app.get('/sign-in/callback', { config: { signedOut: true }, schema: { hide: true } }, async (request, reply) => {
    if (!oidc) return page(reply, 404, undefined, NO_OIDC);
    // Good for one answer, whatever it is: a second arrival (a replay, a reload) finds none.
    const flow = oidcFlow.unseal(request.cookies[OIDC_FLOW_COOKIE]);
    reply.clearCookie(OIDC_FLOW_COOKIE, { path: `${STAFF_PREFIX}/sign-in` });

    /** Signs no one in: on the record and in the log by its reason (never a code, a token or the query), a sentence on the page. */
    const refuse = async (reason: keyof typeof REFUSED, on: { actorId?: string; details?: Record<string, unknown>; cause?: unknown } = {}) => {
      const [status, text] = REFUSED[reason];
      request.log.warn({ reason, ...(on.cause === undefined ? {} : { err: on.cause }) }, 'staff sign-in refused');
      await auditEvent(sql, { actorId: on.actorId ?? null, action: 'staff.sign_in_refused', noteId: null, details: { via: 'oidc', reason, ip: request.ip, ...on.details } });
      if (status === 503) reply.header('retry-after', RETRY_AFTER_S);
      return page(reply, status, flow?.next, { text, kind: 'error' });
    };

    if (!flow || flow.until < Date.now()) return refuse('no_flow');
    const query = OidcCallback.safeParse(request.query);
    if (!query.success || !sameSecret(query.data.state ?? '', flow.state)) return refuse('state_mismatch');
    const callback = new URL(oidc.redirectUri);
    callback.search = new URL(request.url, callback).search;
    let identity: Awaited<ReturnType<typeof oidc.finish>>;
    try {
      identity = await oidc.finish(callback, flow);
    } catch (error) {
      if (!(error instanceof OidcFailure)) throw error;
      // The provider's error code (access_denied, invalid_grant) when it is one: the query is the sender's to write.
      const code = error.error && /^[a-z_]{1,64}$/.test(error.error) ? { error: error.error } : {};
      return refuse(error.reason, { cause: error.cause, details: code });
    }
    const known = PersonId.safeParse(identity.sub).success;
    const person = known ? await findPerson(sql, identity.sub) : undefined;
    if (!person) return refuse('unknown_person', { details: known ? { sub: identity.sub } : {} });
    if (!person.active) return refuse('inactive_person', { actorId: person.id });

    sessions.begin(reply, person.id, 'oidc', identity.roles);
    await auditEvent(sql, { actorId: person.id, action: 'staff.signed_in', noteId: null, details: { via: 'oidc', ip: request.ip } });
    // A page that moves on by itself rather than a 303: this request came from the provider's site,
    // and a redirect would keep the navigation cross-site, so the browser would leave the new
    // SameSite=Strict session cookie behind on the next request. A refresh starts a navigation here.
    return sendPage(reply.header('refresh', `0; url=${flow.next}`), 200, messagePage('Signed in', 'You are signed in; your page opens now.'));
  });

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    sessions.end(reply);
    await auditEvent(sql, { actorId: request.staff.person.id, action: 'staff.signed_out', noteId: null, details: {} });
    return reply.redirect(`${STAFF_PREFIX}/sign-in?signed_out`, 303);
  });
};
