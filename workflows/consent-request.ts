import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ConsentTransition } from '../activities/consent-transition';
import type { ConsentAnswerRequest, ConsentDecisionRequest, ConsentReviseRequest, ConsentState, ConsentSubmitRequest, ConsentWithdrawRequest } from '../domain/consent';
import { ConsentPipeline, type ConsentTimer, type ConsentTimerKind, nextConsentTimer } from '../domain/consent-rules';
import type { ConsentTransitionAction } from '../domain/consent-story';
import { consentDeadlineName } from '../domain/wording';
import { DELIVERY, RECORDING } from './activity-options';
import { deadlineOf, deadlineWait } from './deadline-timer';
import { HISTORY_LIMIT, historyFull, type LongRunningInput } from './long-running';
import { refuseAsFailure } from './refusal-failure';
import { ConsentStageKey, ConsentStatusKey, PartnerIdKey, StageDueTimeKey } from './search-attributes';

export const consentReviseUpdate = defineUpdate<ConsentState, [ConsentReviseRequest]>('revise');
export const consentSubmitUpdate = defineUpdate<ConsentState, [ConsentSubmitRequest]>('submit');
export const consentDecideUpdate = defineUpdate<ConsentState, [ConsentDecisionRequest]>('decide');
export const consentWithdrawUpdate = defineUpdate<ConsentState, [ConsentWithdrawRequest]>('withdraw');
/** The partner's answer, recorded by the drafter or the head of service: its date and conditions are in PostgreSQL under `answerId`. */
export const consentAnswerUpdate = defineUpdate<ConsentState, [ConsentAnswerRequest]>('recordAnswer');
export const consentStateQuery = defineQuery<ConsentState>('state');

export type ConsentRequestInput = LongRunningInput<ConsentState>;

export const consentWorkflowId = (consentId: string) => `consent-${consentId}`;

// A transition's writes (read model, decision, audit entry, outbox) run as a regular activity scheduled
// by the workflow task that accepts the transition, for the reason `note-approval.ts` gives: the server
// runs it only once that task is recorded, so nothing is written for a transition the workflow does
// not hold. Eager dispatch keeps it on this worker. The writes are idempotent besides.
const { recordConsentTransition } = proxyActivities<Activities>(RECORDING);
const { deliverNotifications } = proxyActivities<Activities>(DELIVERY);

const TIMER_ACTION: Record<ConsentTimerKind, ConsentTransitionAction> = {
  remind: 'consent.reminder_sent',
  escalate: 'consent.escalated',
  answer_due: 'consent.answer_overdue',
  answer_reminder: 'consent.answer_reminder_sent',
  lapse: 'consent.lapsed',
};

/**
 * One execution per consent request (`consent-<id>`), from draft to its answer or lapse: holds
 * references, stages, decisions, hashes and deadlines, never content. Its mail goes out beside its
 * timers, after each Update has answered; its history is handed to a fresh run when it grows.
 */
export async function consentRequest({ state, historyLimit = HISTORY_LIMIT }: ConsentRequestInput): Promise<ConsentState> {
  const pipeline = new ConsentPipeline(state);
  const mail = outbox(state.consentId, state.version);
  showToOperators(pipeline.state);

  // Handlers first, before any await.
  setHandler(consentStateQuery, () => pipeline.state);
  setHandler(consentReviseUpdate, (r) => record(() => pipeline.revise(r), { actorId: r.actor.id, action: 'consent.revised' }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkRevise(r)),
  });
  setHandler(consentSubmitUpdate, (r) => record(() => pipeline.submit(r, new Date()), { actorId: r.actor.id, action: 'consent.submitted' }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkSubmit(r)),
  });
  setHandler(
    consentDecideUpdate,
    (r) => {
      const decision = { decisionId: r.decisionId, stage: r.stage, revision: r.revision, outcome: r.outcome };
      return record(() => pipeline.decide(r, new Date()), { actorId: r.actor.id, action: 'consent.decided', decision });
    },
    { validator: (r) => refuseAsFailure(() => pipeline.checkDecision(r)) },
  );
  setHandler(consentWithdrawUpdate, (r) => record(() => pipeline.withdraw(r), { actorId: r.actor.id, action: 'consent.withdrawn', ref: r.eventId }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkWithdraw(r)),
  });
  setHandler(consentAnswerUpdate, (r) => record(() => pipeline.recordAnswer(r), { actorId: r.actor.id, action: 'consent.answer_recorded', answer: r.answer }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkAnswer(r)),
  });

  const deadlines = deadlineWait();
  while (!pipeline.finished) {
    // Read before sending: a message that arrives while mail goes out must still wake the wait below.
    const { version } = pipeline.state;
    mail.sendBeside();
    const timer = nextConsentTimer(pipeline.state);
    const changed = () => pipeline.state.version !== version || mail.canSend();
    if (await deadlinePassed(timer, changed)) await fire(timer!);
    if (historyFull(historyLimit)) {
      // A delivery under way is left to finish; the next run sends whatever it leaves queued.
      await condition(allHandlersFinished);
      await continueAsNew<typeof consentRequest>({ state: pipeline.state, historyLimit });
    }
  }
  deadlines.cancel();
  await condition(allHandlersFinished);
  await mail.lastDelivery();
  return pipeline.state;

  /** Applies a transition at once (so a concurrent message sees it), then records it before the Update answers. */
  async function record(apply: () => ConsentState, event: Omit<ConsentTransition, 'state' | 'at'>): Promise<ConsentState> {
    return persist(refuseAsFailure(apply), event);
  }

  async function persist(next: ConsentState, event: Omit<ConsentTransition, 'state' | 'at'>): Promise<ConsentState> {
    showToOperators(next);
    await recordConsentTransition.executeWithOptions(
      { startToCloseTimeout: '10 seconds', summary: `record ${event.action} (v${next.version})` },
      [{ ...event, state: next, at: new Date().toISOString() }],
    );
    mail.recorded(next.version);
    return next;
  }

  /**
   * Waits for a message or the deadline, whichever comes first; true when the deadline passed. The
   * deadline's timer carries a summary, so that an operator reads in the history what falls due.
   */
  async function deadlinePassed(timer: ConsentTimer | undefined, changed: () => boolean): Promise<boolean> {
    return !(await deadlines.until(changed, timer && deadlineOf(timer.at, consentDeadlineName(timer, pipeline.state))));
  }

  /** A deadline has passed: the nudge it was, or the lapse. */
  async function fire(timer: ConsentTimer): Promise<void> {
    const fired = pipeline.timerFired(timer.kind, new Date());
    await persist(fired.state, { actorId: null, action: TIMER_ACTION[fired.kind] });
  }
}

/**
 * The request's outbox as the workflow sees it: mail is queued with each transition and goes out after
 * the Update has answered, one delivery at a time, beside the timers (a delivery that takes days delays
 * no deadline). Each run starts by sending whatever an earlier run queued last.
 */
function outbox(consentId: string, version: number) {
  let recordedUpTo = version;
  let mailedUpTo = -1;
  let sending: Promise<void> | undefined;
  const waiting = () => recordedUpTo !== mailedUpTo;
  const send = async () => {
    mailedUpTo = recordedUpTo;
    await deliverNotifications.executeWithOptions({ ...DELIVERY, summary: `send mail queued up to v${mailedUpTo}` }, [{ consentId }]);
  };
  const canSend = () => !sending && waiting();
  return {
    recorded: (v: number) => void (recordedUpTo = Math.max(recordedUpTo, v)),
    canSend,
    sendBeside(): void {
      if (!canSend()) return;
      sending = send()
        // Retried until it succeeds or gives up on each message: a failure here must not fail the request; its mail stays queued.
        .catch((error: unknown) => log.warn('mail delivery ended without success', { error: (error as Error).message }))
        .finally(() => (sending = undefined));
    },
    async lastDelivery(): Promise<void> {
      await sending;
      if (waiting()) await send();
    },
  };
}

/**
 * What operators see of a request in the Temporal UI, kept current on every transition: search
 * attributes and the current details (where it stands, and what is overdue). No content.
 */
function showToOperators(state: ConsentState): void {
  upsertSearchAttributes([
    { key: ConsentStatusKey, value: state.status },
    { key: ConsentStageKey, value: state.stage },
    { key: PartnerIdKey, value: state.originatorId },
    { key: StageDueTimeKey, value: state.stageDueAt ? new Date(state.stageDueAt) : null },
  ]);
  setCurrentDetails(`${state.status}${progress(state)}, revision ${state.current.revision}`);
}

/** The open stage or the awaited answer: its due time, and once that has passed, how far its nudges have gone. */
function progress(state: ConsentState): string {
  const overdue = (due: string) => Date.now() >= Date.parse(due);
  if (state.stage && state.stageDueAt) {
    const lateness = overdue(state.stageDueAt) ? ['overdue', `${state.remindersSent} reminder(s) sent`, ...(state.escalated ? ['escalated'] : [])] : [];
    return ` at ${state.stage} (${[`due ${state.stageDueAt}`, ...lateness].join(', ')})`;
  }
  if (state.status === 'REQUESTED' && state.answerDueAt) {
    const lateness = overdue(state.answerDueAt) ? ['overdue', `${state.answerNudges} reminder(s) sent`] : [];
    return ` (${[`answer due ${state.answerDueAt}`, ...lateness, `lapses ${state.lapsesAt}`].join(', ')})`;
  }
  return '';
}
