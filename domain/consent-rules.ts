import type * as Schemas from './consent';
import type {
  Answer,
  ConsentAnswerRequest,
  ConsentDecision,
  ConsentDecisionRequest,
  ConsentPolicy,
  ConsentReviseRequest,
  ConsentRevisionFacts,
  ConsentStage,
  ConsentState,
  ConsentStatus,
  ConsentSubmitRequest,
  ConsentWithdrawRequest,
} from './consent';
import { parseOrRefuse } from './parse-or-refuse';
import type { Stage } from './pipeline-requests';
import { deciderRefusal, inDraft, nextNudge } from './pipeline-rules';
import { Refusal } from './refusal';
import { hasRole } from './role-rules';
import type { Actor } from './roles';

/**
 * The rules of a consent request, without their schemas (`consent`): what its workflow runs. Its
 * Updates' requests are read with the schemas loaded on first use (`parse-or-refuse`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: see parse-or-refuse
const schemas = () => require('./consent') as typeof Schemas;

/** The review stages of a request: legal affairs, then the head of service, who approves sending it. */
export const CONSENT_STAGES = ['LEGAL_REVIEW', 'HEAD_OF_SERVICE'] as const satisfies readonly Stage[];

export const ANSWERS = ['granted', 'granted_with_conditions', 'refused'] as const;

export const CONSENT_STATUSES = ['DRAFT', 'IN_REVIEW', 'REQUESTED', 'GRANTED', 'GRANTED_WITH_CONDITIONS', 'REFUSED', 'LAPSED', 'REJECTED', 'WITHDRAWN'] as const;

/** The status an answer leaves the request in. */
export const ANSWER_STATUS: Record<Answer, ConsentStatus> = { granted: 'GRANTED', granted_with_conditions: 'GRANTED_WITH_CONDITIONS', refused: 'REFUSED' };

/** Once here, the request is over and its workflow ends: answered, lapsed, rejected or withdrawn. */
export const isConsentFinal = (status: ConsentStatus) => !['DRAFT', 'IN_REVIEW', 'REQUESTED'].includes(status);

export function newConsentState(init: { consentId: string; originatorId: string; drafterId: string; current: ConsentRevisionFacts; policy: ConsentPolicy }): ConsentState {
  return {
    ...init,
    ...inDraft(),
    lastNudgeAt: null,
    requestedAt: null,
    answerDueAt: null,
    lapsesAt: null,
    answerNudges: 0,
    lastAnswerNudgeAt: null,
    answerId: null,
  };
}

/** A request's standing as the rules of who may act read it: its state in the workflow, or its row in the read model. */
export interface ConsentStanding {
  drafterId: string;
  status: ConsentStatus;
  stage: ConsentStage | null;
  revision: number;
  /** Who wrote the current revision (four eyes). */
  authorId: string;
  /** Who has decided at the open stage on the current revision. */
  decidedBy: readonly string[];
}

/** Why this person may not save a revision or submit it: only its drafter, only in DRAFT. */
export function consentDraftRefusal(actor: Actor, request: Pick<ConsentStanding, 'drafterId' | 'status'>, what: 'revise' | 'submit'): Refusal | undefined {
  if (actor.id !== request.drafterId) return new Refusal('forbidden', `only the request’s drafter may ${what} it`);
  if (request.status !== 'DRAFT') return new Refusal('conflict', `the request is ${request.status}, not DRAFT`);
  return undefined;
}

/** Why this person may not decide at the open stage now: the stage's role and four eyes, as for notes (quorum 1). */
export function consentDecisionRefusal(actor: Actor, request: ConsentStanding): Refusal | undefined {
  if (request.status !== 'IN_REVIEW' || !request.stage) return new Refusal('conflict', `the request is ${request.status}; no stage is open`);
  return deciderRefusal(actor, request, request.stage);
}

/** Who asks a partner's consent: a drafter at the partner desks. */
export const mayAskConsent = (actor: Actor) => hasRole(actor, 'drafter');

/** The drafter, or the head of service (who answers for every relation). */
const drafterOrHead = (actor: Actor, request: Pick<ConsentStanding, 'drafterId'>) => actor.id === request.drafterId || hasRole(actor, 'head_of_service');

/** Why this person may not withdraw the request: its drafter or the head of service, before an answer. */
export function consentWithdrawRefusal(actor: Actor, request: Pick<ConsentStanding, 'drafterId' | 'status'>): Refusal | undefined {
  if (!drafterOrHead(actor, request)) return new Refusal('forbidden', 'only the request’s drafter or the head of service may withdraw it');
  if (isConsentFinal(request.status)) return new Refusal('conflict', `the request is ${request.status}; it can be withdrawn only before an answer`);
  return undefined;
}

/** Why this person may not record the partner's answer: its drafter or the head of service (who received it), once sent. */
export function answerRefusal(actor: Actor, request: Pick<ConsentStanding, 'drafterId' | 'status'>): Refusal | undefined {
  if (!drafterOrHead(actor, request)) return new Refusal('forbidden', 'only the request’s drafter or the head of service may record the partner’s answer');
  if (request.status !== 'REQUESTED') return new Refusal('conflict', `the request is ${request.status}, not REQUESTED: no answer is awaited`);
  return undefined;
}

export const mayReviseConsent = (actor: Actor, request: ConsentStanding) => !consentDraftRefusal(actor, request, 'revise');
export const mayDecideConsent = (actor: Actor, request: ConsentStanding) => !consentDecisionRefusal(actor, request);
export const mayWithdrawConsent = (actor: Actor, request: ConsentStanding) => !consentWithdrawRefusal(actor, request);
export const mayRecordAnswer = (actor: Actor, request: ConsentStanding) => !answerRefusal(actor, request);

/** An answer is given after the request was sent, and not in the future. */
export function answerDateRefusal(givenOn: string, requestedAt: string, now: Date): Refusal | undefined {
  const [sent, today] = [requestedAt.slice(0, 10), now.toISOString().slice(0, 10)];
  if (givenOn < sent || givenOn > today) return new Refusal('incomplete', `the answer’s date must lie between ${sent}, when the request was sent, and today`, { field: 'givenOn' });
  return undefined;
}

export type ConsentTimerKind = 'remind' | 'escalate' | 'answer_due' | 'answer_reminder' | 'lapse';
export interface ConsentTimer {
  kind: ConsentTimerKind;
  at: Date;
}

/**
 * The next deadline the workflow must wake for: the open stage's nudges (as a note's), or once sent,
 * the answer's due time, a reminder an interval after each nudge, and the lapse, whichever comes first.
 */
export function nextConsentTimer(state: ConsentState): ConsentTimer | undefined {
  if (state.status === 'IN_REVIEW' && state.stageDueAt) return nextNudge({ ...state, stageDueAt: state.stageDueAt }, state.policy);
  if (state.status !== 'REQUESTED' || !state.answerDueAt || !state.lapsesAt) return undefined;
  const lapse = Date.parse(state.lapsesAt);
  const next = state.lastAnswerNudgeAt ? Date.parse(state.lastAnswerNudgeAt) + state.policy.answerReminderIntervalMs : Date.parse(state.answerDueAt);
  if (next >= lapse) return { kind: 'lapse', at: new Date(lapse) };
  return { kind: state.answerNudges === 0 ? 'answer_due' : 'answer_reminder', at: new Date(next) };
}

/** A stage opened or left: its reminders and escalation start afresh. */
const NO_NUDGES = { stageDueAt: null, remindersSent: 0, escalated: false, lastNudgeAt: null };

/** The rules of a consent request as one state machine; the workflow wires messages and timers to it. */
export class ConsentPipeline {
  constructor(private current: ConsentState) {}

  get state(): ConsentState {
    return this.current;
  }

  get finished(): boolean {
    return isConsentFinal(this.current.status);
  }

  /** The state as the rules of who may act read it. */
  get standing(): ConsentStanding {
    const { drafterId, status, stage, current, decisions } = this.current;
    const decidedBy = decisions.filter((d) => d.stage === stage && d.revision === current.revision).map((d) => d.actorId);
    return { drafterId, status, stage, revision: current.revision, authorId: current.authorId, decidedBy };
  }

  checkRevise(request: ConsentReviseRequest): void {
    const { actor, facts } = parseOrRefuse(schemas().ConsentReviseRequest, request);
    refuse(consentDraftRefusal(actor, this.current, 'revise'));
    const latest = this.current.current.revision;
    if (facts.revision !== latest + 1) throw new Refusal('conflict', `revision ${latest} is the latest; the next is ${latest + 1}`);
    if (facts.authorId !== actor.id) throw new Refusal('conflict', 'a revision’s author is the one who saves it');
  }

  revise(request: ConsentReviseRequest): ConsentState {
    this.checkRevise(request);
    return this.move({ current: request.facts });
  }

  checkSubmit(request: ConsentSubmitRequest): void {
    const { actor, revision } = parseOrRefuse(schemas().ConsentSubmitRequest, request);
    refuse(consentDraftRefusal(actor, this.current, 'submit'));
    this.checkRevision(revision);
    if (this.current.changesRequestedOn === revision) throw new Refusal('conflict', `changes were requested on revision ${revision}; save a new revision before submitting`);
  }

  submit(request: ConsentSubmitRequest, now: Date): ConsentState {
    this.checkSubmit(request);
    return this.openStage('LEGAL_REVIEW', now, { status: 'IN_REVIEW' });
  }

  checkDecision(request: ConsentDecisionRequest): void {
    const { actor, revision, decisionId, stage } = parseOrRefuse(schemas().ConsentDecisionRequest, request);
    const open = this.current.stage;
    if (this.current.status !== 'IN_REVIEW' || !open) throw new Refusal('conflict', `the request is ${this.current.status}; no stage is open`);
    if (stage !== open) throw new Refusal('conflict', `${stage} is not the open stage; ${open} is`);
    this.checkRevision(revision);
    if (this.current.decisions.some((d) => d.decisionId === decisionId)) throw new Refusal('conflict', 'this decision was recorded already');
    refuse(deciderRefusal(actor, this.standing, open));
  }

  decide(request: ConsentDecisionRequest, now: Date): ConsentState {
    this.checkDecision(request);
    const stage = this.current.stage!;
    const { decisionId, actor, outcome, revision } = request;
    const decision: ConsentDecision = { decisionId, actorId: actor.id, stage, revision, outcome, contentSha256: this.current.current.contentSha256, at: now.toISOString() };
    this.current = { ...this.current, decisions: [...this.current.decisions, decision] };
    if (outcome === 'reject') return this.move({ status: 'REJECTED', stage: null, ...NO_NUDGES });
    if (outcome === 'request_changes') return this.move({ status: 'DRAFT', stage: null, changesRequestedOn: revision, ...NO_NUDGES });
    if (stage === 'LEGAL_REVIEW') return this.openStage('HEAD_OF_SERVICE', now, {});
    // The head of service approved sending it: it goes to the partner, whose answer is now awaited.
    const answerDueAt = now.getTime() + this.current.policy.answerDueMs;
    return this.move({
      status: 'REQUESTED',
      stage: null,
      ...NO_NUDGES,
      requestedAt: now.toISOString(),
      answerDueAt: new Date(answerDueAt).toISOString(),
      lapsesAt: new Date(answerDueAt + this.current.policy.lapseAfterMs).toISOString(),
    });
  }

  checkWithdraw(request: ConsentWithdrawRequest): void {
    const { actor } = parseOrRefuse(schemas().ConsentWithdrawRequest, request);
    refuse(consentWithdrawRefusal(actor, this.current));
  }

  withdraw(request: ConsentWithdrawRequest): ConsentState {
    this.checkWithdraw(request);
    return this.move({ status: 'WITHDRAWN', stage: null, ...NO_NUDGES });
  }

  checkAnswer(request: ConsentAnswerRequest): void {
    const { actor } = parseOrRefuse(schemas().ConsentAnswerRequest, request);
    refuse(answerRefusal(actor, this.current));
  }

  recordAnswer(request: ConsentAnswerRequest): ConsentState {
    this.checkAnswer(request);
    return this.move({ status: ANSWER_STATUS[request.answer], answerId: request.answerId });
  }

  /**
   * A deadline has passed: count the nudge, or lapse. An answer nudge whose time comes at or after the
   * lapse (the worker was away) is the lapse. Answers what the timer turned out to be.
   */
  timerFired(kind: ConsentTimerKind, now: Date): { state: ConsentState; kind: ConsentTimerKind } {
    const at = now.toISOString();
    const lapsed = kind === 'lapse' || ((kind === 'answer_due' || kind === 'answer_reminder') && now.getTime() >= Date.parse(this.current.lapsesAt!));
    if (lapsed) return { state: this.move({ status: 'LAPSED' }), kind: 'lapse' };
    switch (kind) {
      case 'remind':
        return { state: this.move({ remindersSent: this.current.remindersSent + 1, lastNudgeAt: at }), kind };
      case 'escalate':
        return { state: this.move({ escalated: true, lastNudgeAt: at }), kind };
      default:
        return { state: this.move({ answerNudges: this.current.answerNudges + 1, lastAnswerNudgeAt: at }), kind };
    }
  }

  private openStage(stage: ConsentStage, now: Date, change: Partial<ConsentState>): ConsentState {
    const dueAt = new Date(now.getTime() + this.current.policy.stageDueMs[stage]).toISOString();
    return this.move({ ...change, stage, ...NO_NUDGES, stageDueAt: dueAt });
  }

  private checkRevision(revision: number): void {
    const current = this.current.current.revision;
    if (revision !== current) throw new Refusal('conflict', `revision ${revision} is not the current revision ${current}`);
  }

  private move(change: Partial<ConsentState>): ConsentState {
    this.current = { ...this.current, ...change, version: this.current.version + 1 };
    return this.current;
  }
}

function refuse(refusal: Refusal | undefined): void {
  if (refusal) throw refusal;
}

const DAY_MS = 86_400_000;
/** Defaults: legal 5 days, head 3, reminders and escalation as a note's; the answer due 30 days after sending, lapsing 30 days after that. */
export const DEFAULT_CONSENT_POLICY: ConsentPolicy = {
  stageDueMs: { LEGAL_REVIEW: 5 * DAY_MS, HEAD_OF_SERVICE: 3 * DAY_MS },
  reminderIntervalMs: 2 * DAY_MS,
  escalateAfterReminders: 3,
  escalationRole: 'head_of_service',
  answerDueMs: 30 * DAY_MS,
  answerReminderIntervalMs: 7 * DAY_MS,
  lapseAfterMs: 30 * DAY_MS,
};
