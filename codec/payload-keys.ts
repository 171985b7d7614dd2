import { z } from 'zod';

/** One key of the payload codec: AES-256, named by the id each payload it encrypts carries. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** The development key, so that a fresh clone starts; start-up warns loudly while it is in use. */
export const DEV_PAYLOAD_KEYS = 'dev-2026:1CmEE481oGeHMiSudkkR5OIRDSO+0wHdhbzTP9blk5M=';

const KEY_SPEC = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/]{43}=)$/;

/**
 * `PAYLOAD_KEYS`: comma-separated `<id>:<32 random bytes in base64>`. The first encrypts; every one
 * decrypts, so a new key goes first and an old one stays listed while executions still hold its
 * payloads.
 */
export const PayloadKeys = z.string().transform((value, ctx): PayloadKey[] => {
  const specs = value.split(',').map((spec) => spec.trim()).filter(Boolean);
  const keys = specs.flatMap((spec) => {
    const match = spec.match(KEY_SPEC);
    return match ? [{ id: match[1]!, key: Buffer.from(match[2]!, 'base64') }] : [];
  });
  if (!specs.length || keys.length !== specs.length) {
    ctx.addIssue({ code: 'custom', message: 'must be <id>:<32 bytes in base64>[,<id>:<key>…], e.g. k1:$(openssl rand -base64 32)' });
  } else if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'each key id at most once' });
  }
  return keys;
});
