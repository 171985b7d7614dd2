import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { z } from 'zod';

/**
 * A value kept in a cookie sealed with AES-256-GCM: the browser holds it but can neither read nor
 * change it. The key is derived from a secret for one purpose (HKDF), so that one secret seals
 * several kinds of cookie without one passing for another; the cookie's name is bound to it too.
 */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealer<T> {
  seal(value: T): string;
  /** The value, or undefined for anything not sealed by this sealer (forged, altered, another cookie's, malformed). */
  unseal(sealed: string | undefined): T | undefined;
}

export function sealer<T>(secret: string, purpose: string, schema: z.ZodType<T>): Sealer<T> {
  const key = Buffer.from(hkdfSync('sha256', secret, 'weighing-notes', purpose, 32));
  const aad = Buffer.from(purpose);
  return {
    seal(value) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
    },
    unseal(sealed) {
      if (!sealed || sealed.length > 8_192) return undefined;
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length < NONCE_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES)).setAAD(aad);
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
        const parsed = schema.safeParse(JSON.parse(plain));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
