import { CancellationScope, condition, isCancellation, patched, sleep } from '@temporalio/workflow';

/** A deadline to wait for: `key` names it (when, and what falls due), `ms` is how far off it is. */
export interface Deadline {
  key: string;
  ms: number;
  summary: string;
}

/** A deadline at `at`, in workflow time; `summary` says in the history what falls due then (a timer kept says it still). */
export const deadlineOf = (at: Date, summary: string): Deadline => ({ key: `${at.toISOString()} ${summary}`, ms: at.getTime() - Date.now(), summary });

/** Waits until `changed` holds or the deadline passes: true when `changed` came first (or without a deadline). */
export interface DeadlineWait {
  until(changed: () => boolean, deadline: Deadline | undefined): Promise<boolean>;
  /** Cancels any timer under way (the execution ends). */
  cancel(): void;
}

/**
 * The wait of runs begun before `DeadlineTimer` (patch `deadline-timer-kept`), kept so that their
 * histories replay: `condition` with a timeout, a fresh timer each time.
 */
class FreshTimerEachWait implements DeadlineWait {
  async until(changed: () => boolean, deadline: Deadline | undefined): Promise<boolean> {
    if (!deadline) return (await condition(changed), true);
    return deadline.ms > 0 && (await condition(changed, deadline.ms, { summary: deadline.summary }));
  }

  cancel(): void {}
}

/** A deadline's timer under way: the scope that cancels it, and whether it has fired. */
interface Armed {
  key: string;
  scope: CancellationScope;
  fired: boolean;
}

/** How an execution waits for its deadlines: with one timer per deadline, unless it began before that. */
export const deadlineWait = (): DeadlineWait => (patched('deadline-timer-kept') ? new DeadlineTimer() : new FreshTimerEachWait());

/**
 * An execution's next deadline as one timer, kept while the execution wakes for other reasons and
 * the deadline stays where it was (mail queued after a transition, an approval short of the quorum).
 * `condition` with a timeout cancels its timer whenever it wakes early and the next wait starts
 * another for the same moment: two more commands in the workflow task that answers an Update, and two
 * more events for the operator to read past. This one is cancelled only when the deadline moves.
 */
class DeadlineTimer implements DeadlineWait {
  private armed: Armed | undefined;

  /**
   * Waits until `changed` holds or the deadline passes: true when `changed` came first (or without a
   * deadline), false when the deadline is due, which the caller then acts on. A deadline due now
   * needs no timer.
   */
  async until(changed: () => boolean, deadline: Deadline | undefined): Promise<boolean> {
    const due = !!deadline && deadline.ms <= 0;
    if (due || this.armed?.key !== deadline?.key) this.cancel();
    if (due) return false;
    const armed = deadline && (this.armed ??= this.arm(deadline));
    await condition(() => changed() || !!armed?.fired);
    if (changed()) return true;
    this.armed = undefined;
    return false;
  }

  /** Cancels the timer under way, if one is (the deadline moved, or the execution ends). */
  cancel(): void {
    this.armed?.scope.cancel();
    this.armed = undefined;
  }

  private arm({ key, ms, summary }: Deadline): Armed {
    const scope = new CancellationScope();
    const armed: Armed = { key, scope, fired: false };
    scope
      .run(() => sleep(ms, { summary }))
      .then(
        () => void (armed.fired = true),
        (error: unknown) => {
          // Cancelled because the deadline moved: nothing falls due.
          if (!isCancellation(error)) throw error;
        },
      );
    return armed;
  }
}
