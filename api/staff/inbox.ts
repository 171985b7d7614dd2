import type { FastifyPluginAsync } from 'fastify';
import { draftsOf, reviewsDueOf, taskCountsFor } from '../../db/notes';
import { readGrant } from '../../domain/need-to-know';
import { REVIEWING_ROLES } from '../../domain/pipeline';
import { hasRole } from '../../domain/roles';
import { STAGE_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ownedConditionsView } from './conditions';
import { consentInboxView } from './consent-inbox';
import { noteRow, partnerNames } from './note-rows';
import { sendStaffPage, STAFF_PREFIX } from './render';

/** How many of each kind the inbox shows; the notes list holds the rest. */
const INBOX_PAGE = { limit: 50, offset: 0 };

/**
 * The start page: what this person should do now. A reviewer sees the notes they may decide on
 * (oldest due first, overdue said in words) and how many there are at each of their stages; a
 * drafter their notes sent back for changes, their other drafts, and their adopted notes whose
 * review date nears or has passed. Only notes the person may read, as everywhere.
 */
export const inboxRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { sql, noteService, policy } = deps;
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const { actor } = request.staff;
    const grant = readGrant(actor);
    const reviews = hasRole(actor, ...REVIEWING_ROLES);
    const drafts = hasRole(actor, 'drafter');
    const [tasks, counts, drafted, reviewsDue, partners] = await Promise.all([
      reviews ? noteService.tasks(actor, INBOX_PAGE) : undefined,
      reviews ? taskCountsFor(sql, actor.id, grant) : [],
      drafts ? draftsOf(sql, actor.id, grant, INBOX_PAGE) : undefined,
      drafts ? reviewsDueOf(sql, actor.id, grant, policy.reviewReminderLeadMs, INBOX_PAGE) : undefined,
      partnerNames(sql, grant),
    ]);
    const now = Date.now();
    const rows = <T extends Parameters<typeof noteRow>[0]>(items: T[]) => items.map((note) => ({ ...noteRow(note, partners, now), note }));
    const draftRows = rows(drafted?.items ?? []);
    return sendStaffPage(reply, request.staff, {
      title: 'Inbox',
      view: 'inbox',
      data: {
        tasks: tasks && { rows: rows(tasks.items), total: tasks.total, counts: counts.map((count) => ({ ...count, name: STAGE_NAME[count.stage] })) },
        drafts: drafted && {
          sentBack: draftRows.filter((row) => row.note.changesRequested),
          others: draftRows.filter((row) => !row.note.changesRequested),
          total: drafted.total,
        },
        reviewsDue: reviewsDue && { rows: rows(reviewsDue.items), total: reviewsDue.total },
        ownedConditions: await ownedConditionsView(deps, actor, INBOX_PAGE),
        consents: await consentInboxView(deps, actor, INBOX_PAGE),
        notesHref: `${STAFF_PREFIX}/notes`,
      },
    });
  });
};
