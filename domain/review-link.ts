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

/** An expired link is still a genuine one (its signature holds): its claims say whom a new link would go to. */
export type ReviewLinkCheck = { ok: true; claims: ReviewLinkClaims } | { ok: false; reason: 'expired'; claims: ReviewLinkClaims } | { ok: false; reason: 'invalid' };

export async function verifyReviewLink(secret: string, token: string): Promise<ReviewLinkCheck> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
    const claims = ReviewLinkClaims.safeParse(payload);
    return claims.success ? { ok: true, claims: claims.data } : { ok: false, reason: 'invalid' };
  } catch (error) {
    // jose checks the expiry only after the signature, so an expired link's claims are the issuer's.
    const claims = error instanceof errors.JWTExpired ? ReviewLinkClaims.safeParse(error.payload) : undefined;
    return claims?.success ? { ok: false, reason: 'expired', claims: claims.data } : { ok: false, reason: 'invalid' };
  }
}
