import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config/env';
import type { Sql } from '../db/client';
import { findActivePerson } from '../db/people';
import { type Actor, hasRole, PersonId, type Role, Role as RoleSchema } from '../domain/roles';
import { ApiError } from './errors';

const Claims = z.object({ sub: PersonId, roles: z.array(z.string()), iat: z.number(), exp: z.number() });

export type TokenVerifier = (token: string) => Promise<z.infer<typeof Claims>>;

export type TokenConfig = Pick<Config, 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_TOKEN_MAX_LIFETIME'>;

/** Signing algorithms accepted from an identity provider's JWKS; HS256 only with the shared secret. */
const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
/** Clocks of the provider and of this service may differ this much. */
const CLOCK_TOLERANCE_S = 30;

/**
 * HS256 with a shared secret in development; an identity provider's JWKS in production. A token must
 * name its issuer and audience, carry `iat` (not in the future) and `exp` (not past), and live no
 * longer than AUTH_TOKEN_MAX_LIFETIME: a token minted to last for ever is refused, whoever signed it.
 */
export function createTokenVerifier(config: TokenConfig): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
    : new TextEncoder().encode(config.AUTH_JWT_SECRET);
  const maxLifetimeS = Math.floor(config.AUTH_TOKEN_MAX_LIFETIME / 1000);
  const options = {
    algorithms: config.AUTH_JWKS_URL ? JWKS_ALGORITHMS : ['HS256'],
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: maxLifetimeS,
    clockTolerance: CLOCK_TOLERANCE_S,
  };
  return async (token) => {
    const { payload } = await jwtVerify(token, key as Uint8Array, options);
    const claims = Claims.parse(payload);
    if (claims.exp - claims.iat > maxLifetimeS) throw new Error('the token is made to live longer than allowed');
    return claims;
  };
}

/** The token of an `Authorization: Bearer …` header, if the request has one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/**
 * The caller as the database knows them. The token may narrow the roles the person holds,
 * never widen them: roles are granted in the people table.
 */
export async function identify(token: string | undefined, verify: TokenVerifier, sql: Sql): Promise<{ actor: Actor; expiresAt: number }> {
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
  return { actor: { id: person.id, roles: granted }, expiresAt: claims.exp };
}

export type Identity = Awaited<ReturnType<typeof identify>>;

/**
 * Identifies whoever presents a token, anywhere (bearer header, the codec's cookie, its sign-in
 * form). Tokens refused count per client address; successes and requests with no token at all (a
 * page of the Temporal UI before its operator signs in asks dozens of times) do not. A client that
 * has failed `failuresPerMinute` times is shut out (429) for the rest of the minute, whatever it
 * sends, so guessing gets nowhere. (Failures in flight together are counted as they end: a burst
 * can pass the limit by as many requests as it holds open at once.)
 */
export function createAuthenticator(app: FastifyInstance, verify: TokenVerifier, sql: Sql, failuresPerMinute: number) {
  const failures = app.createRateLimit({ max: failuresPerMinute, timeWindow: 60_000 });

  async function identifyRequest(request: FastifyRequest, reply: FastifyReply, token: string | undefined): Promise<Identity> {
    const limit = await failures(request, { increment: false });
    if (!limit.isAllowed && limit.remaining === 0) {
      reply.header('retry-after', String(limit.ttlInSeconds));
      throw new ApiError(429, 'too many failed attempts to authenticate; try again later');
    }
    try {
      return await identify(token, verify, sql);
    } catch (error) {
      if (token && error instanceof ApiError && error.status === 401) await failures(request);
      throw error;
    }
  }

  return {
    identify: identifyRequest,
    /** The onRequest hook of authenticated routes, reading the token where `tokenOf` finds it. */
    hook:
      (tokenOf: (request: FastifyRequest) => string | undefined = bearerToken) =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
        request.actor = (await identifyRequest(request, reply, tokenOf(request))).actor;
      },
  };
}
export type Authenticator = ReturnType<typeof createAuthenticator>;

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) {
    throw new ApiError(403, `this needs one of the roles: ${roles.join(', ')}`);
  }
}
