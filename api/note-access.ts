import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditContentRead, auditEvent } from '../db/audit';
import type { Sql } from '../db/client';
import { findNote, markStarted, type NoteView } from '../db/notes';
import { mayReadNote } from '../domain/need-to-know';
import type { Actor } from '../domain/roles';
import { bearerToken } from './auth';
import { ApiError } from './errors';
import type { NoteWorkflows } from './note-workflow';

export interface NoteAccess {
  sql: Sql;
  notes: NoteWorkflows;
}

/**
 * The note, if this person may read it; otherwise 404, exactly as if it did not exist (need to know).
 * A note whose creating request never heard whether its execution started exists once Temporal says
 * the execution does: never 404 while its workflow holds it.
 */
export async function readableNote({ sql, notes }: NoteAccess, actor: Actor, id: string): Promise<NoteView> {
  const note = await findNote(sql, id);
  if (!note || !mayReadNote(actor, note)) throw new ApiError(404, 'no such note');
  if (!note.started) {
    if (!(await notes.exists(id))) throw new ApiError(404, 'no such note');
    await sql.begin((tx) => markStarted(tx, note));
  }
  return note;
}

/** The note as a response to this person, its content read on the record. */
export async function shownNote(access: NoteAccess, actor: Actor, id: string, what: string): Promise<NoteView> {
  const { sql } = access;
  const note = await readableNote(access, actor, id);
  await auditContentRead(sql, actor.id, note.id, what, note.revision);
  return note;
}

export const REFUSED = [401, 403, 404];
const NoteParams = z.object({ id: z.uuid() });

/**
 * An onSend hook for routes on one note (or one consent request), of the API and the staff pages: a
 * refused attempt (401, 403, 404) goes on the record with who tried (the person if known, by token or session, the client address
 * otherwise), so the auditor sees it. The audit trail names the note and the route, never what was
 * sent. A request that presented no token at all is no one's attempt, and costs nothing to send: it
 * stays in the access log, so the trail cannot be flooded anonymously (tokens refused are, besides,
 * limited per address).
 */
export function auditRefusals(sql: Sql, about: 'note' | 'consent' = 'note') {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const params = NoteParams.safeParse(request.params);
    if (!REFUSED.includes(reply.statusCode) || !params.success) return;
    if (reply.statusCode === 401 && !bearerToken(request)) return;
    try {
      await auditEvent(sql, {
        actorId: (request.actor ?? request.staff?.actor)?.id ?? null,
        action: `${about}.access_refused`,
        noteId: about === 'note' ? params.data.id : null,
        details: { ...(about === 'consent' ? { consentId: params.data.id } : {}), status: reply.statusCode, method: request.method, route: request.routeOptions.url ?? null, ip: request.ip },
      });
    } catch (error) {
      // The refusal stands whether or not it could be recorded; the log says it could not.
      request.log.error({ err: error }, 'could not audit a refused attempt');
    }
  };
}
