import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Dossier } from '../../domain/dossier';
import type { RouteDeps } from '../app-deps';
import { type DossierFormat, dossierService, sendDossier } from '../dossier-service';
import { auditRefusals } from '../note-access';
import { errorResponses } from '../schemas';

const tags = ['dossier'];
const params = z.object({ id: z.uuid() });

/** What each form of the dossier answers with, for the OpenAPI document. */
const ANSWER: Record<DossierFormat, { path: string; as: string; what: string; content: object }> = {
  json: {
    path: 'dossier',
    as: 'as JSON',
    what: 'One JSON file, a download (`Content-Disposition: attachment`), which the committee verifies without the system: `node tools/verify-dossier.mjs dossier.json`, or the steps of docs/dossier.md.',
    content: { 'application/json': { schema: Dossier } },
  },
  html: {
    path: 'dossier.html',
    as: 'as a printable page',
    what: 'A page to read and print, without scripts: every record in words with its retention class, under the banner of the highest classification it holds, and how to verify the JSON.',
    content: { 'text/html': { schema: z.string() } },
  },
};

const PARTNER =
  'Every note of the partner with every revision (its content and SHA-256), every decision with the hash of what it decided on, the conditions, the consent requests about information it gave or would receive, with their revisions, decisions and answers, its SRM priority history, the comments and reasons, and the audit entries that concern them with the chain proof: every entry from the first of them to the trail’s head at export, the others as hashes only. Each record carries its retention class. The auditor’s alone (403 to anyone else); the export is on the record (`dossier.exported`, with what it covers and the SHA-256 of what was handed out).';
const NOTE =
  'The same for one note: its revisions, decisions and conditions, and the audit entries about it with the chain proof. The auditor’s alone: 404 to whoever may not read the note (as for a note that does not exist), 403 to a reader who is no auditor. On the record as `dossier.exported`.';

/** The dossier for oversight: the rules, and what goes on the record, are the dossier service's (`api/dossier-service.ts`). */
export const dossierRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const dossiers = dossierService(deps);

  for (const format of ['json', 'html'] as const) {
    const { path, as, what, content } = ANSWER[format];
    app.get(
      `/partners/:id/${path}`,
      {
        // No HEAD twin: a HEAD would be an export on the record, and hand nothing out.
        exposeHeadRoute: false,
        schema: { tags, summary: `A partner service’s dossier for oversight, ${as}`, description: `${what} ${PARTNER}`, params, response: { 200: { description: 'The dossier', content }, ...errorResponses(400, 401, 403, 404, 503) } },
      },
      async (request, reply) => sendDossier(reply, await dossiers.ofPartner(request.actor, request.params.id, format)),
    );
    app.get(
      `/notes/:id/${path}`,
      {
        exposeHeadRoute: false,
        // A refused attempt on a note is on the record, as on every route about one note.
        onSend: auditRefusals(deps.sql),
        schema: { tags, summary: `A note’s dossier for oversight, ${as}`, description: `${what} ${NOTE}`, params, response: { 200: { description: 'The dossier', content }, ...errorResponses(400, 401, 403, 404, 503) } },
      },
      async (request, reply) => sendDossier(reply, await dossiers.ofNote(request.actor, request.params.id, format)),
    );
  }
};
