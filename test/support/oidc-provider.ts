import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import Provider from 'oidc-provider';

/** The staff pages' client at the tests' identity provider. */
export const TEST_OIDC_CLIENT = { id: 'weighing-notes-staff', secret: 'test-oidc-client-secret-of-32-characters' };

/** What the provider says about an account besides its `sub`: a `roles` claim, or none. */
export interface TestAccount {
  roles?: string[];
}

export interface TestIdentityProvider {
  issuer: string;
  /**
   * A person at the provider's pages: from the authorization URL the application sent them to, signs
   * in as `accountId` and consents, following the provider's redirects with its cookies, and returns
   * where the provider sends them back (the redirect URI with `code`, `state` and `iss`).
   */
  signIn(authorizationUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (`oidc-provider`) on a free port of 127.0.0.1, with the application's client
 * registered (a secret, PKCE required) and the accounts given. Its one interaction page signs in the
 * account a form names and grants what the client asked for, as a provider's login and consent would.
 */
export async function startIdentityProvider(redirectUri: string, accounts: Record<string, TestAccount>): Promise<TestIdentityProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [{ client_id: TEST_OIDC_CLIENT.id, client_secret: TEST_OIDC_CLIENT.secret, redirect_uris: [redirectUri] }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-1', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], roles: ['roles'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const account = accounts[sub];
      return account && { accountId: sub, claims: async () => ({ sub, name: sub, email: `${sub}@idp.example`, ...account }) };
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || !ctx.path.startsWith('/interaction/')) return next();
    const accountId = new URLSearchParams(await text(ctx.req)).get('account') ?? '';
    const { params } = await provider.interactionDetails(ctx.req, ctx.res);
    const grant = new provider.Grant({ accountId, clientId: String(params.client_id) });
    grant.addOIDCScope(String(params.scope));
    const grantId = await grant.save();
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false }));
  });
  server.on('request', provider.callback());

  return {
    issuer,
    async signIn(authorizationUrl, accountId) {
      const cookies = new Map<string, string>();
      const visit = async (url: URL, init: RequestInit = {}): Promise<URL> => {
        const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
        for (const line of res.headers.getSetCookie()) {
          const [, name, value] = line.match(/^([^=]+)=([^;]*)/)!;
          cookies.set(name!, value!);
        }
        const location = res.headers.get('location');
        if (!location) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
        return new URL(location, url);
      };
      const interaction = await visit(new URL(authorizationUrl));
      const resume = await visit(interaction, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ account: accountId }) });
      // Back at the authorization endpoint, which now sends the browser to the client.
      return visit(resume);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
