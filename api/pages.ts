import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';

/**
 * Server-rendered pages (the review link, the codec sign-in): Eta templates in `api/views/`, which
 * escape every interpolation. No scripts at all; their own inline style; forms post back here only.
 */
const views = new Eta({ views: join(__dirname, 'views'), cache: true });

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function renderPage(view: string, data: object): string {
  return views.render(view, data);
}

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').send(html);
}

/** A page that explains why nothing happened (a link expired, used, moved on, not valid). */
export function messagePage(title: string, message: string, kind: 'notice' | 'error' = 'notice'): string {
  return renderPage('message', { title, message, kind });
}
