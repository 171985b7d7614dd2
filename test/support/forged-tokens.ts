import { SignJWT, UnsecuredJWT } from 'jose';
import { DEV_AUTH_AUDIENCE, DEV_AUTH_ISSUER } from '../../config/env';
import { TEST_JWT_SECRET } from './stack';

export const now = () => Math.floor(Date.now() / 1000);

/** Claims as the API expects them, for Carla (team lead); each case spoils one. */
export function claims(change: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'carla.bakker', roles: ['team_lead'], iss: DEV_AUTH_ISSUER, aud: DEV_AUTH_AUDIENCE, iat: now(), exp: now() + 600, ...change };
}

export const hs256 = (payload: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

/** Every way a token must fail: the verifier and the API refuse each (401). */
export const REFUSED_TOKENS: [string, () => Promise<string>][] = [
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
