import { runEnv } from './support/run-env';
import { useStack } from './support/stack';

const suite = useStack();
/** The test run's Temporal UI, the origin this stack's codec endpoint answers CORS for. */
const UI = new URL(runEnv().TEST_TEMPORAL_UI).origin;
const b64 = (value: string) => Buffer.from(value).toString('base64');
const plainPayload = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ noteId: 'n-1', stage: 'TEAM_REVIEW' })) };

async function codec(direction: 'encode' | 'decode', body: unknown, headers: Record<string, string> = {}) {
  return suite.stack.app.inject({ method: 'POST', url: `/codec/${direction}`, headers: { 'content-type': 'application/json', ...headers }, payload: body as object });
}
const operator = () => suite.stack.auth('karel.smits');

describe('the codec endpoint (Temporal codec-server convention)', () => {
  it('encrypts and decrypts payloads for an operator, with the workers’ keys', async () => {
    const encoded = await codec('encode', { payloads: [plainPayload] }, { ...(await operator()), 'x-namespace': 'default' });
    expect(encoded.statusCode).toBe(200);
    const [sealed] = encoded.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads;
    expect(Buffer.from(sealed!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed!.data, 'base64').toString()).not.toContain('TEAM_REVIEW');

    const decoded = await codec('decode', { payloads: [sealed] }, await operator());
    expect(decoded.statusCode).toBe(200);
    expect(decoded.json()).toEqual({ payloads: [plainPayload] });
    expect(decoded.headers['cache-control']).toBe('no-store');
  });

  it('refuses anyone without the operator role, another namespace, malformed bodies and payloads it cannot open', async () => {
    expect((await codec('decode', { payloads: [] })).statusCode).toBe(401);
    for (const reviewer of ['gert.mulder', 'ivo.peters', 'joke.hendriks']) {
      expect((await codec('decode', { payloads: [] }, await suite.stack.auth(reviewer))).statusCode).toBe(403);
    }
    expect((await codec('decode', { payloads: [] }, { ...(await operator()), 'x-namespace': 'other' })).json()).toMatchObject({ error: { code: 'bad_request' } });
    for (const body of [{}, { payloads: 'x' }, { payloads: [{ data: 'not base64!' }] }]) {
      const res = await codec('decode', body, await operator());
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'bad_request', details: expect.any(Array) } });
    }
    const foreign = { metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('retired-key') }, data: b64('x'.repeat(40)) };
    expect((await codec('decode', { payloads: [foreign] }, await operator())).json()).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/could not be decoded/) } });
  });

  it('answers CORS for the Temporal UI’s origin only, and no other route answers CORS at all', async () => {
    const preflight = (origin: string) =>
      suite.stack.app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const allowed = await preflight(UI);
    expect(allowed.headers['access-control-allow-origin']).toBe(UI);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect((await preflight('https://elsewhere.example')).headers['access-control-allow-origin']).toBeUndefined();
    for (const url of ['/health', '/notes', '/openapi.json']) {
      const res = await suite.stack.app.inject({ method: 'GET', url, headers: { origin: UI } });
      expect([url, res.headers['access-control-allow-origin']]).toEqual([url, undefined]);
    }
  });

  it('lets an operator sign in for the UI: an HttpOnly, SameSite=Strict cookie on /codec that decodes in place of a bearer token', async () => {
    const page = await suite.stack.app.inject({ method: 'GET', url: '/codec/sign-in' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('Include cross-origin credentials');

    const own = new URL(suite.stack.config.PUBLIC_BASE_URL).origin;
    const form = (token: string, headers: Record<string, string> = { origin: own }) =>
      suite.stack.app.inject({ method: 'POST', url: '/codec/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams({ token }).toString() });
    const token = (await operator()).authorization.slice('Bearer '.length);
    // Only from the page itself: another site's form, or a post that says where it comes from nowhere, is refused.
    for (const from of [{ 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' }, { origin: 'https://elsewhere.example' }, {}] as Record<string, string>[]) {
      expect((await form(token, from)).statusCode).toBe(403);
    }
    // A good token without the role and a bad one get the same answer: the page tells no one which tokens are valid.
    const withoutRole = await form((await suite.stack.auth('gert.mulder')).authorization.slice(7));
    const invalid = await form('not-a-token');
    expect([withoutRole.statusCode, invalid.statusCode]).toEqual([401, 401]);
    expect(withoutRole.body).toEqual(invalid.body);

    const signedIn = await form(token, { 'sec-fetch-site': 'same-origin' });
    expect(signedIn.statusCode).toBe(200);
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(/^codec_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/codec/);
    const session = cookie.split(';')[0]!;
    const viaCookie = await codec('encode', { payloads: [plainPayload] }, { cookie: session, origin: UI });
    expect(viaCookie.statusCode).toBe(200);
    expect(viaCookie.headers['access-control-allow-origin']).toBe(UI);

    expect((await suite.stack.app.inject({ method: 'POST', url: '/codec/sign-out' })).statusCode).toBe(403);
    const signedOut = await suite.stack.app.inject({ method: 'POST', url: '/codec/sign-out', headers: { origin: own } });
    expect(String(signedOut.headers['set-cookie'])).toMatch(/^codec_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});
