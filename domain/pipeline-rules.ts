import type { z } from 'zod';
import type { NoteContent } from './note-content';
import type { CooperationForm } from './note-terms';
import { parseOrRefuse } from './parse-or-refuse';
import type { Decision, NoteState, Policy } from './pipeline';
import type * as Requests from './pipeline-requests';
import type { DecisionRequest, LegacyRevisionFacts, NoteStatus, ReassessRequest, ReviseRequest, RevisionFacts, Stage, SubmitRequest, WithdrawRequest } from './pipeline-requests';
import { Refusal } from './refusal';
import { hasRole, type Role } from './role-rules';
import type { Actor } from './roles';

/**
 * The rules of a note's approval, without their schemas (`pipeline`, `pipeline-requests`): what its
 * workflow runs. Its Updates' requests are read with schemas loaded on first use (`parse-or-refuse`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: see parse-or-refuse
const requests = () => require('./pipeline-requests') as typeof Requests;

/** Review stages in the order a note passes them; MINISTER only where the routing rule asks for it. */
export const STAGES = ['TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE', 'MINISTER'] as const;

/** Who may decide at each stage. */
export const STAGE_ROLE: Record<Stage, Role> = {
  TEAM_REVIEW: 'team_lead',
  LEGAL_REVIEW: 'legal',
  HEAD_OF_SERVICE: 'head_of_service',
  MINISTER: 'minister',
};

/** Roles that review at some stage: their holders have an inbox. */
export const REVIEWING_ROLES: Role[] = STAGES.map((stage) => STAGE_ROLE[stage]);

export const NOTE_STATUSES = ['DRAFT', 'IN_REVIEW', 'ACTIVE', 'REJECTED', 'WITHDRAWN', 'SUPERSEDED'] as const;

/** Once here, a note's approval is over and its workflow ends. ACTIVE is not: it waits for its review date. */
export function isFinal(status: NoteStatus): boolean {
  return status === 'REJECTED' || status === 'WITHDRAWN' || status === 'SUPERSEDED';
}

/** Forms of cooperation that need the minister's permission (design, after the law's ministerial permission). */
export const MINISTERIAL_FORMS: CooperationForm[] = ['unevaluated_data_provision', 'technical_operational_support', 'assistance_requests'];

export function needsMinisterialPermission(forms: readonly CooperationForm[]): boolean {
  return forms.some((form) => MINISTERIAL_FORMS.includes(form));
}

export function revisionFacts(content: NoteContent, revision: number, contentSha256: string, authorId: string): RevisionFacts {
  return {
    revision,
    contentSha256,
    authorId,
    overallRisk: content.overallRisk,
    ministerialForms: needsMinisterialPermission(content.permittedCooperation),
    reviewDate: content.reviewDate,
  };
}

export type StoredNoteState = Omit<NoteState, 'current'> & { current: RevisionFacts | LegacyRevisionFacts };

export function upgradeRevisionFacts(facts: RevisionFacts | LegacyRevisionFacts): RevisionFacts {
  if (!('permittedCooperation' in facts)) return facts;
  const { permittedCooperation, ...rest } = facts;
  return { ...rest, ministerialForms: needsMinisterialPermission(permittedCooperation) };
}

export function upgradeNoteState(state: StoredNoteState): NoteState {
  return { ...state, current: upgradeRevisionFacts(state.current) };
}

/** Where a note or a consent request starts: a draft, no stage open, nothing decided or nudged. */
export const inDraft = () => ({ status: 'DRAFT' as const, stage: null, changesRequestedOn: null, version: 0, decisions: [], stageDueAt: null, remindersSent: 0, escalated: false });

export function newNoteState(init: { noteId: string; partnerId: string; drafterId: string; supersedes: string | null; current: RevisionFacts; policy: Policy }): NoteState {
  return {
    ...init,
    ...inDraft(),
    adoptedAt: null,
    reviewDueAt: null,
    reviewReminderSent: false,
    reassessment: null,
    supersededBy: null,
  };
}

/** The routing rule: the minister decides at high risk or where the forms need ministerial permission. */
export function requiresMinister(facts: Pick<RevisionFacts, 'overallRisk' | 'ministerialForms'>): boolean {
  return facts.overallRisk === 'high' || facts.ministerialForms;
}

/**
 * How long an adopted note without a review date of its own stands before its review (DOMAIN.md,
 * SRM): by its overall risk, shortened for a priority-1 partner; the policy's single period where the
 * policy has no cadence (runs begun before it) or the risk is not rated.
 */
export function reviewPeriodOf(policy: Policy, risk: RevisionFacts['overallRisk'], partnerPriority: number | null): number {
  const cadence = policy.reviewCadence;
  if (!cadence || !risk) return policy.reviewPeriodMs;
  return partnerPriority === 1 ? Math.min(cadence[risk], cadence.priority1MaxMs) : cadence[risk];
}

export function stagesFor(facts: RevisionFacts): Stage[] {
  return requiresMinister(facts) ? [...STAGES] : STAGES.filter((stage) => stage !== 'MINISTER');
}

export function quorumFor(stage: Stage, facts: RevisionFacts, policy: Policy): number {
  return stage === 'LEGAL_REVIEW' && facts.overallRisk === 'high' ? policy.quorum.legalHighRisk : policy.quorum.default;
}

/** Distinct approvers of the open stage on the current revision: approvals of older revisions count for nothing. */
export function approvalsSoFar(state: NoteState): string[] {
  return state.decisions
    .filter((d) => d.stage === state.stage && d.revision === state.current.revision && d.outcome === 'approve')
    .map((d) => d.actorId);
}

/**
 * Who may act on a note now. One rule each, asked by the workflow's checks (of its state) before a
 * change, and by the pages (of the read model) to offer a person only what they may do.
 */

/** A note's standing as these rules read it. */
export interface NoteStanding {
  drafterId: string;
  status: NoteStatus;
  stage: Stage | null;
  revision: number;
  /** Who wrote the current revision (four eyes). */
  authorId: string;
  /** Who has decided at the open stage on the current revision. */
  decidedBy: readonly string[];
  /** The re-assessment under way, if any. */
  reassessment: string | null;
}

/** Why this person may not decide at the stage on the current revision: the stage's role, four eyes, one decision each. */
export function deciderRefusal(actor: Actor, note: Pick<NoteStanding, 'revision' | 'authorId' | 'decidedBy'>, stage: Stage): Refusal | undefined {
  if (!hasRole(actor, STAGE_ROLE[stage])) return new Refusal('forbidden', `deciding at ${stage} needs the role ${STAGE_ROLE[stage]}`);
  if (actor.id === note.authorId) return new Refusal('forbidden', 'the author of a revision may not decide on it');
  if (note.decidedBy.includes(actor.id)) return new Refusal('forbidden', `you have decided at ${stage} on revision ${note.revision} already`);
  return undefined;
}

export function mayDecide(actor: Actor, note: NoteStanding): boolean {
  return note.status === 'IN_REVIEW' && note.stage !== null && !deciderRefusal(actor, note, note.stage);
}

/** Why this person may not save a revision of the note or submit it: only its drafter, only in DRAFT. */
export function draftRefusal(actor: Actor, note: Pick<NoteStanding, 'drafterId' | 'status'>, what: 'revise' | 'submit'): Refusal | undefined {
  if (actor.id !== note.drafterId) return new Refusal('forbidden', `only the note’s drafter may ${what} it`);
  if (note.status !== 'DRAFT') return new Refusal('conflict', `the note is ${note.status}, not DRAFT`);
  return undefined;
}

export const mayRevise = (actor: Actor, note: Pick<NoteStanding, 'drafterId' | 'status'>) => !draftRefusal(actor, note, 'revise');

/** Why this person may not withdraw the note: its drafter or the head of service, while in draft or review. */
export function withdrawRefusal(actor: Actor, note: Pick<NoteStanding, 'drafterId' | 'status'>): Refusal | undefined {
  if (actor.id !== note.drafterId && !hasRole(actor, 'head_of_service')) return new Refusal('forbidden', 'only the note’s drafter or the head of service may withdraw it');
  if (note.status !== 'DRAFT' && note.status !== 'IN_REVIEW') return new Refusal('conflict', `the note is ${note.status}; only a draft or a note in review can be withdrawn`);
  return undefined;
}

export const mayWithdraw = (actor: Actor, note: Pick<NoteStanding, 'drafterId' | 'status'>) => !withdrawRefusal(actor, note);

/** Why this person may not start the note's re-assessment: a drafter or the head of service, of an ACTIVE note, one at a time. */
export function reassessRefusal(actor: Actor, note: Pick<NoteStanding, 'status' | 'reassessment'>): Refusal | undefined {
  if (!hasRole(actor, 'drafter', 'head_of_service')) return new Refusal('forbidden', 'a re-assessment is started by a drafter or the head of service');
  if (note.status !== 'ACTIVE') return new Refusal('conflict', `the note is ${note.status}, not ACTIVE`);
  if (note.reassessment) return new Refusal('conflict', `a re-assessment (note ${note.reassessment}) is under way already`);
  return undefined;
}

export const mayReassess = (actor: Actor, note: Pick<NoteStanding, 'status' | 'reassessment'>) => !reassessRefusal(actor, note);

/** A refusal, if there is one, thrown. */
function refuse(refusal: Refusal | undefined): void {
  if (refusal) throw refusal;
}

export type TimerKind = 'remind' | 'escalate' | 'review_reminder' | 'review_due';
export interface DueTimer {
  kind: TimerKind;
  at: Date;
}

/** An open review stage's clock: its due time, and the reminders and escalation sent since it opened. */
export type StageClock = Pick<NoteState, 'remindersSent' | 'escalated' | 'lastNudgeAt'> & { stageDueAt: string };

/**
 * The next nudge of an open stage (a note's, a consent request's). An overdue stage is nudged at its
 * due time and then an interval after each nudge, escalating after the set number of reminders. After
 * an outage, then, one reminder goes out, the escalation too if its time passed meanwhile, and the
 * interval starts again: no flood of the reminders missed.
 */
export function nextNudge(clock: StageClock, policy: Pick<Policy, 'reminderIntervalMs' | 'escalateAfterReminders'>): DueTimer & { kind: 'remind' | 'escalate' } {
  const due = Date.parse(clock.stageDueAt);
  const interval = policy.reminderIntervalMs;
  const nudges = clock.remindersSent + (clock.escalated ? 1 : 0);
  // Runs begun before the moment was kept had their nudges on time, so their last one is on the schedule.
  const last = nudges === 0 ? undefined : clock.lastNudgeAt ? Date.parse(clock.lastNudgeAt) : due + (nudges - 1) * interval;
  const escalationDue = due + policy.escalateAfterReminders * interval;
  const lateEscalation = !clock.escalated && last !== undefined && last >= escalationDue;
  if (lateEscalation) return { kind: 'escalate', at: new Date(last) };
  const at = new Date(last === undefined ? due : last + interval);
  return { kind: !clock.escalated && clock.remindersSent >= policy.escalateAfterReminders ? 'escalate' : 'remind', at };
}

/** The next deadline the workflow must wake for, if any: the open stage's next nudge, or the review date's. */
export function nextTimer(state: NoteState): DueTimer | undefined {
  const { policy } = state;
  if (state.status === 'IN_REVIEW' && state.stageDueAt) return nextNudge({ ...state, stageDueAt: state.stageDueAt }, policy);
  if (state.status === 'ACTIVE' && state.reviewDueAt && !state.reassessment && !state.reviewDueHandled) {
    const due = Date.parse(state.reviewDueAt);
    return state.reviewReminderSent
      ? { kind: 'review_due', at: new Date(due) }
      : { kind: 'review_reminder', at: new Date(due - policy.reviewReminderLeadMs) };
  }
  return undefined;
}

const DAY_MS = 24 * 3600 * 1000;
/** A stage opened or left: its reminders and escalation start afresh. */
const NO_NUDGES = { remindersSent: 0, escalated: false, lastNudgeAt: null };

/** The rules of the pipeline as one state machine; the workflow wires messages and timers to it. */
export class NotePipeline {
  constructor(private current: NoteState) {}

  get state(): NoteState {
    return this.current;
  }

  get finished(): boolean {
    return isFinal(this.current.status);
  }

  /** The state as the rules of who may act read it. */
  private get standing(): NoteStanding {
    const { drafterId, status, stage, current, decisions, reassessment } = this.current;
    const decidedBy = decisions.filter((d) => d.stage === stage && d.revision === current.revision).map((d) => d.actorId);
    return { drafterId, status, stage, revision: current.revision, authorId: current.authorId, decidedBy, reassessment };
  }

  checkSubmit(request: SubmitRequest): void {
    const { actor, revision } = parseOrRefuse(requests().SubmitRequest, request);
    refuse(draftRefusal(actor, this.current, 'submit'));
    this.checkRevision(revision);
    if (this.current.changesRequestedOn === revision) {
      throw new Refusal('conflict', `changes were requested on revision ${revision}; save a new revision before submitting`);
    }
  }

  submit(request: SubmitRequest, now: Date): NoteState {
    this.checkSubmit(request);
    // Kept only when the request carries it: a submit of a run begun before it leaves the state as it was.
    const priority = request.partnerPriority === undefined ? {} : { partnerPriority: request.partnerPriority };
    return this.openStage(stagesFor(this.current.current)[0]!, now, { status: 'IN_REVIEW', ...priority });
  }

  checkRevise(request: ReviseRequest): z.output<typeof Requests.ReviseRequest> {
    const parsed = parseOrRefuse(requests().ReviseRequest, request);
    const { actor, facts } = parsed;
    refuse(draftRefusal(actor, this.current, 'revise'));
    if (facts.revision !== this.current.current.revision + 1) {
      throw new Refusal('conflict', `revision ${this.current.current.revision} is the latest; the next is ${this.current.current.revision + 1}`);
    }
    if (facts.authorId !== actor.id) throw new Refusal('conflict', 'a revision’s author is the one who saves it');
    return parsed;
  }

  revise(request: ReviseRequest): NoteState {
    return this.move({ current: this.checkRevise(request).facts });
  }

  checkDecision(request: DecisionRequest): void {
    const { actor, revision, decisionId, stage: meant } = parseOrRefuse(requests().DecisionRequest, request);
    const { stage } = this.current;
    if (this.current.status !== 'IN_REVIEW' || stage === null) throw new Refusal('conflict', `the note is ${this.current.status}; no stage is open`);
    if (meant && meant !== stage) throw new Refusal('conflict', `${meant} is not the open stage; ${stage} is`);
    this.checkRevision(revision);
    if (this.current.decisions.some((d) => d.decisionId === decisionId)) throw new Refusal('conflict', 'this decision was recorded already');
    refuse(deciderRefusal(actor, this.standing, stage));
  }

  decide(request: DecisionRequest, now: Date): NoteState {
    this.checkDecision(request);
    const stage = this.current.stage!;
    const decision: Decision = {
      decisionId: request.decisionId,
      actorId: request.actor.id,
      stage,
      revision: request.revision,
      outcome: request.outcome,
      contentSha256: this.current.current.contentSha256,
      at: now.toISOString(),
    };
    this.current = { ...this.current, decisions: [...this.current.decisions, decision] };
    switch (request.outcome) {
      case 'reject':
        return this.close('REJECTED');
      case 'request_changes':
        return this.close('DRAFT', { changesRequestedOn: request.revision });
      case 'approve':
        return this.afterApproval(stage, now);
    }
  }

  checkWithdraw(request: WithdrawRequest): void {
    const { actor } = parseOrRefuse(requests().WithdrawRequest, request);
    refuse(withdrawRefusal(actor, this.current));
  }

  withdraw(request: WithdrawRequest): NoteState {
    this.checkWithdraw(request);
    return this.close('WITHDRAWN');
  }

  checkReassess(request: ReassessRequest): void {
    const { actor } = parseOrRefuse(requests().ReassessRequest, request);
    refuse(reassessRefusal(actor, this.current));
  }

  /** Records the new note that re-assesses this one, started by a person or (`byReviewDate`) by the review date itself. */
  reassessedBy(noteId: string, byReviewDate = false): NoteState {
    return this.move({ reassessment: noteId, ...(byReviewDate ? { reviewDueHandled: true } : {}) });
  }

  /** The re-assessment ended without adoption: this note is due for review again. */
  reassessmentEnded(noteId: string): NoteState {
    return this.current.reassessment === noteId ? this.move({ reassessment: null }) : this.current;
  }

  supersede(byNoteId: string): NoteState {
    this.checkStatus('ACTIVE');
    return this.close('SUPERSEDED', { supersededBy: byNoteId });
  }

  /**
   * A deadline has passed: count the reminder or the escalation, so the next timer moves on; `now`
   * is kept as the last nudge's moment (unless `keepTime` is false: runs begun before it was kept).
   */
  timerFired(kind: TimerKind, now: Date, keepTime = true): NoteState {
    const nudged = keepTime ? { lastNudgeAt: now.toISOString() } : {};
    switch (kind) {
      case 'remind':
        return this.move({ remindersSent: this.current.remindersSent + 1, ...nudged });
      case 'escalate':
        return this.move({ escalated: true, ...nudged });
      case 'review_reminder':
        return this.move({ reviewReminderSent: true });
      case 'review_due':
        return this.current;
    }
  }

  private afterApproval(stage: Stage, now: Date): NoteState {
    const facts = this.current.current;
    if (approvalsSoFar(this.current).length < quorumFor(stage, facts, this.current.policy)) return this.move({});
    const stages = stagesFor(facts);
    const next = stages[stages.indexOf(stage) + 1];
    if (next) return this.openStage(next, now, {});
    const reviewDueAt = facts.reviewDate
      ? new Date(`${facts.reviewDate}T00:00:00Z`)
      : new Date(now.getTime() + reviewPeriodOf(this.current.policy, facts.overallRisk, this.current.partnerPriority ?? null));
    return this.close('ACTIVE', { adoptedAt: now.toISOString(), reviewDueAt: reviewDueAt.toISOString() });
  }

  private openStage(stage: Stage, now: Date, change: Partial<NoteState>): NoteState {
    const dueAt = new Date(now.getTime() + this.current.policy.stageDueMs[stage]);
    return this.move({ ...change, stage, stageDueAt: dueAt.toISOString(), ...NO_NUDGES });
  }

  /** Leaves review (to DRAFT or an end): no stage, no stage deadline. */
  private close(status: NoteStatus, change: Partial<NoteState> = {}): NoteState {
    return this.move({ ...change, status, stage: null, stageDueAt: null, ...NO_NUDGES });
  }

  private checkStatus(status: NoteStatus): void {
    if (this.current.status !== status) throw new Refusal('conflict', `the note is ${this.current.status}, not ${status}`);
  }

  private checkRevision(revision: number): void {
    if (revision !== this.current.current.revision) {
      throw new Refusal('conflict', `revision ${revision} is not the current revision ${this.current.current.revision}`);
    }
  }

  private move(change: Partial<NoteState>): NoteState {
    this.current = { ...this.current, ...change, version: this.current.version + 1 };
    return this.current;
  }
}

/** Defaults of DOMAIN.md: team 5 days, legal 10, head 5, minister 15; quorum 1, legal 2 at high risk. */
export const DEFAULT_POLICY: Policy = {
  quorum: { default: 1, legalHighRisk: 2 },
  stageDueMs: { TEAM_REVIEW: 5 * DAY_MS, LEGAL_REVIEW: 10 * DAY_MS, HEAD_OF_SERVICE: 5 * DAY_MS, MINISTER: 15 * DAY_MS },
  reminderIntervalMs: 2 * DAY_MS,
  escalateAfterReminders: 3,
  escalationRole: 'head_of_service',
  reviewPeriodMs: 730 * DAY_MS,
  reviewCadence: { high: 365 * DAY_MS, medium: 730 * DAY_MS, low: 1095 * DAY_MS, priority1MaxMs: 730 * DAY_MS },
  reviewReminderLeadMs: 60 * DAY_MS,
  conditionDueMs: 90 * DAY_MS,
};
