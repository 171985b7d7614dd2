import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import { safeError } from '../clients/logger';
import { errorBody, sendError } from './errors';

/**
 * What every response of the API shares, whatever route answers: security headers, no caching, a
 * request id, the access log, and the JSON error format even for requests Fastify cannot route.
 */


/** For a page that needs its own policy (the review page, the docs); everything else gets this one. */
export const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] };

/**
 * The access log: method, route pattern (never the path: a review link's path is its key), status,
 * time, person and request id; never a token, a query or a body. Fastify's own request lines would
 * log URLs, so they are replaced, not added to.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime), person: request.actor?.id ?? null },
      'request',
    );
  }
}

export const SERVER_OPTIONS = {
  genReqId: () => randomUUID(),
  logController: new AccessLog(),
  frameworkErrors: (error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply) =>
    error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? sendError(reply, 414, 'the path is too long') : sendError(reply, 400, 'the path is not valid'),
  clientErrorHandler: answerMalformedRequest,
} satisfies FastifyServerOptions;

/**
 * Node refuses a request it cannot parse (raw non-ASCII in the path, headers too large) before
 * Fastify sees it; the answer still takes the API's error format.
 */
function answerMalformedRequest(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify(errorBody(status, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

export async function harden(app: FastifyInstance): Promise<void> {
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: API_CSP } });
  // Limits are set per route (the review link) and per outcome (failed sign-ins), not globally.
  await app.register(rateLimit, { global: false });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Nearly every answer carries something classified or personal; nothing is for a cache.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

/** The logger of the API: the access log above and errors reduced by `safeError`, nothing else. */
export function apiLogger(level: 'info' | 'warn' | 'error' | 'silent') {
  return { level, serializers: { err: safeError } };
}
