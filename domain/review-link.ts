import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Revision, Stage } from './pipeline';

/**
 * The personal link in a review email: signed, bound to one person, note, revision and stage, and
 * expiring. Its `jti` becomes the decision's id, so the workflow itself makes the link work once.
 */
export const ReviewLinkClaims = z.object({
  sub: z.string().min(1),
  note: z.uuid(),
  rev: Revision,
  stage: Stage,
  jti: z.uuid(),
});
export type ReviewLinkClaims = z.infer<typeof ReviewLinkClaims>;

const key = (secret: string) => new TextEncoder().encode(secret);

/** Issued at the moment the mail was queued: the same claims always give the same link. */
export function signReviewLink(secret: string, claims: ReviewLinkClaims, expiresAt: Date, issuedAt = new Date()): Promise<string> {
  const { sub, jti, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setJti(jti)
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(secret));
}

export type ReviewLinkCheck = { ok: true; claims: ReviewLinkClaims } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifyReviewLink(secret: string, token: string): Promise<ReviewLinkCheck> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
    const claims = ReviewLinkClaims.safeParse(payload);
    return claims.success ? { ok: true, claims: claims.data } : { ok: false, reason: 'invalid' };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
