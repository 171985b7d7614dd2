import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { createTokenVerifier, type TokenConfig } from '../api/auth';
import { DEV_AUTH_AUDIENCE, DEV_AUTH_ISSUER } from '../config/env';
import { devToken } from '../dev/dev-token';
import { TEST_JWT_SECRET, useStack } from './support/stack';

const HOUR_MS = 3_600_000;
const now = () => Math.floor(Date.now() / 1000);
const hsConfig = (secret = TEST_JWT_SECRET): TokenConfig => ({
  AUTH_JWT_SECRET: secret,
  AUTH_JWKS_URL: undefined,
  AUTH_ISSUER: DEV_AUTH_ISSUER,
  AUTH_AUDIENCE: DEV_AUTH_AUDIENCE,
  AUTH_TOKEN_MAX_LIFETIME: 12 * HOUR_MS,
});

/** Claims as the API expects them, for Carla (team lead); each case spoils one. */
function claims(change: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'carla.bakker', roles: ['team_lead'], iss: DEV_AUTH_ISSUER, aud: DEV_AUTH_AUDIENCE, iat: now(), exp: now() + 600, ...change };
}
const hs256 = (payload: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

/** Every way a token must fail, each refused with 401 by the API and by the verifier alone. */
const REFUSED: [string, () => Promise<string>][] = [
  ['alg "none" (an unsigned token)', async () => new UnsecuredJWT(claims()).encode()],
  ['a wrong key', () => hs256(claims(), 'w'.repeat(40))],
  ['a wrong issuer', () => hs256(claims({ iss: 'https://elsewhere.example' }))],
  ['no issuer', () => hs256(claims({ iss: undefined }))],
  ['a wrong audience', () => hs256(claims({ aud: 'another-api' }))],
  ['no audience', () => hs256(claims({ aud: undefined }))],
  ['no exp', () => hs256(claims({ exp: undefined }))],
  ['an expired exp', () => hs256(claims({ iat: now() - 7200, exp: now() - 3600 }))],
  ['exp in the year 3000', () => hs256(claims({ exp: 32_503_680_000 }))],
  ['no iat', () => hs256(claims({ iat: undefined }))],
  ['iat in the future', () => hs256(claims({ iat: now() + 3600, exp: now() + 7200 }))],
  ['a lifetime over the maximum (13 h)', () => hs256(claims({ exp: now() + 13 * 3600 }))],
  ['an iat older than the maximum lifetime', () => hs256(claims({ iat: now() - 13 * 3600, exp: now() + 60 }))],
  ['no sub', () => hs256(claims({ sub: undefined }))],
  ['a sub with a NUL', () => hs256(claims({ sub: 'carla.bakker\u0000' }))],
  ['a sub naming nobody', () => hs256(claims({ sub: 'nobody.known' }))],
  ['no roles', () => hs256(claims({ roles: undefined }))],
  ['a garbled token', async () => 'not.a.token'],
];

describe('bearer token verification', () => {
  const verify = createTokenVerifier(hsConfig());

  it('accepts a token with issuer, audience, iat and exp within the maximum lifetime, allowing a little clock skew', async () => {
    await expect(verify(await hs256(claims()))).resolves.toMatchObject({ sub: 'carla.bakker', roles: ['team_lead'] });
    await expect(verify(await hs256(claims({ iat: now() + 10 })))).resolves.toMatchObject({ sub: 'carla.bakker' });
    await expect(verify(await devToken(TEST_JWT_SECRET, { id: 'anna.devries', roles: ['drafter'] }))).resolves.toMatchObject({ sub: 'anna.devries' });
  });

  it.each(REFUSED.filter(([what]) => what !== 'a sub naming nobody'))('refuses %s', async (_what, token) => {
    await expect(verify(await token())).rejects.toThrow();
  });

  describe('with an identity provider’s JWKS', () => {
    let server: Server;
    let config: TokenConfig;
    const keys: Record<string, KeyLike> = {};

    const sign = (alg: string, payload = claims()) => new SignJWT(payload).setProtectedHeader({ alg, kid: alg }).sign(keys[alg]!);

    beforeAll(async () => {
      const jwks: object[] = [];
      for (const alg of ['RS256', 'ES256', 'EdDSA', 'RS512']) {
        const pair = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
        keys[alg] = pair.privateKey;
        jwks.push({ ...(await exportJWK(pair.publicKey)), kid: alg, alg, use: 'sig' });
      }
      server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: jwks })));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      config = { ...hsConfig(), AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json` };
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('accepts RS256, ES256 and EdDSA from the provider', async () => {
      const jwksVerify = createTokenVerifier(config);
      for (const alg of ['RS256', 'ES256', 'EdDSA']) await expect(jwksVerify(await sign(alg))).resolves.toMatchObject({ sub: 'carla.bakker' });
    });

    it('refuses an algorithm it does not name, a foreign key, an HS256 token and a wrong audience', async () => {
      const jwksVerify = createTokenVerifier(config);
      await expect(jwksVerify(await sign('RS512'))).rejects.toThrow();
      const foreign = await generateKeyPair('RS256');
      await expect(jwksVerify(await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'RS256' }).sign(foreign.privateKey))).rejects.toThrow();
      await expect(jwksVerify(await hs256(claims()))).rejects.toThrow();
      await expect(jwksVerify(await sign('RS256', claims({ aud: 'another-api' })))).rejects.toThrow();
    });
  });
});

describe('the API with a bad bearer token', () => {
  const suite = useStack();

  it('answers a good token, and 401 in the error format to every bad one', async () => {
    // Each case from an address of its own: the limit on refused tokens per address is another test's.
    const get = (token: string, i = 0) => suite.stack.app.inject({ method: 'GET', url: '/notes', remoteAddress: `10.7.0.${i + 1}`, headers: { authorization: `Bearer ${token}` } });
    expect((await get(await hs256(claims()))).statusCode).toBe(200);
    for (const [i, [what, token]] of REFUSED.entries()) {
      const res = await get(await token(), i);
      expect([what, res.statusCode]).toEqual([what, 401]);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });
});
