import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AnswerInput, ANSWERS, ConsentContent, ConsentStage, ConsentStatus, Recipient } from '../../domain/consent';
import { CONSENT_STORY_ACTIONS } from '../../domain/consent-story';
import { CooperationForm } from '../../domain/note-content';
import { Outcome, Revision } from '../../domain/pipeline';
import { freeText } from '../../domain/text';
import type { RouteDeps } from '../app-deps';
import { auditRefusals } from '../note-access';
import { errorResponses, ListOf, Page, withExamples } from '../schemas';

const tags = ['consent requests'];
const Params = z.object({ id: z.uuid() });
const Instant = z.string();

const EXAMPLE_CONTENT = {
  recipient: 'nato',
  informationRef: 'NDIS-2026-0412',
  form: 'evaluated_intelligence_exchange',
  justification: 'The assessment bears on the alliance’s threat picture for the northern flank.',
} as const;

/** What a request asks, revision by revision. */
const Asked = ConsentContent.describe('What is asked: the recipient, the information’s reference (never the information), the form of cooperation, the justification');
const CreateConsent = withExamples(
  z.object({ originatorId: z.uuid().describe('The partner service the information came from'), content: Asked }).strict(),
  { originatorId: '6f1c9a52-2b7e-4c1d-9a43-0d6f4e2b8a11', content: EXAMPLE_CONTENT },
  { originatorId: '6f1c9a52-2b7e-4c1d-9a43-0d6f4e2b8a11', content: { ...EXAMPLE_CONTENT, recipient: '8a2d4e63-3c8f-4d2e-8b54-1e7a5f3c9b22' } },
);
const Draft = withExamples(z.object({ content: Asked, baseRevision: Revision }).strict(), { baseRevision: 1, content: { ...EXAMPLE_CONTENT, informationRef: 'NDIS-2026-0413' } });
const Submit = withExamples(z.object({ revision: Revision.optional() }).strict().nullish(), { revision: 1 });
const Decision = withExamples(
  z
    .object({ outcome: Outcome, revision: Revision, stage: ConsentStage, comment: freeText(20_000).trim().optional() })
    .strict()
    .refine((d) => d.outcome === 'approve' || !!d.comment, { path: ['comment'], message: 'a comment is required to reject or request changes' }),
  { outcome: 'approve', revision: 1, stage: 'LEGAL_REVIEW' },
  { outcome: 'approve', revision: 1, stage: 'HEAD_OF_SERVICE' },
  { outcome: 'request_changes', revision: 1, stage: 'LEGAL_REVIEW', comment: 'Name the report’s paragraph, not the whole report.' },
);
const Answer = withExamples(AnswerInput, { answer: 'granted', givenOn: '2026-12-01' }, { answer: 'granted_with_conditions', givenOn: '2026-12-01', conditions: 'No further dissemination beyond the alliance’s intelligence staff.' });
const Reason = withExamples(z.object({ reason: freeText(20_000).trim().min(1) }).strict(), { reason: 'The information is no longer needed.' });
const ListQuery = Page.extend({ status: ConsentStatus.optional(), stage: ConsentStage.optional(), originatorId: z.uuid().optional() }).strict();

export const ConsentSummary = z.object({
  id: z.uuid(),
  originatorId: z.uuid().describe('The partner service the information came from'),
  drafterId: z.string(),
  status: ConsentStatus,
  stage: ConsentStage.nullable(),
  reachedStages: z.array(ConsentStage).describe('Every review stage the request has been at: their reviewers may read it (need to know)'),
  revision: z.number().int(),
  stageDueAt: Instant.nullable(),
  requestedAt: Instant.nullable().describe('When the head of service approved sending it'),
  answerDueAt: Instant.nullable(),
  lapsesAt: Instant.nullable().describe('When it lapses without an answer'),
  answer: z.enum(ANSWERS).nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});

const ConsentView = ConsentSummary.extend({
  content: z.object({ recipient: Recipient, informationRef: z.string(), form: CooperationForm, justification: z.string() }),
  contentSha256: z.string(),
  revisionAuthorId: z.string(),
  decisions: z.array(
    z.object({ decisionId: z.uuid(), actorId: z.string(), actorName: z.string(), stage: ConsentStage, revision: z.number().int(), outcome: Outcome, decidedAt: Instant }),
  ),
  answerRecord: z
    .object({ answer: z.enum(ANSWERS), givenOn: z.string(), conditions: z.string().nullable(), recordedBy: z.string(), recordedByName: z.string(), recordedAt: Instant })
    .nullable()
    .describe('The partner’s answer as recorded: the day it was given and any conditions'),
  undeliveredMail: z.array(z.object({ recipientId: z.string(), kind: z.string(), error: z.string().nullable() })),
}).describe('The request as it stands: its state, current revision and content, decisions and answer');
/** The answer to a submission, decision or withdrawal, as for notes: the caller read the content before, and did not change it. */
const NewState = ConsentView.omit({ content: true }).describe('The request’s new state: status, stage, current revision (by its hash), decisions; not its content, which `GET /consent-requests/:id` shows');

const HistoryEntry = z.object({
  seq: z.number().int(),
  at: Instant,
  action: z.enum(CONSENT_STORY_ACTIONS),
  summary: z.string().describe('What happened, in words: `Daan Visser approved revision 1 at legal review. Head of service review is open.`'),
  actorId: z.string().nullable().describe('Null where a deadline acted'),
  actorName: z.string().nullable(),
  status: ConsentStatus.nullable(),
  stage: ConsentStage.nullable(),
  revision: z.number().int().nullable(),
  contentSha256: z.string().nullable(),
  outcome: Outcome.nullable(),
  comment: z.string().nullable().describe('A decision’s comment, a withdrawal’s reason'),
  answer: z.enum(ANSWERS).nullable(),
  recipients: z.array(z.string()).nullable().describe('Who was mailed'),
});

/** What a route on one request can refuse with, besides its own (an id that is no uuid, a request the caller may not know of). */
const ON_A_REQUEST = [400, 401, 404, 503] as const;

/**
 * Consent requests under the third-party rule: drafted by a drafter, reviewed by legal, approved for
 * sending by the head of service (its approval at HEAD_OF_SERVICE), answered by the partner or lapsed.
 */
export const consentRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { sql, consentService: service }) => {
  app.addHook('onSend', auditRefusals(sql, 'consent'));

  app.post(
    '/consent-requests',
    {
      schema: {
        tags,
        summary: 'Ask to share information received from a partner with a third party: a request in DRAFT, and its workflow',
        description:
          'The recipient is a partner service (its id), or `nato` or `eu`. A partner service may receive the information only where its ACTIVE weighing note permits the form of cooperation: otherwise 409, in words that say nothing of the note. NATO and the EU have no weighing note; legal review is the check there.',
        body: CreateConsent,
        response: { 201: z.object({ id: z.uuid(), status: ConsentStatus, revision: z.number().int() }), ...errorResponses(400, 401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(request.actor, request.body)),
  );

  app.get(
    '/consent-requests',
    { schema: { tags, summary: 'The consent requests the caller may read (need to know), newest first', querystring: ListQuery, response: { 200: ListOf(ConsentSummary), ...errorResponses(400, 401, 503) } } },
    async (request) => service.list(request.actor, request.query),
  );

  app.get(
    '/consent-requests/:id',
    { schema: { tags, summary: 'A consent request: its state, current revision and content, decisions and answer', params: Params, response: { 200: ConsentView, ...errorResponses(...ON_A_REQUEST) } } },
    async (request) => service.show(request.actor, request.params.id, 'consent request'),
  );

  app.get(
    '/consent-requests/:id/history',
    {
      schema: {
        tags,
        summary: 'What happened, in order and in words: revisions, decisions, reminders, the answer or the lapse',
        params: Params,
        response: { 200: z.array(HistoryEntry).describe('The request’s story, oldest first'), ...errorResponses(...ON_A_REQUEST) },
      },
    },
    async (request) => service.history(request.actor, request.params.id),
  );

  app.put(
    '/consent-requests/:id/draft',
    { schema: { tags, summary: 'Save a new revision of a draft request', params: Params, body: Draft, response: { 200: ConsentView, ...errorResponses(...ON_A_REQUEST, 403, 409, 422) } } },
    async (request) => service.saveDraft(request.actor, request.params.id, request.body),
  );

  app.post(
    '/consent-requests/:id/submit',
    { schema: { tags, summary: 'Send a draft request to legal review', params: Params, body: Submit, response: { 200: NewState, ...errorResponses(...ON_A_REQUEST, 403, 409) } } },
    async (request) => service.submit(request.actor, request.params.id, request.body?.revision),
  );

  app.post(
    '/consent-requests/:id/decisions',
    {
      schema: {
        tags,
        summary: 'Approve, reject or request changes at the open stage; the head of service’s approval sends the request to the originating partner',
        description: 'At HEAD_OF_SERVICE, approving is approving sending: the recipient is checked again (409 if its weighing note no longer permits the form). Four eyes: the drafter decides on nothing of the request.',
        params: Params,
        body: Decision,
        response: { 200: NewState, ...errorResponses(...ON_A_REQUEST, 403, 409) },
      },
    },
    async (request) => service.decide(request.actor, request.params.id, request.body),
  );

  app.post(
    '/consent-requests/:id/answer',
    {
      schema: {
        tags,
        summary: 'Record the originating partner’s answer: granted, granted with conditions, or refused',
        description: 'By the request’s drafter or the head of service, while the request awaits its answer. `givenOn` lies between the day it was sent and today.',
        params: Params,
        body: Answer,
        response: { 200: ConsentView, ...errorResponses(...ON_A_REQUEST, 403, 409, 422) },
      },
    },
    async (request) => service.recordAnswer(request.actor, request.params.id, request.body),
  );

  app.post(
    '/consent-requests/:id/withdraw',
    { schema: { tags, summary: 'Withdraw a request before its answer', params: Params, body: Reason, response: { 200: NewState, ...errorResponses(...ON_A_REQUEST, 403, 409) } } },
    async (request) => service.withdraw(request.actor, request.params.id, request.body.reason),
  );
};
