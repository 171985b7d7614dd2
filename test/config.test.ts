import { DEV_PAYLOAD_KEYS } from '../codec/payload-keys';
import { PRODUCTION_ENV } from './support/production-env';
import { ConfigError, DEV_JWT_SECRET, DEV_REVIEW_LINK_SECRET, DEV_SESSION_SECRET, devSecretsInUse, loadConfig } from '../config/env';

const SECRET = 'x'.repeat(32);

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe('loadConfig', () => {
  it('uses the defaults of API.md and the dev secret when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/weighing_notes',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'weighing-notes',
      SMTP_URL: 'smtp://127.0.0.1:1025',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      PORT: 3000,
      HOST: '127.0.0.1',
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      AUTH_ISSUER: 'weighing-notes-dev',
      AUTH_AUDIENCE: 'weighing-notes-api',
      AUTH_TOKEN_MAX_LIFETIME: 12 * 3600 * 1000,
      TEMPORAL_UI_ORIGINS: ['http://127.0.0.1:8233', 'http://localhost:8233'],
    });
    expect(config.MAIL_FROM).toMatch(/@/);
    expect(config.AUTH_JWKS_URL).toBeUndefined();
    expect(config.WORKFLOW_BUNDLE).toBeUndefined();
    expect(config.WORKFLOW_STACK_TRACES).toBe('off');
    expect(config.PAYLOAD_KEYS).toEqual([{ id: 'dev-2026', key: expect.any(Buffer) }]);
    expect(devSecretsInUse(config)).toEqual(['AUTH_JWT_SECRET', 'REVIEW_LINK_SECRET', 'SESSION_SECRET', 'PAYLOAD_KEYS']);
  });

  it('treats blank strings as unset', () => {
    const blank = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'PORT', 'SMTP_URL', 'PUBLIC_BASE_URL', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL'];
    expect(loadConfig(Object.fromEntries(blank.map((name) => [name, ''])))).toEqual(loadConfig({}));
  });

  it('takes values that are set, coercing PORT to a number', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5433/notes',
      TEMPORAL_ADDRESS: 'temporal.internal:7234',
      TEMPORAL_TASK_QUEUE: 'q',
      SMTP_URL: 'smtps://mail:465',
      PUBLIC_BASE_URL: 'https://notes.example',
      PORT: '8080',
      AUTH_JWT_SECRET: SECRET,
    });
    expect(config).toMatchObject({ DATABASE_URL: 'postgresql://u:p@db:5433/notes', TEMPORAL_ADDRESS: 'temporal.internal:7234', PORT: 8080 });
    expect(config.AUTH_JWT_SECRET).toBe(SECRET);
    expect(devSecretsInUse(config)).toEqual(['REVIEW_LINK_SECRET', 'SESSION_SECRET', 'PAYLOAD_KEYS']);
    // The development key set explicitly, even under another id, is still the development key.
    expect(devSecretsInUse(loadConfig({ PAYLOAD_KEYS: DEV_PAYLOAD_KEYS.replace('dev-2026', 'renamed') }))).toContain('PAYLOAD_KEYS');
  });

  it('reads the payload keys in order, the first to encrypt, and refuses malformed ones', () => {
    const [k2, k1] = ['k2:' + Buffer.alloc(32, 2).toString('base64'), 'k1:' + Buffer.alloc(32, 1).toString('base64')];
    expect(loadConfig({ PAYLOAD_KEYS: `${k2}, ${k1}` }).PAYLOAD_KEYS).toEqual([
      { id: 'k2', key: Buffer.alloc(32, 2) },
      { id: 'k1', key: Buffer.alloc(32, 1) },
    ]);
    for (const bad of ['k1', 'k1:short', `${k1},${k1}`, `bad id:${Buffer.alloc(32).toString('base64')}`, ',']) {
      expect(configErrorOf({ PAYLOAD_KEYS: bad }).message).toMatch(/^invalid configuration: PAYLOAD_KEYS: /);
    }
  });

  const production = PRODUCTION_ENV;

  it('starts in production with its own secrets and keys', () => {
    expect(devSecretsInUse(loadConfig(production))).toEqual([]);
  });

  it.each([
    ['PAYLOAD_KEYS', { PAYLOAD_KEYS: undefined }],
    ['PAYLOAD_KEYS', { PAYLOAD_KEYS: DEV_PAYLOAD_KEYS }],
    ['AUTH_JWT_SECRET', { AUTH_JWKS_URL: undefined, AUTH_JWT_SECRET: DEV_JWT_SECRET }],
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: undefined }],
    ['REVIEW_LINK_SECRET', { REVIEW_LINK_SECRET: undefined }],
    ['REVIEW_LINK_SECRET', { REVIEW_LINK_SECRET: DEV_REVIEW_LINK_SECRET }],
    ['SESSION_SECRET', { SESSION_SECRET: undefined }],
    ['SESSION_SECRET', { SESSION_SECRET: DEV_SESSION_SECRET }],
    ['AUTH_ISSUER', { AUTH_ISSUER: undefined }],
    ['AUTH_AUDIENCE', { AUTH_AUDIENCE: undefined }],
  ])('refuses in production a missing or development %s, in one line naming it', (name, change) => {
    const { message } = configErrorOf({ ...production, ...change });
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(new RegExp(`^invalid configuration: ${name}: `));
  });

  it.each([
    ['AUTH_OIDC_CLIENT_ID', { AUTH_OIDC_ISSUER: 'https://idp.example', AUTH_OIDC_CLIENT_SECRET: 'secret' }],
    ['AUTH_OIDC_CLIENT_SECRET', { AUTH_OIDC_ISSUER: 'https://idp.example', AUTH_OIDC_CLIENT_ID: 'weighing-notes' }],
    ['AUTH_OIDC_ISSUER', { AUTH_OIDC_CLIENT_ID: 'weighing-notes' }],
  ])('refuses an identity provider without its client, or a client without its provider, naming %s', (name, env) => {
    expect(configErrorOf(env).message).toMatch(new RegExp(`^invalid configuration: ${name}: `));
  });

  it('uses no secret at all when only AUTH_JWKS_URL is set', () => {
    const config = loadConfig({ AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_JWT_SECRET: '' });
    expect(config.AUTH_JWT_SECRET).toBeUndefined();
    expect(config.AUTH_JWKS_URL).toBe('https://idp.example/.well-known/jwks.json');
    expect(devSecretsInUse(config)).not.toContain('AUTH_JWT_SECRET');
  });

  it.each([
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://x'],
    ['TEMPORAL_ADDRESS', 'nohost'],
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['SMTP_URL', 'http://x'],
    ['PUBLIC_BASE_URL', 'ftp://x'],
    ['AUTH_JWT_SECRET', 'short'],
    ['AUTH_JWKS_URL', 'nope'],
    ['HOST', 'not a host!'],
    ['AUTH_TOKEN_MAX_LIFETIME', 'forever'],
    ['TEMPORAL_UI_ORIGINS', 'http://ui.example/with/path'],
    ['TRUST_PROXY', 'everyone'],
    ['NODE_ENV', 'staging'],
    ['WORKFLOW_BUNDLE', '/nonexistent/workflow-bundle.js'],
    ['WORKFLOW_STACK_TRACES', 'yes'],
  ])('refuses %s=%p with a one-line ConfigError naming it', (name, value) => {
    const { message } = configErrorOf({ [name]: value });
    expect(message).not.toMatch(/\n/);
    expect(message).toContain(`${name}:`);
  });

  it('names every bad variable at once', () => {
    const { message } = configErrorOf({ PORT: 'abc', SMTP_URL: 'http://x' });
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(/SMTP_URL:.*; PORT:|PORT:.*; SMTP_URL:/);
  });
});
