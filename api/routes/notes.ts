import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../db/audit';
import { contentSha256, dropStagedComment, findNote, insertNote, stageComment, type NoteView } from '../../db/notes';
import { findPartner } from '../../db/partners';
import { NoteContent } from '../../domain/note-content';
import { isFinal, NoteState, NoteStatus, Outcome, Stage } from '../../domain/pipeline';
import { NOTE_READER_ROLES } from '../../domain/roles';
import { decideUpdate, submitUpdate } from '../../workflows';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError } from '../errors';

const tags = ['notes'];
const Params = z.object({ id: z.uuid() });

const NoteBody = z.object({
  id: z.uuid(),
  partnerId: z.uuid(),
  drafterId: z.string(),
  status: NoteStatus,
  stage: Stage.nullable(),
  revision: z.number().int(),
  contentSha256: z.string(),
  content: NoteContent,
  approvals: z.array(z.object({ actorId: z.string(), stage: Stage, decidedAt: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const CreateNote = z.object({ partnerId: z.uuid(), content: NoteContent.prefault({}) }).strict();
// Optional: without a body, the drafter submits the current revision.
const Submit = z.object({ revision: z.number().int().positive().optional() }).strict().nullish();
const Decision = z
  .object({ outcome: Outcome, revision: z.number().int().positive(), comment: z.string().trim().max(20_000).optional() })
  .strict()
  .refine((d) => d.outcome === 'approve' || !!d.comment, { path: ['comment'], message: 'a comment is required to reject or request changes' });

export const noteRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql, notes }) => {
  async function existing(id: string): Promise<NoteView> {
    const note = await findNote(sql, id);
    if (!note) throw new ApiError(404, 'no such note');
    return note;
  }

  async function open(id: string): Promise<NoteView> {
    const note = await existing(id);
    if (isFinal(note.status)) throw new ApiError(409, `the note is ${note.status}; its approval has ended`);
    return note;
  }

  app.post(
    '/notes',
    {
      schema: {
        tags,
        summary: 'Create a note: revision 1 in DRAFT, and its workflow',
        body: CreateNote,
        response: { 201: z.object({ id: z.uuid(), status: NoteStatus, revision: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const { actor, body } = request;
      requireRole(actor, 'drafter');
      if (!(await findPartner(sql, body.partnerId))) throw new ApiError(404, 'no such partner');
      const id = randomUUID();
      const hash = contentSha256(body.content);
      const state: NoteState = {
        noteId: id,
        partnerId: body.partnerId,
        drafterId: actor.id,
        status: 'DRAFT',
        stage: null,
        revision: 1,
        revisionAuthorId: actor.id,
        contentSha256: hash,
        version: 0,
        decisions: [],
      };
      // The rows commit only if the workflow started, so no note exists without its execution.
      await sql.begin(async (tx) => {
        await insertNote(tx, { id, partnerId: body.partnerId, drafterId: actor.id, content: body.content, contentSha256: hash });
        await appendAudit(tx, {
          eventKey: `note-${id}/created`,
          at: new Date(),
          actorId: actor.id,
          action: 'note.created',
          noteId: id,
          details: { revision: 1, contentSha256: hash, partnerId: body.partnerId },
        });
        await notes.start(state);
      });
      return reply.code(201).send({ id, status: 'DRAFT' as const, revision: 1 });
    },
  );

  app.get('/notes/:id', { schema: { tags, summary: 'A note from the read model', params: Params, response: { 200: NoteBody } } }, async (request) => {
    requireRole(request.actor, ...NOTE_READER_ROLES);
    const note = await existing(request.params.id);
    await appendAudit(sql, {
      eventKey: `read/${randomUUID()}`,
      at: new Date(),
      actorId: request.actor.id,
      action: 'note.content_read',
      noteId: note.id,
      details: { revision: note.revision },
    });
    return note;
  });

  app.get(
    '/notes/:id/workflow-state',
    { schema: { tags, summary: 'The workflow’s own view of the note (references, stage, decisions)', params: Params, response: { 200: NoteState } } },
    async (request) => {
      requireRole(request.actor, ...NOTE_READER_ROLES);
      await existing(request.params.id);
      return notes.state(request.params.id);
    },
  );

  app.post(
    '/notes/:id/submit',
    { schema: { tags, summary: 'Send a draft into review', params: Params, body: Submit, response: { 200: NoteBody } } },
    async (request) => {
      const note = await open(request.params.id);
      await notes.update(note.id, submitUpdate, { actor: request.actor, revision: request.body?.revision ?? note.revision });
      return existing(note.id);
    },
  );

  app.post(
    '/notes/:id/decisions',
    { schema: { tags, summary: 'Approve, reject or request changes at the open stage', params: Params, body: Decision, response: { 200: NoteBody } } },
    async (request) => {
      const note = await open(request.params.id);
      const { outcome, revision, comment } = request.body;
      const decisionId = randomUUID();
      // Comments are content: they stay in PostgreSQL, the workflow sees only the decision's id.
      if (comment) await stageComment(sql, decisionId, comment);
      try {
        await notes.update(note.id, decideUpdate, { decisionId, actor: request.actor, outcome, revision });
      } catch (error) {
        if (comment) await dropStagedComment(sql, decisionId);
        throw error;
      }
      return existing(note.id);
    },
  );
};
