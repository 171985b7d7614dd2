import { z } from 'zod';
import { CooperationForm, NoteContent, RiskRating } from '../domain/note-content';
import { HISTORY_ACTIONS } from '../domain/note-story';
import { NoteStatus, Outcome, Stage } from '../domain/pipeline';
import { errorBody } from './errors';

/** Response shapes of the API, from the domain's own schemas. */
const Instant = z.string();

/** A request body with its examples, which the OpenAPI document and `/docs` show (typed against the schema). */
export const withExamples = <T extends z.ZodType>(schema: T, ...examples: z.input<T>[]): T => schema.meta({ examples });

export const NoteSummary = z.object({
  id: z.uuid(),
  partnerId: z.uuid(),
  drafterId: z.string(),
  status: NoteStatus,
  stage: Stage.nullable(),
  /** Every review stage the note has been at: their reviewers may read it (need to know). */
  reachedStages: z.array(Stage),
  revision: z.number().int(),
  overallRisk: RiskRating.nullable(),
  stageDueAt: Instant.nullable(),
  adoptedAt: Instant.nullable(),
  reviewDueAt: Instant.nullable(),
  /** ACTIVE past its review date: its re-assessment is owed. */
  reviewOverdue: z.boolean(),
  supersedes: z.uuid().nullable(),
  supersededBy: z.uuid().nullable(),
  reassessment: z.uuid().nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});

const Approval = z.object({ actorId: z.string(), actorName: z.string(), stage: Stage, revision: z.number().int(), decidedAt: Instant });
const VoidedApproval = Approval.extend({
  voidedBy: z
    .enum(['newer_revision', 'changes_requested'])
    .describe('Why it counts no more: a newer revision voids every approval before it; changes requested on a revision void its approvals, since it may not be submitted again'),
}).describe('An approval that counts no more: shown as void, never as an approval');

const RouteStage = z.object({
  stage: Stage,
  name: z.string().describe('The stage in words'),
  quorum: z.number().int().describe('Distinct approvals the stage needs (legal review at high risk: more), under the configured policy'),
  state: z
    .enum(['done', 'open', 'ahead', 'ended'])
    .describe('`done`: passed on the current revision; `open`: under review now; `ahead`: still to come (in DRAFT, review starts again from the first stage); `ended`: the approval ended (rejected, withdrawn) before the stage was passed'),
  approvals: z.array(Approval).describe('Approvals of the current revision at this stage: those that count'),
  voidedApprovals: z.array(VoidedApproval),
});

const MinisterRequired = z
  .object({
    required: z.boolean(),
    reasons: z
      .array(
        z.object({
          rule: z.enum(['high_overall_risk', 'ministerial_form']),
          form: CooperationForm.optional().describe('The permitted form of cooperation that needs the minister’s permission (rule `ministerial_form`)'),
          text: z.string().describe('The reason as a clause: `the overall risk is high`'),
        }),
      )
      .describe('Each part of the routing rule that sends the note to the minister; empty when none does'),
    summary: z.string().describe('The outcome and its reasons in one sentence'),
  })
  .describe('Whether the minister decides after the head of service, and why: a high overall risk, or a permitted form that needs ministerial permission (unevaluated data, technical/operational support, assistance requests). Otherwise the head of service decides under mandate');

export const NoteView = NoteSummary.extend({
  contentSha256: z.string(),
  content: NoteContent,
  revisionAuthorId: z.string(),
  approvals: z.array(Approval).describe('Approvals of the current revision, every stage: those that count'),
  voidedApprovals: z.array(VoidedApproval),
  route: z.array(RouteStage).describe('Every stage the current revision passes, in order, the minister’s where required: its quorum, where the note stands, and whose approvals count'),
  ministerRequired: MinisterRequired,
  undeliveredMail: z.array(z.object({ recipientId: z.string(), kind: z.string(), error: z.string().nullable() })),
});

export const HistoryEntry = z.object({
  seq: z.number().int().describe('The audit entry it comes from; an adoption shares its decision’s'),
  at: Instant,
  action: z.enum(HISTORY_ACTIONS).describe('`note.adopted` follows the decision that adopted the note'),
  summary: z.string().describe('What happened, in words: `Carla Bakker approved revision 2 at team review.`'),
  actorId: z.string().nullable().describe('Null where a deadline, or the rules, acted'),
  actorName: z.string().nullable(),
  status: NoteStatus.nullable().describe('The note’s status after it'),
  stage: Stage.nullable().describe('The stage decided at, submitted to, reminded of or adopted after'),
  revision: z.number().int().nullable(),
  contentSha256: z.string().nullable(),
  outcome: Outcome.nullable(),
  comment: z.string().nullable().describe('A decision’s comment, a withdrawal’s or re-assessment’s reason'),
  recipients: z.array(z.string()).nullable().describe('Who was mailed'),
  relatedNoteId: z.uuid().nullable().describe('The re-assessment started or ended, the note re-assessed or superseded, or the note that superseded this one'),
});

export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip'),
});

/** Every list answers in one shape: a page of `items` (`limit`/`offset`) and `total`, the count of all that match. */
export const ListOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int().describe('The count of all that match, past this page too') }).describe('A page of the list, and how long the whole list is');

/** The one error shape of every route (API.md): `{ error: { code, message, details? } }`. */
export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

/** What each error status means, with an answer of that kind as its example. */
const ERRORS = {
  400: { meaning: 'Malformed input; `details` lists each field', example: errorBody(400, 'invalid body', [{ field: 'body.revision', message: 'Invalid input: expected number, received string' }]) },
  401: { meaning: 'No valid bearer token', example: errorBody(401, 'the bearer token is invalid or expired') },
  403: { meaning: 'The caller may not do this', example: errorBody(403, 'this needs one of the roles: drafter') },
  404: { meaning: 'No such resource, or not one the caller may know of', example: errorBody(404, 'no such note') },
  409: { meaning: 'The state moved on (a stale revision or stage, a conflict)', example: errorBody(409, 'revision 1 is not the current revision 2') },
  422: { meaning: 'Incomplete: `details` lists what is missing', example: errorBody(422, 'revision 1 is incomplete', [{ field: 'overallRisk', problem: 'not rated' }]) },
  503: { meaning: 'The database or Temporal is briefly unavailable; retry after `Retry-After` seconds', example: errorBody(503, 'the service is briefly unavailable; try again shortly') },
} as const;
export type ErrorStatus = keyof typeof ERRORS;

/** The documented error responses of a route, each with the error schema and an example, for its OpenAPI entry. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody.meta({ description: ERRORS[status].meaning, examples: [ERRORS[status].example] })])) as Record<S, typeof ErrorBody>;
}
