import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ConsentStage } from './consent';
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

/**
 * The same link for a consent request: bound to one person, request, revision and stage. A note's
 * link names a `note`, a request's a `consent`; neither passes for the other.
 */
export const ConsentLinkClaims = z.object({
  sub: z.string().min(1),
  consent: z.uuid(),
  rev: Revision,
  stage: ConsentStage,
  jti: z.uuid(),
});
export type ConsentLinkClaims = z.infer<typeof ConsentLinkClaims>;

const key = (secret: string) => new TextEncoder().encode(secret);

/** Issued at the moment the mail was queued: the same claims always give the same link. */
async function signLink(secret: string, claims: { sub: string; jti: string }, expiresAt: Date, issuedAt: Date): Promise<string> {
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
export type LinkCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'expired'; claims: T } | { ok: false; reason: 'invalid' };
export type ReviewLinkCheck = LinkCheck<ReviewLinkClaims>;

async function verifyLink<T>(schema: z.ZodType<T>, secret: string, token: string): Promise<LinkCheck<T>> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
    const claims = schema.safeParse(payload);
    return claims.success ? { ok: true, claims: claims.data } : { ok: false, reason: 'invalid' };
  } catch (error) {
    // jose checks the expiry only after the signature, so an expired link's claims are the issuer's.
    const claims = error instanceof errors.JWTExpired ? schema.safeParse(error.payload) : undefined;
    return claims?.success ? { ok: false, reason: 'expired', claims: claims.data } : { ok: false, reason: 'invalid' };
  }
}

export const signReviewLink = (secret: string, claims: ReviewLinkClaims, expiresAt: Date, issuedAt = new Date()) => signLink(secret, claims, expiresAt, issuedAt);
export const verifyReviewLink = (secret: string, token: string) => verifyLink(ReviewLinkClaims, secret, token);

export const signConsentLink = (secret: string, claims: ConsentLinkClaims, expiresAt: Date, issuedAt = new Date()) => signLink(secret, claims, expiresAt, issuedAt);
export const verifyConsentLink = (secret: string, token: string) => verifyLink(ConsentLinkClaims, secret, token);
