import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditContentRead } from '../../db/audit';
import { noteHistory } from '../../db/history';
import { contentSha256, dropPendingRevision, dropStagedComment, findRevision, insertNote, insertRevision, listNotes, markStarted, stageComment, type NoteView as NoteViewRow } from '../../db/notes';
import { findPartner } from '../../db/partners';
import { readGrant } from '../../domain/need-to-know';
import { findGaps, NoteContent } from '../../domain/note-content';
import { isFinal, newNoteState, NoteState, NoteStatus, Outcome, Revision, revisionFacts, Stage } from '../../domain/pipeline';
import type { Actor } from '../../domain/roles';
import { freeText } from '../../domain/text';
import { decideUpdate, reassessUpdate, reviseUpdate, submitUpdate, withdrawUpdate } from '../../workflows';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError } from '../errors';
import { auditRefusals, readableNote, shownNote } from '../note-access';
import { HistoryEntry, NoteSummary, NoteView, Page } from '../schemas';

const tags = ['notes'];
const Params = z.object({ id: z.uuid() });
const Reason = z.object({ reason: freeText(20_000).trim().min(1) }).strict();

const CreateNote = z.object({ partnerId: z.uuid(), content: NoteContent.prefault({}) }).strict();
const Draft = z.object({ content: NoteContent, baseRevision: Revision }).strict();
// Optional: without a body, the drafter submits the current revision.
const Submit = z.object({ revision: Revision.optional() }).strict().nullish();
const Decision = z
  // `stage` and `revision` name what the reviewer saw: a decision never lands on a stage they did not mean.
  .object({ outcome: Outcome, revision: Revision, stage: Stage, comment: freeText(20_000).trim().optional() })
  .strict()
  .refine((d) => d.outcome === 'approve' || !!d.comment, { path: ['comment'], message: 'a comment is required to reject or request changes' });
const ListQuery = Page.extend({ status: NoteStatus.optional(), stage: Stage.optional(), partnerId: z.uuid().optional() }).strict();

export const noteRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql, notes, policy, reviewDateMaxMs }) => {
  const access = { sql, notes };
  app.addHook('onSend', auditRefusals(sql));

  /** A note this person may read whose approval has not ended. */
  async function open(actor: Actor, id: string): Promise<NoteViewRow> {
    const note = await readableNote(access, actor, id);
    if (isFinal(note.status)) throw new ApiError(409, `the note is ${note.status}; its approval has ended`);
    return note;
  }

  /** A mutation answers with the note as it now stands: a read of its content, on the record. */
  const answer = (actor: Actor, id: string, what: string) => shownNote(access, actor, id, `${what} response`);

  /** Runs a request whose free text is kept in PostgreSQL under its id, dropped again if the workflow refuses. */
  async function withText<T>(id: string, text: string | undefined, send: () => Promise<T>): Promise<T> {
    if (text) await stageComment(sql, id, text);
    try {
      return await send();
    } catch (error) {
      // Only a refusal is known to have changed nothing; after an unknown outcome the text may belong to a recorded request.
      if (text && error instanceof ApiError) await dropStagedComment(sql, id);
      throw error;
    }
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
      const state = newNoteState({ noteId: id, partnerId: body.partnerId, drafterId: actor.id, supersedes: null, current: revisionFacts(body.content, 1, hash, actor.id), policy });
      // The note exists for no one until its execution does; no transaction or lock waits on Temporal.
      const note = { id, partnerId: body.partnerId, drafterId: actor.id, supersedes: null, content: body.content, contentSha256: hash };
      await sql.begin((tx) => insertNote(tx, { ...note, started: false }));
      try {
        await notes.start(state);
      } catch (error) {
        // Whether it started is unknown: a later read of this id asks Temporal (`readableNote`).
        if (error instanceof ApiError) throw error;
        throw new ApiError(503, 'Temporal did not confirm the note’s start in time; try again, or read the note, which exists if it started', { id });
      }
      await sql.begin((tx) => markStarted(tx, note));
      return reply.code(201).send({ id, status: 'DRAFT' as const, revision: 1 });
    },
  );

  app.get('/notes', { schema: { tags, summary: 'The notes the caller may read (need to know), newest first', querystring: ListQuery, response: { 200: z.object({ items: z.array(NoteSummary), total: z.number().int() }) } } }, async (request) =>
    listNotes(sql, request.query, readGrant(request.actor)),
  );

  app.get('/notes/:id', { schema: { tags, summary: 'A note: state, current revision and content, open stage, due time, approvals so far', params: Params, response: { 200: NoteView } } }, async (request) =>
    shownNote(access, request.actor, request.params.id, 'note'),
  );

  app.get('/notes/:id/history', { schema: { tags, summary: 'Every revision, decision, reminder and escalation, in order', params: Params, response: { 200: z.array(HistoryEntry) } } }, async (request) => {
    // The history carries decision comments, which are content.
    const note = await shownNote(access, request.actor, request.params.id, 'history');
    return noteHistory(sql, note.id);
  });

  app.get(
    '/notes/:id/workflow-state',
    { schema: { tags, summary: 'The workflow’s own view of the note (references, stage, decisions)', params: Params, response: { 200: NoteState } } },
    async (request) => {
      const note = await readableNote(access, request.actor, request.params.id);
      const state = await notes.state(note.id);
      await auditContentRead(sql, request.actor.id, note.id, 'workflow state', note.revision);
      return state;
    },
  );

  app.put(
    '/notes/:id/draft',
    { schema: { tags, summary: 'Save a new revision of a draft', params: Params, body: Draft, response: { 200: NoteView } } },
    async (request) => {
      const { actor, body } = request;
      const note = await open(actor, request.params.id);
      if (actor.id !== note.drafterId) throw new ApiError(403, 'only the note’s drafter may revise it');
      if (body.baseRevision !== note.revision) throw new ApiError(409, `revision ${body.baseRevision} is not the latest (${note.revision})`);
      const revision = note.revision + 1;
      const hash = contentSha256(body.content);
      // Saved pending, then offered to the workflow, whose projection accepts it: the note shows its
      // current revision throughout, and of two saves of one base the workflow takes one.
      const saved = await insertRevision(sql, { noteId: note.id, revision, content: body.content, contentSha256: hash, authorId: actor.id, accepted: false });
      try {
        await notes.update(note.id, reviseUpdate, { actor, facts: revisionFacts(body.content, revision, hash, actor.id) });
      } catch (error) {
        // Refused, it was never the note's text; after an unknown outcome it may yet be, so it stays (pending, unseen).
        if (saved && error instanceof ApiError && error.status < 500) await dropPendingRevision(sql, note.id, revision, hash);
        throw error;
      }
      return answer(actor, note.id, 'draft');
    },
  );

  app.post(
    '/notes/:id/submit',
    { schema: { tags, summary: 'Send a complete draft into review', params: Params, body: Submit, response: { 200: NoteView } } },
    async (request) => {
      const note = await open(request.actor, request.params.id);
      if (request.actor.id !== note.drafterId) throw new ApiError(403, 'only the note’s drafter may submit it');
      const revision = request.body?.revision ?? note.revision;
      const stored = await findRevision(sql, note.id, revision);
      if (stored) {
        const gaps = findGaps(stored.content, { now: new Date(), maxAheadMs: reviewDateMaxMs });
        if (gaps.length) throw new ApiError(422, `revision ${revision} is incomplete`, gaps);
      }
      await notes.update(note.id, submitUpdate, { actor: request.actor, revision });
      return answer(request.actor, note.id, 'submit');
    },
  );

  app.post(
    '/notes/:id/decisions',
    { schema: { tags, summary: 'Approve, reject or request changes at the open stage', params: Params, body: Decision, response: { 200: NoteView } } },
    async (request) => {
      const note = await open(request.actor, request.params.id);
      const { comment, ...decision } = request.body;
      const decisionId = randomUUID();
      // Comments are content: they stay in PostgreSQL, the workflow sees only the decision's id.
      await withText(decisionId, comment, () => notes.update(note.id, decideUpdate, { decisionId, actor: request.actor, ...decision }));
      return answer(request.actor, note.id, 'decision');
    },
  );

  app.post(
    '/notes/:id/withdraw',
    { schema: { tags, summary: 'Withdraw a draft or a note in review', params: Params, body: Reason, response: { 200: NoteView } } },
    async (request) => {
      const note = await open(request.actor, request.params.id);
      const eventId = randomUUID();
      await withText(eventId, request.body.reason, () => notes.update(note.id, withdrawUpdate, { eventId, actor: request.actor }));
      return answer(request.actor, note.id, 'withdrawal');
    },
  );

  app.post(
    '/notes/:id/reassess',
    { schema: { tags, summary: 'Start the re-assessment of an adopted note: a new note that supersedes it once adopted', params: Params, body: Reason, response: { 201: z.object({ id: z.uuid() }) } } },
    async (request, reply) => {
      const note = await open(request.actor, request.params.id);
      const eventId = randomUUID();
      const { noteId } = await withText(eventId, request.body.reason, () => notes.update(note.id, reassessUpdate, { eventId, actor: request.actor }));
      return reply.code(201).send({ id: noteId });
    },
  );
};
