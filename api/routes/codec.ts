import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import type { Payload } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { type Authenticator, bearerToken, requireRole } from '../auth';
import { ApiError } from '../errors';
import { renderPage, sendPage } from '../pages';
import { errorResponses, withExamples } from '../schemas';

/**
 * Temporal's codec-server convention (POST /codec/decode and /codec/encode, payloads as protobuf JSON)
 * for the Temporal UI and CLI, so an operator reads workflow payloads decoded: references, stages,
 * decisions, hashes and deadlines, never content, which the workflows do not hold. Only the operator
 * role; only the UI's origins may call it from a browser. The CLI sends a bearer token
 * (`--codec-auth`); the UI sends the cookie set by signing in here, once "Include cross-origin
 * credentials" is on in its codec settings (or the identity provider's token, with pass-access-token).
 */

const COOKIE = 'codec_session';
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({ metadata: z.record(z.string().max(256), Base64).nullish(), data: Base64.nullish() });
const Payloads = z.object({ payloads: z.array(JsonPayload).max(10_000) });
// A payload as the Temporal UI sends one to decode: `binary/encrypted` under the key `k1` (its data made up).
const PayloadsToCode = withExamples(Payloads, { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==', 'encryption-key-id': 'azE=' }, data: 'q83vEjRWeJCrze8SNFZ4kA==' }] });
type JsonPayload = z.infer<typeof JsonPayload>;
const Headers = z.object({ 'x-namespace': z.string().max(256).optional() });
const SignIn = z.object({ token: z.string().trim().min(1).max(8_192) });

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: metadata ? Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])) : {},
  data: data ? Buffer.from(data, 'base64') : undefined,
});
const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: data ? Buffer.from(data).toString('base64') : undefined,
});

const codecToken = (request: FastifyRequest) => bearerToken(request) ?? request.cookies[COOKIE];

export const codecRoutes: FastifyPluginAsyncZod<AppDeps & { authenticate: Authenticator }> = async (app, deps) => {
  const { payloadCodec, namespace } = deps;
  await app.register(cors, { origin: deps.uiOrigins, credentials: true, methods: ['POST'], maxAge: 600 });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  const operatorOnly = [deps.authenticate.hook(codecToken), async (request: FastifyRequest) => requireRole(request.actor, 'operator')];
  const ownOrigin = new URL(deps.publicBaseUrl).origin;
  /** A form of these pages only: a cross-site post could otherwise sign an operator in as someone else, or out. */
  const fromHere = (request: FastifyRequest) => request.headers['sec-fetch-site'] === 'same-origin' || request.headers.origin === ownOrigin;

  for (const direction of ['decode', 'encode'] as const) {
    app.post(
      `/${direction}`,
      {
        schema: {
          tags: ['operations'],
          summary: `Temporal codec server: ${direction} payloads (operator)`,
          headers: Headers,
          body: PayloadsToCode,
          response: { 200: Payloads, ...errorResponses(400, 401, 403, 503) },
        },
        onRequest: operatorOnly,
        bodyLimit: 16 * 1024 * 1024,
      },
      async (request) => {
        const asked = request.headers['x-namespace'];
        if (asked && asked !== namespace) throw new ApiError(400, `this codec serves the namespace ${namespace}`);
        try {
          return { payloads: (await payloadCodec[direction](request.body.payloads.map(fromJson))).map(toJson) };
        } catch {
          throw new ApiError(400, `the payloads could not be ${direction}d: a key the codec does not hold, or altered data`);
        }
      },
    );
  }

  const page = (message?: string, kind: 'notice' | 'error' = 'notice') =>
    renderPage('codec-sign-in', { message, kind, endpoint: `${deps.publicBaseUrl}/codec`, action: './sign-in', signOut: './sign-out' });

  app.get('/sign-in', { schema: { hide: true } }, async (_request, reply) => sendPage(reply, 200, page()));

  app.post('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    if (!fromHere(request)) return sendPage(reply, 403, page('Sign in from this page itself.', 'error'));
    const form = SignIn.safeParse(request.body);
    if (!form.success) return sendPage(reply, 400, page('Paste your bearer token.', 'error'));
    let expiresAt: number;
    try {
      // Counted like any token presented: a refused one brings its sender nearer the limit.
      const identity = await deps.authenticate.identify(request, reply, form.data.token);
      requireRole(identity.actor, 'operator');
      expiresAt = identity.expiresAt;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 429) return sendPage(reply, 429, page('Too many refused tokens from here; try again in a minute.', 'error'));
      // One answer for an invalid token and for a valid one without the role: the page tells no one which tokens are good.
      return sendPage(reply, 401, page('This token does not let you decode: it is invalid, expired, or lacks the operator role.', 'error'));
    }
    reply.setCookie(COOKIE, form.data.token, {
      path: '/codec',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.publicBaseUrl.startsWith('https:'),
      maxAge: Math.max(0, expiresAt - Math.floor(Date.now() / 1000)),
    });
    return sendPage(reply, 200, page('Signed in: the Temporal UI decodes payloads for you until your token expires.'));
  });

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    if (!fromHere(request)) return sendPage(reply, 403, page('Sign out from this page itself.', 'error'));
    reply.clearCookie(COOKIE, { path: '/codec' });
    return sendPage(reply, 200, page('Signed out: the Temporal UI shows payloads encrypted.'));
  });
};
