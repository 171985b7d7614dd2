import { types } from 'node:util';
import * as client from 'openid-client';
import { z } from 'zod';
import { Role } from '../../domain/roles';

/** The identity provider staff sign in with, and this application's client there (AUTH_OIDC_*). */
export interface OidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** What a sign-in keeps in the browser (sealed) between leaving for the provider and coming back. */
export interface OidcFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who the provider vouches for: `sub`, and the roles it names if it names any. */
export interface OidcIdentity {
  sub: string;
  /** The roles claim, read as roles of this application (others dropped); undefined: the provider names none. */
  roles?: Role[];
}

/**
 * Why a sign-in with the provider came to nothing: it could not be reached (or answered nonsense),
 * it refused (the person cancelled, a code already used: `error` is its OAuth error code), or its
 * answer failed a check (state, nonce, issuer, audience, signature, expiry).
 */
export class OidcFailure extends Error {
  constructor(
    readonly reason: 'unavailable' | 'refused' | 'invalid',
    cause: unknown,
    readonly error?: string,
  ) {
    super(`sign-in with the identity provider: ${reason}`, { cause });
  }
}

/** Each request to the provider (discovery, code exchange, userinfo) may take this long, in seconds. */
const TIMEOUT_S = 5;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** A roles claim that is there but not a list of strings narrows to no roles rather than being ignored. */
const RolesClaim = z.array(z.string()).catch([]);

/**
 * fetch's own failure (refused, reset, no such host): a TypeError with its cause, told without
 * `instanceof`, as fetch's errors are of Node's realm, which a sandbox such as jest's does not share
 * (there openid-client does not know it either, and wraps it); or a timeout or a provider's 5xx,
 * which openid-client codes.
 */
function unreachable(error: unknown): boolean {
  if (error instanceof client.ClientError) return ['OAUTH_TIMEOUT', 'OAUTH_RESPONSE_IS_NOT_CONFORM'].includes(error.code ?? '') || unreachable(error.cause);
  return types.isNativeError(error) && error.name === 'TypeError' && error.cause !== undefined;
}

function failure(error: unknown): OidcFailure {
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) return new OidcFailure('refused', error, error.error);
  return new OidcFailure(unreachable(error) ? 'unavailable' : 'invalid', error);
}

/**
 * OpenID Connect with `openid-client`: authorization code with PKCE (S256), state and nonce, the ID
 * token checked by the library (signature, issuer, audience = client id, nonce, expiry). The
 * provider's metadata is discovered once and kept; a failed discovery is tried again next time.
 * Plain http is allowed to a provider on this machine only.
 */
export function identityProvider(options: OidcOptions, redirectUri: string) {
  const issuer = new URL(options.issuer);
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(issuer, options.clientId, undefined, client.ClientSecretBasic(options.clientSecret), {
        timeout: TIMEOUT_S,
        execute: issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname) ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw new OidcFailure('unavailable', error);
      });
    return discovered;
  }

  return {
    /** How the sign-in page names the provider. */
    name: issuer.host,
    /** Where the provider sends the browser back (PUBLIC_BASE_URL + /app/sign-in/callback). */
    redirectUri,

    /** Where to send the browser, and what it must bring back. */
    async begin(): Promise<{ url: URL; flow: OidcFlow }> {
      const config = await configuration();
      const flow = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      // The roles the provider vouches for, where it has such a scope; without one the database's count.
      const scope = ['openid', 'profile', 'email', ...(config.serverMetadata().scopes_supported?.includes('roles') ? ['roles'] : [])];
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: scope.join(' '),
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, flow };
    },

    /** The person the provider vouches for, from its answer at the redirect URI (`callback`, with its query). */
    async finish(callback: URL, flow: OidcFlow): Promise<OidcIdentity> {
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
        });
        const claims = tokens.claims()!;
        // In the code flow a provider may put the roles in userinfo rather than in the ID token.
        const roles =
          claims.roles ?? (config.serverMetadata().userinfo_endpoint ? (await client.fetchUserInfo(config, tokens.access_token, claims.sub)).roles : undefined);
        return { sub: claims.sub, roles: roles === undefined ? undefined : RolesClaim.parse(roles).filter((role): role is Role => Role.safeParse(role).success) };
      } catch (error) {
        throw failure(error);
      }
    },
  };
}
export type IdentityProvider = ReturnType<typeof identityProvider>;
