import { z } from 'zod';
import { NoteContent, RiskRating } from '../domain/note-content';
import { NoteStatus, Stage } from '../domain/pipeline';

/** Response shapes of the API, from the domain's own schemas. */
const Instant = z.string();

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

export const NoteView = NoteSummary.extend({
  contentSha256: z.string(),
  content: NoteContent,
  revisionAuthorId: z.string(),
  approvals: z.array(z.object({ actorId: z.string(), stage: Stage, revision: z.number().int(), decidedAt: Instant })),
  undeliveredMail: z.array(z.object({ recipientId: z.string(), kind: z.string(), error: z.string().nullable() })),
});

export const HistoryEntry = z.object({
  seq: z.number().int(),
  at: Instant,
  action: z.string(),
  actorId: z.string().nullable(),
  status: z.string().nullable(),
  stage: z.string().nullable(),
  revision: z.number().int().nullable(),
  contentSha256: z.string().nullable(),
  outcome: z.string().nullable(),
  comment: z.string().nullable(),
  recipients: z.array(z.string()).nullable(),
});

export const Page = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) });
