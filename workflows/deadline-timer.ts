import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';

/** A deadline to wait for: `key` names it (when, and what falls due), `ms` is how far off it is. */
export interface Deadline {
  key: string;
  ms: number;
  summary: string;
}

/** A deadline at `at`, in workflow time; `summary` says in the history what falls due then (a timer kept says it still). */
export const deadlineOf = (at: Date, summary: string): Deadline => ({ key: `${at.toISOString()} ${summary}`, ms: at.getTime() - Date.now(), summary });

/**
 * An execution's next deadline as one timer, kept while the execution wakes for other reasons and
 * the deadline stays where it was (mail queued after a transition, an approval short of the quorum).
 * `condition` with a timeout cancels its timer whenever it wakes early and the next wait starts
 * another for the same moment: two more commands in the workflow task that answers an Update, and two
 * more events for the operator to read past. This one is cancelled only when the deadline moves.
 */
export class DeadlineTimer {
  private armed: { key: string; scope: CancellationScope; fired: boolean } | undefined;

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

  private arm({ key, ms, summary }: Deadline): { key: string; scope: CancellationScope; fired: boolean } {
    const scope = new CancellationScope();
    const armed = { key, scope, fired: false };
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
