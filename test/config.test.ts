import { ConfigError, DEV_JWT_SECRET, devSecretsInUse, loadConfig } from '../config/env';

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
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
    });
    expect(config.MAIL_FROM).toMatch(/@/);
    expect(config.AUTH_JWKS_URL).toBeUndefined();
    expect(devSecretsInUse(config)).toEqual(['AUTH_JWT_SECRET', 'REVIEW_LINK_SECRET']);
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
    expect(devSecretsInUse(config)).toEqual(['REVIEW_LINK_SECRET']);
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
