import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Transition } from '../activities/read-model';
import type { DecisionRequest, NoteState, ReassessRequest, ReviseRequest, SubmitRequest, WithdrawRequest } from '../domain/pipeline';
import { type DueTimer, NotePipeline, type StoredNoteState, newNoteState, nextTimer, upgradeNoteState } from '../domain/pipeline-rules';
import { conditionPolicyOf, newConditionsState } from '../domain/conditions-rules';
import { hasRole } from '../domain/role-rules';
import type { Actor } from '../domain/roles';
import { conditionsSummary, deadlineName, executionSummary } from '../domain/wording';
import { DELIVERY, RECORDING } from './activity-options';
import { deadlineOf, deadlineWait } from './deadline-timer';
import { HISTORY_LIMIT, historyFull, type LongRunningInput } from './long-running';
import { conditionsWorkflowId, noteConditions } from './note-conditions';
import { showToOperators } from './operators-view';
import { refuseAsFailure } from './refusal-failure';

export const submitUpdate = defineUpdate<NoteState, [SubmitRequest]>('submit');
export const reviseUpdate = defineUpdate<NoteState, [ReviseRequest]>('revise');
export const decideUpdate = defineUpdate<NoteState, [DecisionRequest]>('decide');
export const withdrawUpdate = defineUpdate<NoteState, [WithdrawRequest]>('withdraw');
/** Starts the note that re-assesses this adopted one; answers with the new note's id. */
export const reassessUpdate = defineUpdate<{ noteId: string }, [ReassessRequest]>('reassess');
/** Sent by a re-assessment when it is adopted. */
export const supersedeSignal = defineSignal<[{ byNoteId: string }]>('supersede');
/** Sent by a re-assessment that ends (rejected, withdrawn) without being adopted. */
export const reassessmentEndedSignal = defineSignal<[{ byNoteId: string }]>('reassessmentEnded');
/** Mail was queued outside a transition (a reviewer asked for a fresh link): send what the outbox holds. */
export const mailQueuedSignal = defineSignal('mailQueued');
export const stateQuery = defineQuery<NoteState>('state');

/** As the run before handed it on: runs begun before the codec hold an older shape. */
export type NoteApprovalInput = LongRunningInput<StoredNoteState>;

export const noteWorkflowId = (noteId: string) => `note-${noteId}`;

// A transition's writes (read model, decision, audit entry, outbox) run as a regular activity,
// scheduled by the workflow task that accepts the transition: the server runs it only once that task
// is recorded, so nothing is written for a transition the workflow does not hold. (An Update reaches
// the worker on a speculative task, which the server may drop.) Eager dispatch keeps it on this
// worker, without a round trip through the task queue. Their writes are idempotent besides.
const durable = proxyActivities<Activities>(RECORDING);
// Runs begun before that ran these as local activities, whose writes could land inside a task that
// never completed; they keep doing so until their next run, so that their histories replay.
const local = proxyLocalActivities<Activities>(RECORDING);

const { deliverNotifications } = proxyActivities<Activities>(DELIVERY);

const TIMER_ACTION: Record<DueTimer['kind'], Transition['action'] | undefined> = {
  remind: 'note.reminder_sent',
  escalate: 'note.escalated',
  review_reminder: 'note.review_reminder_sent',
  review_due: undefined,
};

/**
 * One execution per note (`note-<id>`), from draft to its end: holds references, stages, decisions,
 * hashes and deadlines, never content. An ACTIVE note waits here for its review date; the history
 * is handed to a fresh run whenever the server suggests it.
 */
export async function noteApproval({ state, historyLimit = HISTORY_LIMIT }: NoteApprovalInput): Promise<NoteState> {
  const pipeline = new NotePipeline(upgradeNoteState(state));
  showToOperators(pipeline.state);

  // Executions begun before mail existed queued none, and must replay without waking for it.
  const mailing = patched('email-notifications');
  const { recordTransition, createReassessmentNote } = patched('transitions-by-activity') ? durable : local;
  /** The newest version whose transition is in the read model, audit trail and outbox. */
  let recordedUpTo = state.version;
  setHandler(stateQuery, () => pipeline.state);
  setHandler(submitUpdate, (r) => record(() => pipeline.submit(r, new Date()), { actorId: r.actor.id, action: 'note.submitted' }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkSubmit(r)),
  });
  setHandler(reviseUpdate, (r) => record(() => pipeline.revise(r), { actorId: r.actor.id, action: 'note.revised' }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkRevise(r)),
  });
  setHandler(
    decideUpdate,
    async (r) => {
      const decision = { decisionId: r.decisionId, stage: pipeline.state.stage!, revision: r.revision, outcome: r.outcome };
      const next = await record(() => pipeline.decide(r, new Date()), { actorId: r.actor.id, action: 'note.decided', decision });
      // Adopted once, in this handler only: a re-assessment supersedes the note it re-assesses.
      if (next.status === 'ACTIVE' && next.supersedes) await tell(next.supersedes, supersedeSignal, next.noteId);
      // Its conditions are tracked from now on. Runs adopted before that tracked none.
      if (next.status === 'ACTIVE' && patched('conditions-tracked')) await trackConditions(next);
      return next;
    },
    { validator: (r) => refuseAsFailure(() => pipeline.checkDecision(r)) },
  );
  setHandler(withdrawUpdate, (r) => record(() => pipeline.withdraw(r), { actorId: r.actor.id, action: 'note.withdrawn', ref: r.eventId }), {
    validator: (r) => refuseAsFailure(() => pipeline.checkWithdraw(r)),
  });
  setHandler(
    reassessUpdate,
    async (r) => {
      refuseAsFailure(() => pipeline.checkReassess(r));
      return { noteId: await startReassessment(r.actor, r.eventId) };
    },
    { validator: (r) => refuseAsFailure(() => pipeline.checkReassess(r)) },
  );
  setHandler(supersedeSignal, async ({ byNoteId }) => {
    if (pipeline.state.status === 'ACTIVE') await record(() => pipeline.supersede(byNoteId), { actorId: null, action: 'note.superseded', ref: byNoteId });
  });
  setHandler(reassessmentEndedSignal, async ({ byNoteId }) => {
    if (pipeline.state.reassessment === byNoteId) await record(() => pipeline.reassessmentEnded(byNoteId), { actorId: null, action: 'note.reassessment_ended', ref: byNoteId });
  });

  // Set before the first await, so a review date and a person asking at the same moment share one re-assessment.
  let reassessing: Promise<string> | undefined;
  function startReassessment(actor: Actor | null, eventId?: string): Promise<string> {
    reassessing ??= beginReassessment(actor, eventId).finally(() => (reassessing = undefined));
    return reassessing;
  }

  /** The new note copies the adopted revision and runs on its own; it supersedes this one once adopted. */
  async function beginReassessment(actor: Actor | null, eventId: string | undefined): Promise<string> {
    const noteId = uuid4();
    const old = pipeline.state;
    const actorId = actor?.id ?? null;
    // A drafter who asks re-assesses; when the head of service or the review date asks, the desk that drafted it does.
    const drafterId = actor && hasRole(actor, 'drafter') ? actor.id : old.drafterId;
    const facts = await createReassessmentNote({
      oldNoteId: old.noteId,
      newNoteId: noteId,
      partnerId: old.partnerId,
      drafterId,
      fromRevision: old.current.revision,
      actorId,
      at: new Date().toISOString(),
    });
    await startChild(noteApproval, {
      workflowId: noteWorkflowId(noteId),
      args: [{ state: newNoteState({ noteId, partnerId: old.partnerId, drafterId, supersedes: old.noteId, current: facts, policy: old.policy }), historyLimit }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: executionSummary(noteId, old.partnerId),
    });
    // The ref names the request's reason where a person gave one; the new note is in the state.
    // Runs begun before a review date started its re-assessment only once started another whenever one ended.
    const byReviewDate = actor === null && patched('review-due-once');
    await record(() => pipeline.reassessedBy(noteId, byReviewDate), { actorId, action: 'note.reassessment_started', ...(eventId ? { ref: eventId } : {}) });
    return noteId;
  }

  // Mail is queued with each transition (an outbox); it goes out here, after the Update has answered,
  // and only for transitions already recorded (their mail is in the outbox by then).
  // A run continued from another starts by sending whatever that run queued last. A new note has
  // queued nothing, so its run sends nothing at first (runs begun before this did, for nothing, and
  // a submit soon after the creation waited for that delivery's workflow task).
  const bornWithoutMail = patched('no-mail-at-birth') && !workflowInfo().continuedFromExecutionRunId;
  let mailedUpTo = bornWithoutMail ? recordedUpTo : -1;
  // Set by a signal: mail queued by the API beside any transition, which the next delivery takes along.
  let mailAsked = false;
  setHandler(mailQueuedSignal, () => void (mailAsked = true));
  const mailWaiting = () => mailing && (recordedUpTo !== mailedUpTo || mailAsked);
  async function sendQueuedMail(): Promise<void> {
    if (!mailWaiting()) return;
    mailedUpTo = recordedUpTo;
    mailAsked = false;
    await deliverNotifications.executeWithOptions({ ...DELIVERY, summary: `send mail queued up to v${mailedUpTo}` }, [{ noteId: pipeline.state.noteId }]);
  }
  // Mail goes out beside the timers: a message that takes days (SMTP down, a mailbox deferring it)
  // delays no reminder, escalation or review date. One delivery at a time; the next starts once it ends.
  // Runs begun before that waited for each delivery before arming the next timer.
  const besideTimers = patched('mail-beside-timers');
  let sending: Promise<void> | undefined;
  const canSend = () => !sending && mailWaiting();
  function sendBeside(): void {
    if (!canSend()) return;
    sending = sendQueuedMail()
      // Retried until it succeeds or gives up on each message (MAIL_GIVE_UP_AFTER): a failure here is an
      // invalid input or a cancelled run, and must not fail the note; its mail stays queued for the next.
      .catch((error: unknown) => log.warn('mail delivery ended without success', { error: (error as Error).message }))
      .finally(() => (sending = undefined));
  }

  const deadlines = deadlineWait();
  while (!pipeline.finished) {
    // Read before sending: a message that arrives while mail goes out must still wake the wait below.
    const { version } = pipeline.state;
    if (besideTimers) sendBeside();
    else await sendQueuedMail();
    const timer = nextTimer(pipeline.state);
    // The deadline's timer carries a summary, so that an operator reads in the history what falls due.
    const wait = timer && deadlineOf(timer.at, deadlineName(timer, pipeline.state));
    const changed = () => pipeline.state.version !== version || (besideTimers ? canSend() : mailWaiting());
    // Without a deadline, wait for the next message; with one, for a message or the deadline, whichever comes first.
    const moved = await deadlines.until(changed, wait);
    if (!moved && timer) await fire(timer);
    // A note may wait years (reminders, review date): keep each run's history small. A delivery still
    // under way is left to finish; the next run sends whatever it leaves queued.
    if (historyFull(historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof noteApproval>({ state: pipeline.state, historyLimit });
    }
  }
  deadlines.cancel();
  await condition(allHandlersFinished);
  await sending;
  await sendQueuedMail();
  // A re-assessment that ends without adoption hands the old note back its review date.
  if (pipeline.state.supersedes && pipeline.state.status !== 'SUPERSEDED') await tell(pipeline.state.supersedes, reassessmentEndedSignal, pipeline.state.noteId);
  return pipeline.state;

  async function fire(timer: DueTimer): Promise<void> {
    const action = TIMER_ACTION[timer.kind];
    // Runs begun before the last nudge's moment was kept sent every reminder missed in an outage at once.
    if (action) await record(() => pipeline.timerFired(timer.kind, new Date(), patched('late-nudges-once')), { actorId: null, action });
    else await startReassessment(null);
  }

  /**
   * Applies a transition at once (so a concurrent message sees it), then records it in the read model
   * and the audit trail before the Update answers: the caller reads its own write.
   */
  async function record(apply: () => NoteState, event: Omit<Transition, 'state' | 'at'>): Promise<NoteState> {
    const next = refuseAsFailure(apply);
    showToOperators(next);
    await recordTransition.executeWithOptions(
      { startToCloseTimeout: '10 seconds', summary: `record ${event.action} (v${next.version})` },
      [{ ...event, state: next, at: new Date().toISOString() }],
    );
    recordedUpTo = Math.max(recordedUpTo, next.version);
    return next;
  }
}

/**
 * Starts the workflow that tracks the adopted note's conditions (`conditions-<noteId>`), on its own as
 * a re-assessment runs: it may outlive this note, until the re-assessment that supersedes it takes the
 * conditions still open over. Should it not start, the adoption stands: the failure is logged.
 */
async function trackConditions(state: NoteState): Promise<void> {
  const { noteId, drafterId, supersedes, current, adoptedAt, policy } = state;
  try {
    await startChild(noteConditions, {
      workflowId: conditionsWorkflowId(noteId),
      args: [{ state: newConditionsState({ noteId, drafterId, supersedes, revision: current.revision, adoptedAt: adoptedAt!, policy: conditionPolicyOf(policy) }) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: conditionsSummary(noteId),
    });
  } catch (error) {
    log.warn('could not start tracking the note’s conditions', { noteId, error: (error as Error).message });
  }
}

/** Signals another note; one that has ended already needs nothing more, so a failure is logged, not raised. */
async function tell(noteId: string, signal: typeof supersedeSignal, byNoteId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(noteWorkflowId(noteId)).signal(signal, { byNoteId });
  } catch (error) {
    log.warn('could not signal a related note', { noteId, signal: signal.name, error: (error as Error).message });
  }
}
