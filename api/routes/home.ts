import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app-deps';
import { renderPage, sendPage } from '../pages';

interface Link {
  href: string;
  label: string;
  about: string;
}

/**
 * `/`: what someone who opens the API's address in a browser is looking for, its docs and the tools
 * beside it. The Temporal UI and the mail sink live elsewhere; they are listed when configured.
 */
export const homeRoutes: FastifyPluginAsync<AppDeps> = async (app, { links }) => {
  const elsewhere = (href: string | undefined, label: string, about: string): Link[] => (href ? [{ href, label, about }] : []);
  const html = renderPage('home', {
    links: [
      { href: '/app/', label: 'Staff pages', about: 'sign in to draft, review and decide on weighing notes (wegingsnotities)' },
      { href: '/docs', label: 'API docs', about: 'every operation, browsable, with its schemas' },
      { href: '/openapi.json', label: 'OpenAPI document', about: 'the same contract, for clients and tools' },
      { href: '/health', label: 'Health', about: 'whether the database and Temporal answer' },
      { href: '/codec/sign-in', label: 'Codec sign-in', about: 'where operators sign in to see workflow payloads decoded in the Temporal UI' },
      ...elsewhere(links.temporalUi, 'Temporal UI', 'each note’s approval as a workflow execution'),
      ...elsewhere(links.mailUi, 'Mail sink', 'the mail the product has sent'),
    ] satisfies Link[],
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendPage(reply, 200, html));
};
