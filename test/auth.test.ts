import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { createTokenVerifier, type TokenConfig } from '../api/auth';
import { DEV_AUTH_AUDIENCE, DEV_AUTH_ISSUER } from '../config/env';
import { devToken } from '../dev/dev-token';
import { claims, hs256, now, REFUSED_TOKENS } from './support/forged-tokens';
import { TEST_JWT_SECRET, useStack } from './support/stack';

const HOUR_MS = 3_600_000;
const hsConfig = (secret = TEST_JWT_SECRET): TokenConfig => ({
  AUTH_JWT_SECRET: secret,
  AUTH_JWKS_URL: undefined,
  AUTH_ISSUER: DEV_AUTH_ISSUER,
  AUTH_AUDIENCE: DEV_AUTH_AUDIENCE,
  AUTH_TOKEN_MAX_LIFETIME: 12 * HOUR_MS,
});

describe('bearer token verification', () => {
  const verify = createTokenVerifier(hsConfig());

  it('accepts a token with issuer, audience, iat and exp within the maximum lifetime, allowing a little clock skew', async () => {
    await expect(verify(await hs256(claims()))).resolves.toMatchObject({ sub: 'carla.bakker', roles: ['team_lead'] });
    await expect(verify(await hs256(claims({ iat: now() + 10 })))).resolves.toMatchObject({ sub: 'carla.bakker' });
    await expect(verify(await devToken(TEST_JWT_SECRET, { id: 'anna.devries', roles: ['drafter'] }))).resolves.toMatchObject({ sub: 'anna.devries' });
  });

  it.each(REFUSED_TOKENS.filter(([what]) => what !== 'a sub naming nobody'))('refuses %s', async (_what, token) => {
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
    for (const [i, [what, token]] of REFUSED_TOKENS.entries()) {
      const res = await get(await token(), i);
      expect([what, res.statusCode]).toEqual([what, 401]);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });
});
