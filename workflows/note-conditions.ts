import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ChangeOutcome } from '../activities/conditions';
import type { CloseRequest, ConditionsState, ReassignRequest, TrackedCondition } from '../domain/conditions';
import { ConditionTracker, type ConditionTimer, conditionsDueAt } from '../domain/conditions-rules';
import { Refusal } from '../domain/refusal';
import { conditionDeadlineName, conditionRef, utcMinute } from '../domain/wording';
import { DELIVERY, RECORDING } from './activity-options';
import { deadlineOf, deadlineWait } from './deadline-timer';
import { HISTORY_LIMIT, historyFull, type LongRunningInput } from './long-running';
import { refuseAsFailure } from './refusal-failure';

export const closeConditionUpdate = defineUpdate<TrackedCondition, [CloseRequest]>('close');
export const reassignConditionUpdate = defineUpdate<TrackedCondition, [ReassignRequest]>('reassign');
/** Sent by the conditions workflow of the re-assessment that superseded the note, once it has taken these conditions over. */
export const carriedOverSignal = defineSignal<[{ toNoteId: string; conditionIds: string[] }]>('carriedOver');
export const conditionsStateQuery = defineQuery<ConditionsState>('state');

export type NoteConditionsInput = LongRunningInput<ConditionsState>;

export const conditionsWorkflowId = (noteId: string) => `conditions-${noteId}`;

// Regular activities, scheduled by the task that accepts a change: see note-approval's RECORDING.
const { createConditions, recordConditionChange, recordConditionNudge } = proxyActivities<Activities>(RECORDING);
const { deliverNotifications } = proxyActivities<Activities>(DELIVERY);

/**
 * One execution per adopted note (`conditions-<noteId>`), started by the note's workflow at its
 * adoption: makes the note's conditions (its first step), reminds and escalates each that is overdue
 * as a review stage is, takes closes and reassignments as Updates, and ends once every condition is
 * closed; the re-assessment that supersedes the note takes those still open over and tells it so.
 * Holds ids, owners and due times, never the conditions' text.
 */
export async function noteConditions({ state, historyLimit = HISTORY_LIMIT }: NoteConditionsInput): Promise<ConditionsState> {
  const tracker = new ConditionTracker(state);
  const { noteId } = state;
  const now = () => new Date().toISOString();

  setHandler(conditionsStateQuery, () => tracker.state);
  setHandler(
    closeConditionUpdate,
    (r) =>
      change(
        r.conditionId,
        () => recordConditionChange({ noteId, conditionId: r.conditionId, eventId: r.eventId, actorId: r.actor.id, at: now(), change: { kind: 'closed', outcome: r.outcome } }),
        () => tracker.closed(r.conditionId),
        false,
      ),
    { validator: (r) => refuseAsFailure(() => tracker.checkClose(r)) },
  );
  setHandler(
    reassignConditionUpdate,
    (r) => {
      const { ownerId, dueAt } = tracker.item(r.conditionId);
      const to = { ownerId: r.ownerId ?? ownerId, dueAt: r.dueAt ?? dueAt };
      return change(
        r.conditionId,
        () => recordConditionChange({ noteId, conditionId: r.conditionId, eventId: r.eventId, actorId: r.actor.id, at: now(), change: { kind: 'reassigned', ...to } }),
        () => tracker.reassigned(r.conditionId, to),
        true,
      );
    },
    { validator: (r) => refuseAsFailure(() => tracker.checkReassign(r, new Date())) },
  );
  setHandler(carriedOverSignal, ({ conditionIds }) => void tracker.carriedOver(conditionIds));

  // Mail goes out beside the timers, one delivery at a time, as a note's does; a continued run first
  // sends whatever the run before it left queued.
  let mailWaiting = tracker.state.items !== null;
  let sending: Promise<void> | undefined;
  const canSend = () => !sending && mailWaiting;
  function sendBeside(): void {
    if (!canSend()) return;
    mailWaiting = false;
    sending = deliverNotifications
      .executeWithOptions({ ...DELIVERY, summary: 'send the conditions’ mail' }, [{ conditionsOf: noteId }])
      .then(() => undefined)
      // Retried until each message is sent or given up on (MAIL_GIVE_UP_AFTER): a failure here must not end the tracking.
      .catch((error: unknown) => log.warn('mail delivery ended without success', { error: (error as Error).message }))
      .finally(() => (sending = undefined));
  }

  if (!tracker.state.items) await create();
  const deadlines = deadlineWait();
  while (!tracker.finished) {
    showProgressToOperators(tracker.state);
    const { version } = tracker.state;
    sendBeside();
    const timer = tracker.nextTimer();
    const changed = () => tracker.state.version !== version || canSend();
    // Without a deadline, wait for the next message; with one, for a message or the deadline, whichever comes first.
    const moved = await deadlines.until(changed, timer && deadlineOf(timer.at, conditionDeadlineName(timer)));
    if (!moved && timer) await nudge(timer);
    if (historyFull(historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof noteConditions>({ state: tracker.state, historyLimit });
    }
  }
  deadlines.cancel();
  showProgressToOperators(tracker.state);
  await condition(allHandlersFinished);
  await sending;
  sendBeside();
  await sending;
  return tracker.state;

  /** The first step: the conditions made from the adopted revision, and those of the note it re-assesses taken over. */
  async function create(): Promise<void> {
    const { supersedes, revision, drafterId } = state;
    const made = await createConditions({ noteId, revision, ownerId: drafterId, dueAt: conditionsDueAt(state), supersedes, at: now() });
    tracker.created(made.items);
    mailWaiting = true;
    if (!supersedes || !made.carriedOver.length) return;
    try {
      await getExternalWorkflowHandle(conditionsWorkflowId(supersedes)).signal(carriedOverSignal, { toNoteId: noteId, conditionIds: made.carriedOver });
    } catch (error) {
      // Its tracking has ended already; were it still running, it finds each condition carried over at its next deadline.
      log.warn('could not tell the superseded note’s conditions', { noteId: supersedes, error: (error as Error).message });
    }
  }

  /** A reminder or escalation, counted at once (a concurrent message sees it); a condition carried over meanwhile is closed here instead. */
  async function nudge(timer: ConditionTimer): Promise<void> {
    tracker.nudged(timer.conditionId, timer.kind, new Date());
    const { remindersSent, escalated, lastNudgeAt } = tracker.item(timer.conditionId);
    const { open } = await recordConditionNudge.executeWithOptions({ ...RECORDING, summary: `record ${conditionDeadlineName(timer)}` }, [
      { noteId, conditionId: timer.conditionId, kind: timer.kind, first: timer.first, remindersSent, escalated, lastNudgeAt: lastNudgeAt!, escalationRole: tracker.state.policy.escalationRole },
    ]);
    if (open) mailWaiting = true;
    else tracker.carriedOver([timer.conditionId]);
  }

  /**
   * A close or reassignment: recorded first, then applied, since the read model decides between this
   * workflow and a re-assessment taking the condition over at the same moment. Meanwhile another
   * change to the condition is refused. `mails`: the change queues mail (a new owner or due date).
   */
  async function change(conditionId: string, record: () => Promise<ChangeOutcome>, apply: () => void, mails: boolean): Promise<TrackedCondition> {
    tracker.begin(conditionId);
    try {
      const outcome = await record();
      if (!outcome.recorded) {
        tracker.carriedOver([conditionId]);
        const { noteId: to, position } = outcome.carriedTo;
        return refuseAsFailure(() => {
          throw new Refusal('conflict', `the condition was carried over to the re-assessment as ${conditionRef(to, position)}; act on it there`);
        });
      }
      apply();
      mailWaiting ||= mails;
      return tracker.item(conditionId);
    } finally {
      tracker.done(conditionId);
    }
  }
}

/** What operators read of the execution in the Temporal UI: how many conditions are open, and the next deadline. No text. */
function showProgressToOperators(state: ConditionsState): void {
  const items = state.items ?? [];
  const open = items.filter((item) => item.open);
  const overdue = open.filter((item) => Date.parse(item.dueAt) <= Date.now()).length;
  const next = open.map((item) => item.dueAt).sort()[0];
  setCurrentDetails(`${open.length} of ${items.length} conditions open${overdue ? `, ${overdue} overdue` : ''}${next ? `, the first due ${utcMinute(next)}` : ''}`);
}
