import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { REFUSAL_STATUS, Refusal } from '../domain/refusal';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'incomplete',
  429: 'too_many_requests',
  431: 'headers_too_large',
  503: 'unavailable',
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static from(refusal: Refusal): ApiError {
    return new ApiError(REFUSAL_STATUS[refusal.kind], refusal.message, refusal.details);
  }
}

export function errorBody(status: number, message: string, details?: unknown) {
  return { error: { code: CODES[status] ?? 'internal', message, ...(details === undefined ? {} : { details }) } };
}

export function sendError(reply: FastifyReply, status: number, message: string, details?: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(errorBody(status, message, details));
}

const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * A failure of what the API stands on, not of the request: the database gone (its connection lost,
 * shutting down, starting up, full) or Temporal unreachable. The caller may send the same again
 * shortly, so it gets 503 with Retry-After rather than a 500.
 */
export function isUnavailable(error: unknown): boolean {
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08|^57P0[123]$|^53300$/.test(code))) return true;
  // Temporal's client: unreachable, or past the call's deadline (an Update's wait ends as its own error).
  if (name === 'ConnectionError' || name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  if (name === 'ServiceError') {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return cause?.code === GRPC_UNAVAILABLE || cause?.code === GRPC_DEADLINE_EXCEEDED;
  }
  return false;
}

/** One JSON error shape for every failure; anything unexpected is a 500 whose detail stays in the log. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return sendError(reply, error.status, error.message, error.details);
  if (isUnavailable(error)) {
    request.log.warn({ err: error }, 'a service the API needs is unavailable');
    return sendError(reply.header('retry-after', '5'), 503, 'the service is briefly unavailable; try again shortly');
  }
  if (error instanceof Refusal) return sendError(reply, REFUSAL_STATUS[error.kind], error.message, error.details);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((issue) => ({
      field: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message,
    }));
    return sendError(reply, 400, `invalid ${error.validationContext ?? 'request'}`, details);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendError(reply, status, error.message);
  // The error's message may quote what was sent (PostgreSQL does): the log serializer keeps it out.
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, 500, 'internal error');
}
