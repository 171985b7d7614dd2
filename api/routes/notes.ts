import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import exampleNote from '../../docs/example-note.json';
import { NoteContent } from '../../domain/note-content';
import { NoteState, NoteStatus, Outcome, Revision, Stage } from '../../domain/pipeline';
import { freeText } from '../../domain/text';
import type { RouteDeps } from '../app-deps';
import { auditRefusals } from '../note-access';
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

/** A note in an answer to a read, or to a saved draft, as it then stands. */
const Shown = NoteView.describe('The note as it stands: state, current revision and content, the route ahead, approvals');
/** The answer to a submission, decision or withdrawal: the caller read the content before, and did not change it. */
const NewState = NoteView.omit({ content: true }).describe('The note’s new state: status, stage, current revision (by its hash), the route ahead, approvals; not its content, which `GET /notes/:id` shows');
/** What a route on one note can refuse with, besides its own (an id that is no uuid, a note the caller may not know of). */
const ON_A_NOTE = [400, 401, 404, 503] as const;

export const noteRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { sql, noteService: service }) => {
  app.addHook('onSend', auditRefusals(sql));

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
    async (request, reply) => reply.code(201).send(await service.create(request.actor, request.body)),
  );

  app.get(
    '/notes',
    { schema: { tags, summary: 'The notes the caller may read (need to know), newest first', querystring: ListQuery, response: { 200: ListOf(NoteSummary), ...errorResponses(400, 401, 503) } } },
    async (request) => service.list(request.actor, request.query),
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
    async (request) => service.show(request.actor, request.params.id, 'note'),
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
    async (request) => service.history(request.actor, request.params.id),
  );

  app.get(
    '/notes/:id/workflow-state',
    // 409 once the execution is gone (the server's retention).
    { schema: { tags, summary: 'The workflow’s own view of the note (references, stage, decisions)', params: Params, response: { 200: NoteState, ...errorResponses(...ON_A_NOTE, 409) } } },
    async (request) => service.workflowState(request.actor, request.params.id),
  );

  app.put(
    '/notes/:id/draft',
    { schema: { tags, summary: 'Save a new revision of a draft', params: Params, body: Draft, response: { 200: Shown, ...errorResponses(...ON_A_NOTE, 403, 409) } } },
    async (request) => service.saveDraft(request.actor, request.params.id, request.body),
  );

  app.post(
    '/notes/:id/submit',
    { schema: { tags, summary: 'Send a complete draft into review', params: Params, body: Submit, response: { 200: NewState, ...errorResponses(...ON_A_NOTE, 403, 409, 422) } } },
    async (request) => service.submit(request.actor, request.params.id, request.body?.revision),
  );

  app.post(
    '/notes/:id/decisions',
    { schema: { tags, summary: 'Approve, reject or request changes at the open stage', params: Params, body: Decision, response: { 200: NewState, ...errorResponses(...ON_A_NOTE, 403, 409) } } },
    async (request) => service.decide(request.actor, request.params.id, request.body),
  );

  app.post(
    '/notes/:id/withdraw',
    { schema: { tags, summary: 'Withdraw a draft or a note in review', params: Params, body: Reason('Overtaken by events.'), response: { 200: NewState, ...errorResponses(...ON_A_NOTE, 403, 409) } } },
    async (request) => service.withdraw(request.actor, request.params.id, request.body.reason),
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
    async (request, reply) => reply.code(201).send(await service.reassess(request.actor, request.params.id, request.body.reason)),
  );
};
