/** Everything production needs but the value a test leaves out or spoils: no built-in secret, no development key. */
export const PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  AUTH_ISSUER: 'https://idp.example',
  AUTH_AUDIENCE: 'weighing-notes',
  REVIEW_LINK_SECRET: 'r'.repeat(40),
  SESSION_SECRET: 's'.repeat(40),
  PAYLOAD_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
};
