import { SignJWT } from 'jose';
import { DEV_AUTH_AUDIENCE, DEV_AUTH_ISSUER } from '../config/env';
import type { Person } from '../db/people';

export interface DevTokenOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now; within AUTH_TOKEN_MAX_LIFETIME, or the API refuses the token. */
  lifetimeS?: number;
}

/** A bearer token for a person, signed with an HS256 secret as the API expects of a development token. */
export function devToken(secret: string, person: Pick<Person, 'id' | 'roles'>, options: DevTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: person.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(person.id)
    .setIssuer(options.issuer ?? DEV_AUTH_ISSUER)
    .setAudience(options.audience ?? DEV_AUTH_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeS ?? 12 * 3600))
    .sign(new TextEncoder().encode(secret));
}
