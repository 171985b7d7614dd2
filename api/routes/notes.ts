import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditContentRead } from '../../db/audit';
import { noteHistory } from '../../db/history';
import {
  contentSha256,
  currentNoteOf,
  dropPendingRevision,
  dropStagedComment,
  dropUnstartedNote,
  findRevision,
  insertNote,
  insertRevision,
  isSecondCurrentNote,
  listNotes,
  markStarted,
  stageComment,
  type NoteView as NoteViewRow,
} from '../../db/notes';
import { findPartner } from '../../db/partners';
import exampleNote from '../../docs/example-note.json';
import { readGrant } from '../../domain/need-to-know';
import { findGaps, NoteContent } from '../../domain/note-content';
import { isFinal, newNoteState, NoteState, NoteStatus, Outcome, Revision, revisionFacts, Stage } from '../../domain/pipeline';
import type { Actor } from '../../domain/roles';
import { aheadOf } from '../../domain/route-ahead';
import { freeText } from '../../domain/text';
import { decideUpdate, reassessUpdate, reviseUpdate, submitUpdate, withdrawUpdate } from '../../workflows';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError } from '../errors';
import { auditRefusals, readableNote, shownNote } from '../note-access';
import { errorResponses, HistoryEntry, ListOf, NoteSummary, NoteView, Page, withExamples } from '../schemas';

const tags = ['notes'];
const Params = z.object({ id: z.uuid() });
const Reason = (example: string) => withExamples(z.object({ reason: freeText(20_000).trim().min(1) }).strict(), { reason: example });

/** The complete note of the README's first approval, checked against the schema as the API starts. */
const EXAMPLE_CONTENT = NoteContent.parse(exampleNote);
const CreateNote = withExamples(z.object({ partnerId: z.uuid(), content: NoteContent.prefault({}) }).strict(), { partnerId: '0b9e4c1a-5d2f-4e8b-9a61-3c7d2f8e1b45', content: EXAMPLE_CONTENT });
const Draft = withExamples(z.object({ content: NoteContent, baseRevision: Revision }).strict(), { baseRevision: 1, content: { ...EXAMPLE_CONTENT, weighing: 'The interest outweighs the risk with the conditions below, reviewed yearly.' } });
// Optional: without a body, the drafter submits the current revision.
const Submit = withExamples(z.object({ revision: Revision.optional() }).strict().nullish(), { revision: 1 });
const Decision = withExamples(
  z
    // `stage` and `revision` name what the reviewer saw: a decision never lands on a stage they did not mean.
    .object({ outcome: Outcome, revision: Revision, stage: Stage, comment: freeText(20_000).trim().optional() })
    .strict()
    .refine((d) => d.outcome === 'approve' || !!d.comment, { path: ['comment'], message: 'a comment is required to reject or request changes' }),
  { outcome: 'approve', revision: 1, stage: 'TEAM_REVIEW' },
  { outcome: 'request_changes', revision: 1, stage: 'LEGAL_REVIEW', comment: 'Sharpen the data-protection findings.' },
);
const ListQuery = Page.extend({ status: NoteStatus.optional(), stage: Stage.optional(), partnerId: z.uuid().optional() }).strict();

/** A note in an answer: to a read, and to a change, as it then stands. */
const Shown = NoteView.describe('The note as it stands: state, current revision and content, the route ahead, approvals');
/** What a route on one note can refuse with, besides its own (an id that is no uuid, a note the caller may not know of). */
const ON_A_NOTE = [400, 401, 404, 503] as const;

export const noteRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql, notes, policy, reviewDateMaxMs, temporalCallTimeoutMs }) => {
  const access = { sql, notes };
  app.addHook('onSend', auditRefusals(sql));

  /** A note as every answer shows it: with the route ahead of it. */
  const withRoute = (note: NoteViewRow) => ({ ...note, ...aheadOf(note, policy) });

  /** A note this person may read whose approval has not ended. */
  async function open(actor: Actor, id: string): Promise<NoteViewRow> {
    const note = await readableNote(access, actor, id);
    if (isFinal(note.status)) throw new ApiError(409, `the note is ${note.status}; its approval has ended`);
    return note;
  }

  /** A mutation answers with the note as it now stands: a read of its content, on the record. */
  const answer = async (actor: Actor, id: string, what: string) => withRoute(await shownNote(access, actor, id, `${what} response`));

  /**
   * One current note per partner (DOMAIN.md): refused while the partner has a note in progress or
   * ACTIVE, whose re-assessment is the way to assess it anew. A note whose creating request never
   * heard back counts until it is known never to have started: past the longest its start could
   * take, without an execution.
   */
  async function refuseSecondNote(partnerId: string): Promise<void> {
    const current = await currentNoteOf(sql, partnerId);
    if (!current) return;
    if (!current.started && current.ageMs > 2 * temporalCallTimeoutMs && !(await notes.exists(current.id))) {
      await dropUnstartedNote(sql, current.id);
      return refuseSecondNote(partnerId);
    }
    throw secondNote(current.id);
  }
  const secondNote = (noteId: string | undefined) =>
    new ApiError(409, `the partner has a current note${noteId ? ` (${noteId})` : ''}: assess it anew by re-assessing that note once it is ACTIVE`, noteId ? { noteId } : undefined);

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
        description: 'One current note per partner: while the partner has a note in progress or ACTIVE, 409 names it (`details.noteId`); a new assessment of it is that note’s re-assessment.',
        body: CreateNote,
        response: { 201: z.object({ id: z.uuid(), status: NoteStatus, revision: z.number().int() }), ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { actor, body } = request;
      requireRole(actor, 'drafter');
      if (!(await findPartner(sql, body.partnerId))) throw new ApiError(404, 'no such partner');
      await refuseSecondNote(body.partnerId);
      const id = randomUUID();
      const hash = contentSha256(body.content);
      const state = newNoteState({ noteId: id, partnerId: body.partnerId, drafterId: actor.id, supersedes: null, current: revisionFacts(body.content, 1, hash, actor.id), policy });
      // The note exists for no one until its execution does; no transaction or lock waits on Temporal.
      const note = { id, partnerId: body.partnerId, drafterId: actor.id, supersedes: null, content: body.content, contentSha256: hash };
      try {
        await sql.begin((tx) => insertNote(tx, { ...note, started: false }));
      } catch (error) {
        // Another note for the partner, made at the same moment, came first.
        if (isSecondCurrentNote(error)) throw secondNote((await currentNoteOf(sql, body.partnerId))?.id);
        throw error;
      }
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

  app.get(
    '/notes',
    { schema: { tags, summary: 'The notes the caller may read (need to know), newest first', querystring: ListQuery, response: { 200: ListOf(NoteSummary), ...errorResponses(400, 401, 503) } } },
    async (request) => listNotes(sql, request.query, readGrant(request.actor)),
  );

  app.get(
    '/notes/:id',
    {
      schema: {
        tags,
        summary: 'A note: state, current revision and content, the route ahead with each stage’s quorum and approvals, due time',
        params: Params,
        response: { 200: Shown, ...errorResponses(...ON_A_NOTE) },
      },
    },
    async (request) => withRoute(await shownNote(access, request.actor, request.params.id, 'note')),
  );

  app.get(
    '/notes/:id/history',
    {
      schema: {
        tags,
        summary: 'What happened, in order and in words: every revision, decision, reminder and escalation, the adoption and the supersession',
        params: Params,
        response: { 200: z.array(HistoryEntry).describe('The note’s story, oldest first'), ...errorResponses(...ON_A_NOTE) },
      },
    },
    async (request) => {
      // The history carries decision comments, which are content.
      const note = await shownNote(access, request.actor, request.params.id, 'history');
      return noteHistory(sql, note);
    },
  );

  app.get(
    '/notes/:id/workflow-state',
    // 409 once the execution is gone (the server's retention).
    { schema: { tags, summary: 'The workflow’s own view of the note (references, stage, decisions)', params: Params, response: { 200: NoteState, ...errorResponses(...ON_A_NOTE, 409) } } },
    async (request) => {
      const note = await readableNote(access, request.actor, request.params.id);
      const state = await notes.state(note.id);
      await auditContentRead(sql, request.actor.id, note.id, 'workflow state', note.revision);
      return state;
    },
  );

  app.put(
    '/notes/:id/draft',
    { schema: { tags, summary: 'Save a new revision of a draft', params: Params, body: Draft, response: { 200: Shown, ...errorResponses(...ON_A_NOTE, 403, 409) } } },
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
    { schema: { tags, summary: 'Send a complete draft into review', params: Params, body: Submit, response: { 200: Shown, ...errorResponses(...ON_A_NOTE, 403, 409, 422) } } },
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
    { schema: { tags, summary: 'Approve, reject or request changes at the open stage', params: Params, body: Decision, response: { 200: Shown, ...errorResponses(...ON_A_NOTE, 403, 409) } } },
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
    { schema: { tags, summary: 'Withdraw a draft or a note in review', params: Params, body: Reason('Overtaken by events.'), response: { 200: Shown, ...errorResponses(...ON_A_NOTE, 403, 409) } } },
    async (request) => {
      const note = await open(request.actor, request.params.id);
      const eventId = randomUUID();
      await withText(eventId, request.body.reason, () => notes.update(note.id, withdrawUpdate, { eventId, actor: request.actor }));
      return answer(request.actor, note.id, 'withdrawal');
    },
  );

  app.post(
    '/notes/:id/reassess',
    {
      schema: {
        tags,
        summary: 'Start the re-assessment of an adopted note: a new note that supersedes it once adopted',
        params: Params,
        body: Reason('Change of government in the partner’s country.'),
        response: { 201: z.object({ id: z.uuid() }), ...errorResponses(...ON_A_NOTE, 403, 409) },
      },
    },
    async (request, reply) => {
      const note = await open(request.actor, request.params.id);
      const eventId = randomUUID();
      const { noteId } = await withText(eventId, request.body.reason, () => notes.update(note.id, reassessUpdate, { eventId, actor: request.actor }));
      return reply.code(201).send({ id: noteId });
    },
  );
};
