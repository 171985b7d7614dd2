import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditContentRead, auditEvent } from '../db/audit';
import type { Sql } from '../db/client';
import { type Condition, type ConditionNote, conditionsOfNote, type ConditionSummary, conditionsOwnedBy, findCondition, openConditionsBefore, type OwnedFilter } from '../db/conditions';
import type { PageRequest } from '../db/page';
import { findActivePerson } from '../db/people';
import { type CloseOutcome, OWNER_ROLES } from '../domain/conditions';
import { mayReadNote } from '../domain/need-to-know';
import { type Actor, hasRole } from '../domain/roles';
import { conditionRef } from '../domain/wording';
import { closeConditionUpdate, conditionsWorkflowId, reassignConditionUpdate } from '../workflows';
import { bearerToken } from './auth';
import { ApiError } from './errors';
import { readableNote, REFUSED, shownNote } from './note-access';
import { asApiError, type NoteWorkflows } from './note-workflow';
import { stagedText } from './staged-text';

export interface ConditionServiceDeps {
  sql: Sql;
  temporal: Client;
  notes: NoteWorkflows;
  temporalCallTimeoutMs: number;
}

/** A condition as answers show it: with the reference people quote (`WN-1A2B3C4D condition 2`). */
const present = <T extends ConditionSummary>(condition: T) => ({ ...condition, ref: conditionRef(condition.noteId, condition.position) });
export type ConditionView = ReturnType<typeof present<Condition>>;

/**
 * What staff do with the conditions of adopted notes, for the JSON API and the pages alike. Need to
 * know: a condition is seen by those who may read its note, and by its owner, who may always read
 * their own conditions (their text and evidence; not the rest of the note), since the work is theirs;
 * to anyone else it does not exist (404). Every answer with a condition's text is a read of its note's
 * content on the record. Changes go to the note's conditions workflow as Updates; the evidence and
 * reasons stay in PostgreSQL.
 */
export function conditionService({ sql, temporal, notes, temporalCallTimeoutMs }: ConditionServiceDeps) {
  const access = { sql, notes };

  /** An Update to the note's conditions workflow, with the API's deadline and its refusals as statuses. */
  async function send<Res, Req>(noteId: string, update: UpdateDefinition<Res, [Req]>, request: Req): Promise<Res> {
    try {
      return await temporal.withDeadline(Date.now() + temporalCallTimeoutMs, () => temporal.workflow.getHandle(conditionsWorkflowId(noteId)).executeUpdate(update, { args: [request] }));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ApiError(409, 'the note’s conditions are tracked no more');
      throw asApiError(error);
    }
  }

  /** The condition and its note, if this person may see the condition: its owner, or a reader of its note. */
  async function visible(actor: Actor, id: string): Promise<{ condition: Condition; note: ConditionNote }> {
    const found = await findCondition(sql, id);
    if (!found || !found.note.started || (found.condition.ownerId !== actor.id && !mayReadNote(actor, found.note))) throw new ApiError(404, 'no such condition');
    return found;
  }

  /** The condition as it now stands, its text read on the record; with what the pages need of its note. */
  async function shownWithNote(actor: Actor, id: string, what: string) {
    const { condition, note } = await visible(actor, id);
    await auditContentRead(sql, actor.id, condition.noteId, what, condition.revision);
    return { condition: present(condition), note: { drafterId: note.drafterId, readable: mayReadNote(actor, note), classification: note.classification } };
  }
  const shown = async (actor: Actor, id: string, what: string): Promise<ConditionView> => (await shownWithNote(actor, id, what)).condition;

  /** The evidence or reason is kept under the request's id before the workflow is asked, and dropped again if it refuses. */
  const withText = stagedText(sql, temporalCallTimeoutMs);

  return {
    show: (actor: Actor, id: string) => shown(actor, id, 'condition'),
    /** The condition, and of its note its drafter (who may reassign it), whether this person may read it, and its classification. */
    showWithNote: (actor: Actor, id: string) => shownWithNote(actor, id, 'condition page'),

    /** A note's conditions in their order, to those who may read the note. */
    async ofNote(actor: Actor, noteId: string, { limit, offset }: PageRequest) {
      const note = await shownNote(access, actor, noteId, 'conditions');
      const all = await conditionsOfNote(sql, note.id);
      return { items: all.slice(offset, offset + limit).map(present), total: all.length };
    },

    /**
     * The open conditions of the note a re-assessment re-assesses, which its drafter addresses; to
     * those who may read the re-assessment (it starts from the same adopted text). Their text is the
     * earlier note's content, read on the record there.
     */
    async carriedInto(actor: Actor, noteId: string): Promise<{ fromNoteId: string; items: ConditionView[] } | undefined> {
      const note = await readableNote(access, actor, noteId);
      if (!note.supersedes) return undefined;
      const open = await openConditionsBefore(sql, note.id);
      if (open.length) await auditContentRead(sql, actor.id, note.supersedes, 'open conditions for the re-assessment', open[0]!.revision);
      return { fromNoteId: note.supersedes, items: open.map(present) };
    },

    /** The conditions this person owns, soonest due first; without their text. */
    owned: (actor: Actor, filter: OwnedFilter) => conditionsOwnedBy(sql, actor.id, filter).then((page) => ({ ...page, items: page.items.map(present) })),

    /** Closed by its owner as fulfilled with the evidence, or by the head of service as no longer applicable with the reason. */
    async close(actor: Actor, id: string, { outcome, evidence }: { outcome: CloseOutcome; evidence: string }): Promise<ConditionView> {
      const { condition } = await visible(actor, id);
      const eventId = randomUUID();
      await withText(eventId, evidence, () => send(condition.noteId, closeConditionUpdate, { eventId, actor, conditionId: id, outcome }));
      return shown(actor, id, 'condition close response');
    },

    /** Another owner (an active person who works on notes), another due date, or both. */
    async reassign(actor: Actor, id: string, to: { ownerId?: string; dueAt?: string }): Promise<ConditionView> {
      const { condition } = await visible(actor, id);
      if (to.ownerId !== undefined) {
        const owner = await findActivePerson(sql, to.ownerId);
        if (!owner || !hasRole(owner, ...OWNER_ROLES)) {
          throw new ApiError(400, 'the new owner must be an active person who works on notes (a drafter, reviewer, head of service or minister)', [{ field: 'body.ownerId', message: 'no such owner' }]);
        }
      }
      await send(condition.noteId, reassignConditionUpdate, { eventId: randomUUID(), actor, conditionId: id, ...to });
      return shown(actor, id, 'condition reassignment response');
    },
  };
}
export type ConditionService = ReturnType<typeof conditionService>;

const ConditionParams = z.object({ id: z.uuid() });

/**
 * A refused attempt on a condition (401, 403, 404) is a refused attempt on its note, and goes on the
 * record as one (`note.access_refused`, with the condition), as a route on the note does. An id that
 * names no condition names no note: that stays in the access log.
 */
export function auditConditionRefusals(sql: Sql) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const params = ConditionParams.safeParse(request.params);
    if (!REFUSED.includes(reply.statusCode) || !params.success) return;
    if (reply.statusCode === 401 && !bearerToken(request)) return;
    try {
      const found = await findCondition(sql, params.data.id);
      if (!found) return;
      await auditEvent(sql, {
        actorId: (request.actor ?? request.staff?.actor)?.id ?? null,
        action: 'note.access_refused',
        noteId: found.condition.noteId,
        details: { status: reply.statusCode, method: request.method, route: request.routeOptions.url ?? null, ip: request.ip, conditionId: params.data.id },
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not audit a refused attempt');
    }
  };
}
