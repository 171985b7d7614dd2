import { z } from 'zod';
import { buildApp } from '../api/app';
import { appDeps } from '../api/app-deps';
import { loadConfig } from '../config/env';
import { PRODUCTION_ENV } from './support/production-env';
import { sealer } from '../api/sealed-cookie';
import { SESSION_COOKIE } from '../api/staff-session';
import { browserOf, formValue, signedIn } from './support/staff';
import { useStack } from './support/stack';

/**
 * Signing in to the staff pages: a session in an encrypted, HttpOnly, SameSite=Strict cookie, ended
 * by signing out, by idleness and by age; forms carry the session's token; the development list of
 * people exists outside production only.
 */
const suite = useStack();

describe('the staff pages without a session', () => {
  it('send a visitor to the sign-in page, keeping where they were going', async () => {
    const res = await (await browserOf(suite.stack)).get('/app/notes?status=DRAFT');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/app/sign-in?next=%2Fapp%2Fnotes%3Fstatus%3DDRAFT');
  });

  it('offer the development sign-in, marked as such, with every active person, and its own form token', async () => {
    const res = await (await browserOf(suite.stack)).get('/app/sign-in');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('Development only.');
    expect(res.body).toContain('Anna de Vries');
    expect(res.body).toContain('value="gert.mulder"');
    expect(formValue(res.body, '_csrf')).toMatch(/^[\w-]{32}$/);
    const cookie = res.cookies.find((c) => c.name === 'wn_sign_in')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/app/sign-in' });
  });
});

describe('signing in and out', () => {
  it('signs in as a chosen person with a session cookie that is encrypted, HttpOnly and SameSite=Strict', async () => {
    const browser = await browserOf(suite.stack);
    const page = await browser.get('/app/sign-in?next=%2Fapp%2Fnotes');
    const res = await browser.post('/app/sign-in/development', { _csrf: formValue(page.body, '_csrf')!, personId: 'anna.devries', next: '/app/notes' });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/app/notes']);
    const session = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Nothing in it reads as who it is.
    expect(Buffer.from(session.value, 'base64url').toString('latin1')).not.toContain('anna');
    const [entry] = await suite.stack.sql`select action, details from audit_log where actor_id = 'anna.devries' and action = 'staff.signed_in' order by seq desc limit 1`;
    expect(entry).toMatchObject({ action: 'staff.signed_in', details: { via: 'development' } });
  });

  it('refuses a sign-in without its form token, another site’s, or for someone not active, signing no one in', async () => {
    const browser = await browserOf(suite.stack);
    const page = await browser.get('/app/sign-in');
    const csrf = formValue(page.body, '_csrf')!;
    for (const [form, status] of [
      [{ personId: 'anna.devries', _csrf: 'x'.repeat(32) }, 403],
      [{ personId: 'nobody.here', _csrf: csrf }, 403],
      [{ _csrf: csrf }, 400],
    ] as const) {
      const res = await browser.post('/app/sign-in/development', form);
      expect(res.statusCode).toBe(status);
      expect(res.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    }
    // A browser that never had the form (another site posting to it) has no token to match.
    const stranger = await browserOf(suite.stack);
    expect((await stranger.post('/app/sign-in/development', { personId: 'anna.devries', _csrf: csrf })).statusCode).toBe(403);
  });

  it('refuses a form of the signed-in pages without the session’s token, and signs out with it', async () => {
    const browser = await signedIn(suite.stack, 'carla.bakker');
    const forged = await browser.post('/app/sign-out', { _csrf: 'forged-token-forged-token-forged-token' });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toMatch(/text\/html/);
    expect(forged.body).toContain('This form has expired');
    expect((await browser.get('/app/sign-in')).statusCode).toBe(303);

    const out = await browser.post('/app/sign-out', {});
    expect([out.statusCode, out.headers.location]).toEqual([303, '/app/sign-in?signed_out']);
    const again = await browser.get('/app/notes');
    expect(again.headers.location).toBe('/app/sign-in?next=%2Fapp%2Fnotes');
  });

  it('shows who is signed in, with their roles, on every page', async () => {
    const browser = await signedIn(suite.stack, 'daan.visser');
    const page = await browser.get('/app/no-such-page');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Daan Visser');
    expect(page.body).toContain('Legal affairs');
    expect(page.body).toMatch(/Classification: Dep\. Vertrouwelijk/);
  });
});

describe('a session', () => {
  /** A session cookie as the application seals it, with the moments given. */
  const sealed = (personId: string, issuedAt: number, seenAt: number) =>
    sealer(suite.stack.config.SESSION_SECRET, 'staff-session', z.unknown()).seal({ personId, via: 'development', issuedAt, seenAt, csrf: 'c'.repeat(32) });
  const visit = (cookie: string) => suite.stack.app.inject({ method: 'GET', url: '/app/notes', headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });

  it.each([
    ['idle past SESSION_IDLE_TIMEOUT', () => sealed('carla.bakker', Date.now() - 60 * 60_000, Date.now() - 31 * 60_000), 'ended=idle'],
    ['past SESSION_MAX_AGE however active', () => sealed('carla.bakker', Date.now() - 13 * 3_600_000, Date.now() - 60_000), 'ended=expired'],
    ['of a person no longer active', () => sealed('nobody.here', Date.now() - 60_000, Date.now() - 60_000), 'ended=inactive'],
    ['altered', () => `${sealed('carla.bakker', Date.now(), Date.now()).slice(0, -2)}AA`, 'next='],
  ])('ends when %s', async (_what, cookie, says) => {
    const res = await visit(cookie());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain(says);
  });

  it('carries on while in use, within both limits', async () => {
    const res = await visit(sealed('carla.bakker', Date.now() - 3_600_000, Date.now() - 5 * 60_000));
    // No page at /app/notes answers 303: the session was taken.
    expect(res.statusCode).not.toBe(303);
  });
});

describe('in production', () => {
  it('has no development sign-in: no list of people, and its form answers 404 signing no one in', async () => {
    const config = loadConfig({ ...PRODUCTION_ENV, DATABASE_URL: suite.stack.config.DATABASE_URL });
    const app = await buildApp(appDeps(config, suite.stack.sql, suite.stack.client));
    try {
      const page = await app.inject({ method: 'GET', url: '/app/sign-in' });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('Development only');
      expect(page.body).not.toContain('anna.devries');
      expect(page.body).toContain('not configured');
      const csrf = formValue(page.body, '_csrf');
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const res = await app.inject({ method: 'POST', url: '/app/sign-in/development', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `personId=anna.devries&_csrf=${csrf}` });
      expect(res.statusCode).toBe(404);
      expect(res.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
