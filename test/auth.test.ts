import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { createTokenVerifier } from '../api/auth';
import { devToken } from '../dev/dev-token';

const sign = (key: KeyLike, claims: Record<string, unknown>, alg = 'RS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).setSubject('carla.bakker').setExpirationTime('5m').sign(key);

describe('bearer token verification', () => {
  const secret = 's'.repeat(40);

  it('accepts an HS256 token signed with the secret, and refuses one signed otherwise or expired', async () => {
    const verify = createTokenVerifier({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: undefined });
    await expect(verify(await devToken(secret, { id: 'anna.devries', roles: ['drafter'] }))).resolves.toEqual(
      expect.objectContaining({ sub: 'anna.devries', roles: ['drafter'] }),
    );
    await expect(verify(await devToken('t'.repeat(40), { id: 'anna.devries', roles: ['drafter'] }))).rejects.toThrow();
    await expect(verify(await devToken(secret, { id: 'anna.devries', roles: ['drafter'] }, '-1m'))).rejects.toThrow();
  });

  describe('with an identity provider’s JWKS', () => {
    let server: Server;
    let url: string;
    let privateKey: KeyLike;

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('accepts a token signed by the provider and refuses a foreign key or an HS256 token', async () => {
      const verify = createTokenVerifier({ AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: url });
      await expect(verify(await sign(privateKey, { roles: ['team_lead'] }))).resolves.toEqual(
        expect.objectContaining({ sub: 'carla.bakker', roles: ['team_lead'] }),
      );
      const foreign = await generateKeyPair('RS256');
      await expect(verify(await sign(foreign.privateKey, { roles: ['team_lead'] }))).rejects.toThrow();
      await expect(verify(await devToken(secret, { id: 'carla.bakker', roles: ['team_lead'] }))).rejects.toThrow();
    });

    it('refuses a token without roles', async () => {
      const verify = createTokenVerifier({ AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: url });
      await expect(verify(await sign(privateKey, {}))).rejects.toThrow();
    });
  });
});
