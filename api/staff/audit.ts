import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AuditVerdict } from '../../db/audit';
import { peopleByName } from '../../db/people';
import { AUDIT_ACTION_NAME, auditActionName } from '../../domain/audit-actions';
import { noteRef, utcMinute } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { AuditQuery, auditService } from '../audit-service';
import { ApiError } from '../errors';
import { detailsInWords } from './audit-details';
import { field, fieldErrors, type FieldErrors, refusalSummary } from './forms';
import { pagerOf } from './paging';
import { sendStaffPage, STAFF_PREFIX } from './render';

const AUDIT = `${STAFF_PREFIX}/audit`;

/** The filter form as a browser sends it: every field text, an empty one not filled in. */
const FilterForm = z.object({
  note: z.string().trim().catch(''),
  person: z.string().catch(''),
  action: z.string().catch(''),
  from: z.string().catch(''),
  to: z.string().catch(''),
  limit: z.string().optional().catch(undefined),
  offset: z.string().optional().catch(undefined),
});
type FilterForm = z.infer<typeof FilterForm>;

/** The form's fields as the API's query names them: a note by its id, or by the reference pages and mail show. */
function queryOf({ note, person, action, from, to, limit, offset }: FilterForm) {
  const byId = z.uuid().safeParse(note).success;
  const filled = { noteId: byId ? note : '', noteRef: byId ? '' : note.replace(/^wn-/i, 'WN-'), actorId: person, action, from, to, limit, offset };
  return Object.fromEntries(Object.entries(filled).filter(([, value]) => value));
}

/** Which field of the form each filter of the query is typed into. */
const FORM_FIELD: Record<string, string> = { noteId: 'note', noteRef: 'note', actorId: 'person', action: 'action', from: 'from', to: 'to', limit: 'form', offset: 'form' };
const HELP: Record<string, string> = {
  noteId: 'Give a note’s reference, like WN-1A2B3C4D, or its id.',
  noteRef: 'Give a note’s reference, like WN-1A2B3C4D, or its id.',
  actorId: 'Choose a person from the list.',
  action: 'Choose an action from the list.',
  from: 'Give the first day as a date.',
  to: 'Give the last day as a date, on or after the first day.',
  limit: 'The page of the trail asked for does not exist.',
  offset: 'The page of the trail asked for does not exist.',
};

const verdictInWords = ({ ok, checked, firstBroken }: AuditVerdict) =>
  ok
    ? `The trail is whole and unaltered: all ${checked} entries checked, each linked to the one before it.`
    : `The trail is broken at entry ${firstBroken!.seq}: it ${firstBroken!.reason}. The ${checked} entries before it are whole.`;

/**
 * The audit trail for the auditor (and for no one else: to anyone else, there is no such page): the
 * verdict on the whole chain first, then the entries, newest first, filtered in SQL by note, person,
 * action and days, through the audit service the JSON API calls too. The trail holds no content.
 */
export const auditPages: FastifyPluginAsync<RouteDeps> = async (app, { sql }) => {
  const audit = auditService({ sql });

  app.get('/audit', { schema: { hide: true } }, async (request, reply) => {
    const { actor } = request.staff;
    if (!audit.mayRead(actor)) throw new ApiError(404, 'no such page');
    const typed = FilterForm.parse(request.query ?? {});
    const query = AuditQuery.safeParse(queryOf(typed));
    const errors: FieldErrors = query.success
      ? {}
      : Object.fromEntries(Object.entries(fieldErrors(query.error, HELP)).map(([name, error]) => [FORM_FIELD[name] ?? 'form', error]));
    const [verdict, people, trail] = await Promise.all([audit.verify(actor), peopleByName(sql), query.success ? audit.trail(actor, query.data, { newestFirst: true }) : undefined]);
    const names = new Map(people.map((person) => [person.id, person.name]));
    const at = (name: keyof FilterForm) => ({ value: typed[name] ?? '', errors });

    return sendStaffPage(reply, request.staff, {
      title: 'Audit trail',
      view: 'audit',
      status: query.success ? 200 : 400,
      data: {
        verdict: { ok: verdict.ok, text: verdictInWords(verdict) },
        ...refusalSummary(errors),
        filters: [
          field('note', 'Note', at('note'), { hint: 'Its reference, like WN-1A2B3C4D, or its id.' }),
          field('person', 'Person', at('person'), { options: [['', 'Anyone'], ...people.map((p): [string, string] => [p.id, `${p.name} (${p.id})${p.active ? '' : ', deactivated'}`])] }),
          field('action', 'Action', at('action'), { options: [['', 'Any action'], ...Object.entries(AUDIT_ACTION_NAME)] }),
          field('from', 'From (UTC day)', at('from'), { date: true }),
          field('to', 'To and including (UTC day)', at('to'), { date: true }),
        ],
        total: trail?.total,
        entries: trail?.items.map((entry) => ({
          seq: entry.seq,
          at: utcMinute(entry.at),
          iso: entry.at,
          person: entry.actorId ? (entry.actorName ?? entry.actorId) : 'The system',
          action: auditActionName(entry.action),
          note: entry.noteId && { ref: noteRef(entry.noteId), href: `${STAFF_PREFIX}/notes/${entry.noteId}` },
          details: detailsInWords(entry.details, names),
        })),
        pager: query.success && trail && pagerOf(AUDIT, { note: typed.note, person: typed.person, action: typed.action, from: typed.from, to: typed.to }, query.data, trail),
      },
    });
  });
};
