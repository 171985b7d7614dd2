import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { possibleOwners } from '../../db/conditions';
import { type CloseOutcome, type ConditionStanding, mayClose, mayReassign, OWNER_ROLES } from '../../domain/conditions';
import { type Actor, hasRole } from '../../domain/roles';
import { freeText } from '../../domain/text';
import { CONDITION_STATUS_NAME, conditionRef, conditionSourceName, noteRef, utcMinute } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { auditConditionRefusals, type ConditionView, conditionService } from '../condition-service';
import { ApiError } from '../errors';
import { postedForm } from './forms';
import { notePath } from './note-rows';
import { refusalInWords } from './refusal-words';
import { sendStaffPage, STAFF_PREFIX } from './render';

/**
 * The conditions of adopted notes on the staff pages: each condition's page (its text, owner, due
 * date, state and evidence, and the forms its owner, the note's drafter or the head of service may
 * use), and the same items on the note's page (`conditionItems`). The forms go through the condition
 * service, as the JSON API does; a refused form shows the condition's page again with the sentence
 * beside the field and what was typed kept.
 */

export const conditionPath = (id: string) => `${STAFF_PREFIX}/conditions/${id}`;

/** The forms of a condition: close as fulfilled (its owner), close as no longer applicable (the head of service), reassign. */
type FormName = 'close' | 'dismiss' | 'reassign';
export interface ConditionForm {
  name: FormName;
  values: { text?: string; ownerId?: string; dueDate?: string };
  problem?: { field: 'text' | 'ownerId' | 'dueDate'; text: string };
  /** Why the form as a whole was refused, in words. */
  refusal?: string;
}

/** Who may be chosen as a condition's owner, by name. */
export type OwnerChoices = { id: string; name: string }[];

const link = (to: ConditionView['carriedFrom']) => to && { href: conditionPath(to.conditionId), ref: conditionRef(to.noteId, to.position) };

/** A condition as the pages show it, with the forms this person may use now (`form`: one sent back, as typed). */
export function conditionItem(actor: Actor, condition: ConditionView, noteDrafterId: string, owners: OwnerChoices, form?: ConditionForm) {
  const standing: ConditionStanding = { ownerId: condition.ownerId, open: condition.status === 'open', noteDrafterId };
  const sent = (name: FormName) => (form?.name === name ? form : undefined);
  const closing = (name: FormName, outcome: CloseOutcome) => mayClose(actor, standing, outcome) && { text: sent(name)?.values.text ?? '', problem: sent(name)?.problem };
  const chosenOwner = sent('reassign')?.values.ownerId ?? condition.ownerId;
  return {
    id: condition.id,
    ref: condition.ref,
    href: conditionPath(condition.id),
    about: conditionSourceName(condition.source),
    text: condition.text,
    owner: condition.ownerName,
    due: utcMinute(condition.dueAt),
    overdue: condition.overdue,
    status: CONDITION_STATUS_NAME[condition.status],
    open: standing.open,
    closed: condition.closedAt && condition.status !== 'carried_over' && {
      by: condition.closedByName ?? condition.closedBy,
      at: utcMinute(condition.closedAt),
      label: condition.status === 'fulfilled' ? 'Evidence' : 'Why it no longer applies',
      evidence: condition.evidence,
    },
    carriedFrom: link(condition.carriedFrom),
    carriedTo: link(condition.carriedTo),
    refusal: form?.refusal,
    forms: {
      close: closing('close', 'fulfilled'),
      dismiss: closing('dismiss', 'not_applicable'),
      reassign: mayReassign(actor, standing) && {
        shown: { ownerId: condition.ownerId, dueDate: condition.dueAt.slice(0, 10) },
        owners: owners.map((owner) => ({ value: owner.id, label: owner.name, selected: owner.id === chosenOwner })),
        dueDate: sent('reassign')?.values.dueDate ?? condition.dueAt.slice(0, 10),
        problem: sent('reassign')?.problem,
      },
    },
  };
}
export type ConditionItem = ReturnType<typeof conditionItem>;

/** What people see of a condition in a list: its reference, where the note states it, its owner and due date. */
function conditionRow(condition: Omit<ConditionView, 'text' | 'evidence'>) {
  return { ref: condition.ref, href: conditionPath(condition.id), about: conditionSourceName(condition.source), owner: condition.ownerName, due: utcMinute(condition.dueAt), overdue: condition.overdue };
}

/**
 * What a note's page shows of conditions: the note's own once it is adopted (with the forms this
 * person may use), and for a re-assessment the open conditions of the note it re-assesses, which its
 * drafter addresses (`carried`, also in the draft editor).
 */
export async function noteConditionsView(deps: RouteDeps, actor: Actor, note: { id: string; drafterId: string; adoptedAt: string | null }) {
  const service = conditionService(deps);
  const [own, carried, owners] = await Promise.all([
    note.adoptedAt ? service.ofNote(actor, note.id, { limit: 1_000, offset: 0 }) : undefined,
    carriedConditionsView(deps, actor, note.id),
    possibleOwners(deps.sql),
  ]);
  return {
    conditions: own && {
      items: own.items.map((condition) => conditionItem(actor, condition, note.drafterId, owners)),
      none: 'No conditions are tracked for this note: its adopted revision states no mitigations, or it was adopted before conditions were tracked.',
    },
    carried,
  };
}

/** The open conditions of the note a re-assessment re-assesses, as a list; none for a note that re-assesses nothing. */
export async function carriedConditionsView(deps: RouteDeps, actor: Actor, noteId: string) {
  const carried = await conditionService(deps).carriedInto(actor, noteId);
  if (!carried) return undefined;
  const { fromNoteId, items } = carried;
  return { note: { href: notePath(fromNoteId), ref: noteRef(fromNoteId) }, items: items.map((condition) => ({ ...conditionRow(condition), text: condition.text })) };
}

/** The inbox's "Conditions you own": the open ones, soonest due first, without their text; for those who may own one. */
export async function ownedConditionsView(deps: RouteDeps, actor: Actor, page: { limit: number; offset: number }) {
  if (!hasRole(actor, ...OWNER_ROLES)) return undefined;
  const owned = await conditionService(deps).owned(actor, { open: true, ...page });
  return { rows: owned.items.map(conditionRow), total: owned.total };
}

const TEXT_MAX = 20_000;
const Text = freeText(TEXT_MAX).trim();
const Params = z.object({ id: z.uuid() });
const DONE = { closed: 'You closed the condition.', reassigned: 'The condition has its new owner and due date; its owner is mailed.' } as const;
const PageQuery = z.object({ done: z.enum(['closed', 'reassigned']).optional().catch(undefined) });

/** The condition's id from the path; a path naming no condition is one that does not exist. */
function conditionIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new ApiError(404, 'no such condition');
  return parsed.data.id;
}

/** A form's free text, or why it cannot be kept. */
function textOf(value: string, missing: string): { text: string } | { problem: string } {
  const parsed = Text.safeParse(value);
  if (!parsed.success) {
    const tooLong = parsed.error.issues.some((issue) => issue.code === 'too_big');
    return { problem: tooLong ? `The text is too long: at most ${TEXT_MAX.toLocaleString('en')} characters.` : 'The text holds characters that cannot be recorded (control characters or broken text); remove them and try again.' };
  }
  return parsed.data ? { text: parsed.data } : { problem: missing };
}

export const conditionPages: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const service = conditionService(deps);
  // A condition's page or form refused (404 above all) is on the record, as on the API's routes.
  app.addHook('onSend', auditConditionRefusals(deps.sql));

  async function sendConditionPage(reply: FastifyReply, request: FastifyRequest, id: string, view: { form?: ConditionForm; status?: number; done?: keyof typeof DONE } = {}) {
    const { actor } = request.staff;
    const [{ condition, note }, owners] = await Promise.all([service.showWithNote(actor, id), possibleOwners(deps.sql)]);
    return sendStaffPage(reply, request.staff, {
      title: `Condition ${condition.ref}`,
      view: 'condition',
      classification: note.classification ?? 'stg_geheim',
      status: view.status,
      data: {
        done: view.done && DONE[view.done],
        note: { ref: noteRef(condition.noteId), href: note.readable ? notePath(condition.noteId) : null },
        item: conditionItem(actor, condition, note.drafterId, owners, view.form),
      },
    });
  }

  /** Runs the change; done, back to the condition's page saying so; refused, the page again with the refusal in words. */
  async function act(request: FastifyRequest, reply: FastifyReply, id: string, form: ConditionForm, done: keyof typeof DONE, run: () => Promise<unknown>) {
    if (form.problem) return sendConditionPage(reply, request, id, { form, status: 400 });
    try {
      await run();
      return reply.redirect(`${conditionPath(id)}?done=${done}`, 303);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404 || error.status >= 500) throw error;
      return sendConditionPage(reply, request, id, { form: { ...form, refusal: refusalInWords(error.message) }, status: error.status });
    }
  }

  // No HEAD twin: a HEAD would count as a read of the content, and show nothing.
  app.get('/conditions/:id', { schema: { hide: true }, exposeHeadRoute: false }, async (request, reply) =>
    sendConditionPage(reply, request, conditionIdOf(request.params), { done: PageQuery.parse(request.query ?? {}).done }),
  );

  for (const [name, outcome, missing] of [
    ['close', 'fulfilled', 'Give the evidence that the condition is met.'],
    ['dismiss', 'not_applicable', 'Give the reason the condition no longer applies.'],
  ] as const) {
    app.post(`/conditions/:id/${name}`, { schema: { hide: true } }, async (request, reply) => {
      const id = conditionIdOf(request.params);
      const typed = postedForm(request.body).text('text');
      const text = textOf(typed, missing);
      const form: ConditionForm = { name, values: { text: typed }, problem: 'problem' in text ? { field: 'text', text: text.problem } : undefined };
      return act(request, reply, id, form, 'closed', () => service.close(request.staff.actor, id, { outcome, evidence: 'text' in text ? text.text : '' }));
    });
  }

  app.post('/conditions/:id/reassign', { schema: { hide: true } }, async (request, reply) => {
    const id = conditionIdOf(request.params);
    const posted = postedForm(request.body);
    const values = { ownerId: posted.text('ownerId'), dueDate: posted.text('dueDate') };
    const day = z.iso.date().safeParse(values.dueDate);
    const problem = !values.ownerId ? { field: 'ownerId' as const, text: 'Choose who owns the condition.' } : !day.success ? { field: 'dueDate' as const, text: 'Give the due date as a day, e.g. 2027-03-31.' } : undefined;
    // Only what the person changed on the form is sent, measured against what it showed: the owner, the day
    // it is due (from that day's start, UTC), or both; a due time left as shown keeps its hour.
    const to = {
      ...(values.ownerId !== posted.text('shownOwnerId') ? { ownerId: values.ownerId } : {}),
      ...(values.dueDate !== posted.text('shownDueDate') ? { dueAt: `${values.dueDate}T00:00:00.000Z` } : {}),
    };
    return act(request, reply, id, { name: 'reassign', values, problem }, 'reassigned', async () => {
      if (!to.ownerId && !to.dueAt) throw new ApiError(409, 'choose another owner, another due date, or both');
      await service.reassign(request.staff.actor, id, to);
    });
  });
};
