import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../domain/roles';
import type { RouteDeps } from '../app-deps';
import { dossierService, mayExportDossier, sendDossier } from '../dossier-service';
import { ApiError } from '../errors';
import { auditRefusals } from '../note-access';
import { STAFF_PREFIX } from './render';

const Params = z.object({ id: z.uuid() });
/** The id in the path; a path naming none names a partner or note that does not exist (the same 404). */
function idOf(params: unknown, what: 'partner' | 'note'): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new ApiError(404, `no such ${what}`);
  return parsed.data.id;
}

/** The "Dossier" action of a partner's or a note's page, for the auditor: the printable page and the JSON download. */
export const dossierAction = (actor: Actor, about: 'partners' | 'notes', id: string) =>
  mayExportDossier(actor) && { html: `${STAFF_PREFIX}/${about}/${id}/dossier.html`, json: `${STAFF_PREFIX}/${about}/${id}/dossier.json` };

/**
 * The dossier for oversight from the staff pages, for the auditor signed in: the same service as the
 * JSON API (`GET /partners/:id/dossier` and the rest), the same record of each export. To anyone else
 * there is no such page; a refused attempt on a note is on the record, as on the note's own pages.
 */
export const dossierPages: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const dossiers = dossierService(deps);
  app.addHook('preHandler', async (request) => {
    if (!mayExportDossier(request.staff.actor)) throw new ApiError(404, 'no such page');
  });

  // No HEAD twins: a HEAD would be an export on the record, and hand nothing out.
  for (const format of ['html', 'json'] as const) {
    app.get(`/partners/:id/dossier.${format}`, { schema: { hide: true }, exposeHeadRoute: false }, async (request, reply) =>
      sendDossier(reply, await dossiers.ofPartner(request.staff.actor, idOf(request.params, 'partner'), format)),
    );
    app.get(`/notes/:id/dossier.${format}`, { schema: { hide: true }, exposeHeadRoute: false, onSend: auditRefusals(deps.sql) }, async (request, reply) =>
      sendDossier(reply, await dossiers.ofNote(request.staff.actor, idOf(request.params, 'note'), format)),
    );
  }
};
