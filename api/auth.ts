import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config/env';
import type { Sql } from '../db/client';
import { findActivePerson } from '../db/people';
import { type Actor, hasRole, type Role, Role as RoleSchema } from '../domain/roles';
import { ApiError } from './errors';

const Claims = z.object({ sub: z.string().min(1), roles: z.array(z.string()) });

export type TokenVerifier = (token: string) => Promise<z.infer<typeof Claims>>;

/** HS256 with a shared secret in development; an identity provider's JWKS in production. */
export function createTokenVerifier(config: Pick<Config, 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL'>): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
    : new TextEncoder().encode(config.AUTH_JWT_SECRET);
  const algorithms = config.AUTH_JWKS_URL ? undefined : ['HS256'];
  return async (token) => {
    const { payload } = await jwtVerify(token, key as Uint8Array, { algorithms });
    return Claims.parse(payload);
  };
}

/**
 * The caller as the database knows them. The token may narrow the roles the person holds,
 * never widen them: roles are granted in the people table.
 */
export async function authenticate(request: FastifyRequest, verify: TokenVerifier, sql: Sql): Promise<Actor> {
  const header = request.headers.authorization;
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw new ApiError(401, 'a bearer token is required');
  let claims: z.infer<typeof Claims>;
  try {
    claims = await verify(token);
  } catch {
    throw new ApiError(401, 'the bearer token is invalid or expired');
  }
  const person = await findActivePerson(sql, claims.sub);
  if (!person) throw new ApiError(401, 'the token names no active person');
  const granted = claims.roles.filter((role): role is Role => RoleSchema.safeParse(role).success && person.roles.includes(role as Role));
  return { id: person.id, roles: granted };
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) {
    throw new ApiError(403, `this needs one of the roles: ${roles.join(', ')}`);
  }
}
