import { z } from 'zod';
import { Actor, hasRole, type Role } from './roles';
import { Refusal } from './refusal';

/** Review stages in the order a note passes them. */
export const STAGES = ['TEAM_REVIEW'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

/** Who may decide at each stage. */
export const STAGE_ROLE: Record<Stage, Role> = {
  TEAM_REVIEW: 'team_lead',
};

export const NOTE_STATUSES = ['DRAFT', 'IN_REVIEW', 'ADOPTED', 'REJECTED', 'WITHDRAWN'] as const;
export const NoteStatus = z.enum(NOTE_STATUSES);
export type NoteStatus = z.infer<typeof NoteStatus>;

/** Once here, a note's approval is over: its workflow has ended and nothing can be decided. */
export function isFinal(status: NoteStatus): boolean {
  return status !== 'DRAFT' && status !== 'IN_REVIEW';
}

export const Outcome = z.enum(['approve', 'reject', 'request_changes']);
export type Outcome = z.infer<typeof Outcome>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256');
const Revision = z.number().int().positive();

/** What the workflow holds: references, stages, decisions and hashes; never note content. */
export const NoteState = z.object({
  noteId: z.uuid(),
  partnerId: z.uuid(),
  drafterId: z.string().min(1),
  status: NoteStatus,
  stage: Stage.nullable(),
  revision: Revision,
  revisionAuthorId: z.string().min(1),
  contentSha256: Sha256,
  /** Bumped on every transition, so the read model can ignore a projection older than what it holds. */
  version: z.number().int().nonnegative(),
  decisions: z.array(
    z.object({
      decisionId: z.uuid(),
      actorId: z.string(),
      stage: Stage,
      revision: Revision,
      outcome: Outcome,
      contentSha256: Sha256,
    }),
  ),
});
export type NoteState = z.infer<typeof NoteState>;

export const SubmitRequest = z.object({ actor: Actor, revision: Revision });
export type SubmitRequest = z.infer<typeof SubmitRequest>;

export const DecisionRequest = z.object({
  decisionId: z.uuid(),
  actor: Actor,
  outcome: Outcome,
  revision: Revision,
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export function parseOrRefuse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Refusal('conflict', `malformed request: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The rules of the pipeline as one state machine; the workflow only wires messages to it. */
export class NotePipeline {
  constructor(private current: NoteState) {}

  get state(): NoteState {
    return this.current;
  }

  get finished(): boolean {
    return isFinal(this.current.status);
  }

  checkSubmit(request: SubmitRequest): void {
    const { actor, revision } = parseOrRefuse(SubmitRequest, request);
    if (actor.id !== this.current.drafterId) throw new Refusal('forbidden', 'only the note’s drafter may submit it');
    if (this.current.status !== 'DRAFT') throw new Refusal('conflict', `the note is ${this.current.status}, not DRAFT`);
    this.checkRevision(revision);
  }

  submit(request: SubmitRequest): NoteState {
    this.checkSubmit(request);
    return this.move({ status: 'IN_REVIEW', stage: STAGES[0] });
  }

  checkDecision(request: DecisionRequest): void {
    const { actor, revision, decisionId } = parseOrRefuse(DecisionRequest, request);
    const { stage } = this.current;
    if (stage === null) throw new Refusal('conflict', `the note is ${this.current.status}; no stage is open`);
    this.checkRevision(revision);
    if (!hasRole(actor, STAGE_ROLE[stage])) {
      throw new Refusal('forbidden', `deciding at ${stage} needs the role ${STAGE_ROLE[stage]}`);
    }
    if (actor.id === this.current.revisionAuthorId) {
      throw new Refusal('forbidden', 'the author of a revision may not decide on it');
    }
    if (this.current.decisions.some((d) => d.decisionId === decisionId)) {
      throw new Refusal('conflict', 'this decision was recorded already');
    }
    if (this.current.decisions.some((d) => d.actorId === actor.id && d.stage === stage && d.revision === revision)) {
      throw new Refusal('forbidden', `you have decided at ${stage} on revision ${revision} already`);
    }
  }

  decide(request: DecisionRequest): NoteState {
    this.checkDecision(request);
    const stage = this.current.stage as Stage;
    const decisions = [
      ...this.current.decisions,
      {
        decisionId: request.decisionId,
        actorId: request.actor.id,
        stage,
        revision: request.revision,
        outcome: request.outcome,
        contentSha256: this.current.contentSha256,
      },
    ];
    switch (request.outcome) {
      case 'approve':
        return this.move({ decisions, ...this.after(stage) });
      case 'reject':
        return this.move({ decisions, status: 'REJECTED', stage: null });
      case 'request_changes':
        return this.move({ decisions, status: 'DRAFT', stage: null });
    }
  }

  private after(stage: Stage): Pick<NoteState, 'status' | 'stage'> {
    const next = STAGES[STAGES.indexOf(stage) + 1];
    return next ? { status: 'IN_REVIEW', stage: next } : { status: 'ADOPTED', stage: null };
  }

  private checkRevision(revision: number): void {
    if (revision !== this.current.revision) {
      throw new Refusal('conflict', `revision ${revision} is not the current revision ${this.current.revision}`);
    }
  }

  private move(change: Partial<NoteState>): NoteState {
    this.current = { ...this.current, ...change, version: this.current.version + 1 };
    return this.current;
  }
}
