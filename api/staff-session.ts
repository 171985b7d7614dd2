import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { findActivePerson, type Person } from '../db/people';
import { type Actor, PersonId, Role } from '../domain/roles';
import { sealer } from './sealed-cookie';

/**
 * A staff member signed in to the pages: who (the people table decides their roles at each request,
 * so a deactivated person is out at once), since when, last seen when, and the form token that every
 * form of theirs carries (CSRF). Kept in an encrypted, HttpOnly, SameSite=Strict cookie; no server
 * state, so any API instance serves any page.
 */
const SessionData = z.object({
  personId: PersonId,
  /** Roles the identity provider vouched for, narrowing those held; absent: all held (development sign-in). */
  roles: z.array(Role).optional(),
  via: z.enum(['development', 'oidc']),
  issuedAt: z.number().int(),
  seenAt: z.number().int(),
  csrf: z.string().min(32),
});
type SessionData = z.infer<typeof SessionData>;

export const SESSION_COOKIE = 'wn_session';
/** The cookie is re-sealed with a new `seenAt` at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionPolicy {
  secret: string;
  /** Signed out after this long without a request. */
  idleMs: number;
  /** Signed out this long after signing in, however active. */
  maxAgeMs: number;
  /** Cookies only over HTTPS (PUBLIC_BASE_URL is https). */
  secure: boolean;
}

export interface StaffMember {
  person: Person;
  actor: Actor;
  /** The form token: every form posts it back as `_csrf`. */
  csrf: string;
  via: SessionData['via'];
}

export type SessionState = { member: StaffMember } | { ended: 'none' | 'idle' | 'expired' | 'inactive' };

export function staffSessions(policy: SessionPolicy, sql: Sql) {
  const cookie = sealer(policy.secret, 'staff-session', SessionData);
  const options = (maxAgeMs: number) => ({ path: '/', httpOnly: true, sameSite: 'strict' as const, secure: policy.secure, maxAge: Math.floor(maxAgeMs / 1000) });

  function write(reply: FastifyReply, data: SessionData): void {
    reply.setCookie(SESSION_COOKIE, cookie.seal(data), options(policy.maxAgeMs - (data.seenAt - data.issuedAt)));
  }

  return {
    /** Starts a session for a person the caller has identified (development list, identity provider). */
    begin(reply: FastifyReply, personId: string, via: SessionData['via'], roles?: Role[]): void {
      const now = Date.now();
      write(reply, { personId, roles, via, issuedAt: now, seenAt: now, csrf: randomBytes(24).toString('base64url') });
    },

    end(reply: FastifyReply): void {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },

    /** The signed-in staff member, the session kept alive; or why there is none. */
    async read(request: FastifyRequest, reply: FastifyReply): Promise<SessionState> {
      const data = cookie.unseal(request.cookies[SESSION_COOKIE]);
      if (!data) return { ended: 'none' };
      const now = Date.now();
      if (now - data.issuedAt > policy.maxAgeMs) return { ended: 'expired' };
      if (now - data.seenAt > policy.idleMs) return { ended: 'idle' };
      const person = await findActivePerson(sql, data.personId);
      if (!person) return { ended: 'inactive' };
      if (now - data.seenAt > TOUCH_EVERY_MS) write(reply, { ...data, seenAt: now });
      const roles = data.roles ? person.roles.filter((role) => data.roles!.includes(role)) : person.roles;
      return { member: { person, actor: { id: person.id, roles }, csrf: data.csrf, via: data.via } };
    },
  };
}
export type StaffSessions = ReturnType<typeof staffSessions>;

/** Whether a posted form token is the session's own, compared in constant time. */
export function formTokenMatches(member: StaffMember, posted: unknown): boolean {
  if (typeof posted !== 'string') return false;
  const [a, b] = [Buffer.from(posted), Buffer.from(member.csrf)];
  return a.length === b.length && timingSafeEqual(a, b);
}
