import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { readGrant } from '../../domain/need-to-know';
import { NOTE_STATUSES, NoteStatus, Stage, STAGES } from '../../domain/pipeline';
import { STAGE_NAME, STATUS_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { auditRefusals } from '../note-access';
import { Page } from '../schemas';
import { inboxRoutes } from './inbox';
import { noteActionRoutes } from './note-actions';
import { notePageRoutes } from './note-page';
import { noteRow, partnerNames } from './note-rows';
import { pagerOf } from './paging';
import { sendStaffPage, STAFF_PREFIX } from './render';

/** A choice left at "any" arrives empty: no filter. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const ListQuery = Page.extend({ status: optional(NoteStatus), stage: optional(Stage), partner: optional(z.uuid()) });

/**
 * The staff pages of weighing notes: the inbox, the list of the notes this person may read (the
 * service's `list`, need to know) newest first with the API's filters and paging, a note's page, and
 * what can be done there.
 */
export const notePages: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { sql, noteService } = deps;
  // A note's page or action refused (404 above all) is on the record, as on the API's routes.
  app.addHook('onSend', auditRefusals(sql));
  await app.register(inboxRoutes, deps);
  await app.register(notePageRoutes, deps);
  await app.register(noteActionRoutes, deps);

  app.get('/notes', { schema: { hide: true } }, async (request, reply) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) throw new ApiError(400, 'The list cannot be shown that way. Choose the filters in the form, or start again from the list.');
    const query = parsed.data;
    const { actor } = request.staff;
    const [page, names] = await Promise.all([
      noteService.list(actor, { status: query.status, stage: query.stage, partnerId: query.partner, limit: query.limit, offset: query.offset }),
      partnerNames(sql, readGrant(actor)),
    ]);
    const now = Date.now();
    return sendStaffPage(reply, request.staff, {
      title: 'Wegingsnotities',
      view: 'notes',
      data: {
        rows: page.items.map((note) => noteRow(note, names, now)),
        pager: pagerOf(`${STAFF_PREFIX}/notes`, { status: query.status, stage: query.stage, partner: query.partner }, query, page),
        filters: {
          limit: query.limit,
          status: NOTE_STATUSES.map((value) => ({ value, label: STATUS_NAME[value], selected: value === query.status })),
          stage: STAGES.map((value) => ({ value, label: STAGE_NAME[value], selected: value === query.stage })),
          partner: [...names].map(([value, label]) => ({ value, label, selected: value === query.partner })),
          any: !query.status && !query.stage && !query.partner,
        },
      },
    });
  });
};
