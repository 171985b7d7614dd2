import type * as Schemas from './conditions';
import type { CloseOutcome, CloseRequest, ConditionPolicy, ConditionsState, ReassignRequest, TrackedCondition } from './conditions';
import { parseOrRefuse } from './parse-or-refuse';
import type { Policy } from './pipeline';
import { nextNudge } from './pipeline-rules';
import { Refusal } from './refusal';
import { hasRole, type Role } from './role-rules';
import type { Actor } from './roles';

/**
 * The rules of a note's conditions, without their schemas (`conditions`): what their workflow runs.
 * Its Updates' requests are read with the schemas loaded on first use (`parse-or-refuse`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: see parse-or-refuse
const schemas = () => require('./conditions') as typeof Schemas;

/** Who may own a condition: staff who work on notes (not the auditor, who changes nothing, nor an admin or operator). */
export const OWNER_ROLES: Role[] = ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister'];

const DAY_MS = 86_400_000;
export const DEFAULT_CONDITION_DUE_MS = 90 * DAY_MS;

/** The note's policy as its conditions follow it; one begun before conditions were tracked has them due after the default. */
export function conditionPolicyOf(policy: Policy): ConditionPolicy {
  const { reminderIntervalMs, escalateAfterReminders, escalationRole } = policy;
  return { dueMs: policy.conditionDueMs ?? DEFAULT_CONDITION_DUE_MS, reminderIntervalMs, escalateAfterReminders, escalationRole };
}

export function newConditionsState(init: Pick<ConditionsState, 'noteId' | 'drafterId' | 'supersedes' | 'revision' | 'adoptedAt' | 'policy'>): ConditionsState {
  return { ...init, items: null, version: 0 };
}

/** When the conditions of a note adopted at `adoptedAt` fall due. */
export const conditionsDueAt = (state: Pick<ConditionsState, 'adoptedAt' | 'policy'>) => new Date(Date.parse(state.adoptedAt) + state.policy.dueMs).toISOString();

/**
 * Who may act on a condition now. One rule each, asked by the workflow's checks before a change, and
 * by the pages (of the read model) to offer a person only what they may do.
 */
export interface ConditionStanding {
  ownerId: string;
  open: boolean;
  /** The drafter of the note the condition belongs to. */
  noteDrafterId: string;
}

/** Why this person may not close the condition so: its owner closes it fulfilled, the head of service as no longer applicable. */
export function closeRefusal(actor: Actor, condition: ConditionStanding, outcome: CloseOutcome): Refusal | undefined {
  if (!condition.open) return new Refusal('conflict', 'the condition is closed already');
  if (outcome === 'fulfilled' && actor.id !== condition.ownerId) return new Refusal('forbidden', 'only the condition’s owner closes it as fulfilled, with the evidence');
  if (outcome === 'not_applicable' && !hasRole(actor, 'head_of_service')) return new Refusal('forbidden', 'only the head of service closes a condition as no longer applicable');
  return undefined;
}

export const mayClose = (actor: Actor, condition: ConditionStanding, outcome: CloseOutcome) => !closeRefusal(actor, condition, outcome);

/** Why this person may not give the condition another owner or due date: its owner, the note's drafter or the head of service may. */
export function reassignRefusal(actor: Actor, condition: ConditionStanding): Refusal | undefined {
  if (!condition.open) return new Refusal('conflict', 'the condition is closed already');
  if (actor.id !== condition.ownerId && actor.id !== condition.noteDrafterId && !hasRole(actor, 'head_of_service')) {
    return new Refusal('forbidden', 'a condition is reassigned by its owner, the note’s drafter or the head of service');
  }
  return undefined;
}

export const mayReassign = (actor: Actor, condition: ConditionStanding) => !reassignRefusal(actor, condition);

/** The entries a note's conditions leave in its part of the audit trail (`activities/conditions`), as the auditor reads them. */
export const CONDITION_ACTION_NAME = {
  'condition.created': 'Condition tracked',
  'condition.reassigned': 'Condition reassigned',
  'condition.closed': 'Condition closed',
  'condition.reminder_sent': 'Condition reminder sent',
  'condition.escalated': 'Condition escalated',
  'condition.carried_over': 'Condition carried over to the re-assessment',
} as const;
export type ConditionAction = keyof typeof CONDITION_ACTION_NAME;

export type NudgeKind = 'remind' | 'escalate';
/** The next deadline among a note's open conditions: the earliest nudge, the lower position first at a tie. */
export interface ConditionTimer {
  conditionId: string;
  position: number;
  kind: NudgeKind;
  at: Date;
  /** The first nudge of the condition: it falls due (the mail says so, later ones remind). */
  first: boolean;
}

/** A refusal, if there is one, thrown. */
function refuse(refusal: Refusal | undefined): void {
  if (refusal) throw refusal;
}

/** The rules of a note's conditions as one state machine; the workflow wires messages and timers to it. */
export class ConditionTracker {
  /** Conditions whose change is being recorded: another change to one waits until it is. Not state: a run hands over only once every change is recorded. */
  private readonly busy = new Set<string>();

  constructor(private current: ConditionsState) {}

  get state(): ConditionsState {
    return this.current;
  }

  /** Every condition is closed (fulfilled, no longer applicable, or carried over): nothing is left to track. */
  get finished(): boolean {
    return this.current.items !== null && !this.current.items.some((item) => item.open);
  }

  get open(): TrackedCondition[] {
    return (this.current.items ?? []).filter((item) => item.open);
  }

  created(items: TrackedCondition[]): ConditionsState {
    return this.move({ items });
  }

  checkClose(request: CloseRequest): void {
    const { actor, conditionId, outcome } = parseOrRefuse(schemas().CloseRequest, request);
    refuse(closeRefusal(actor, this.standing(this.free(conditionId)), outcome));
  }

  checkReassign(request: ReassignRequest, now: Date): void {
    const { actor, conditionId, ownerId, dueAt } = parseOrRefuse(schemas().ReassignRequest, request);
    const item = this.free(conditionId);
    refuse(reassignRefusal(actor, this.standing(item)));
    if (dueAt !== undefined && Date.parse(dueAt) <= now.getTime()) throw new Refusal('conflict', 'the new due date must lie ahead');
    const sameOwner = ownerId === undefined || ownerId === item.ownerId;
    const sameDue = dueAt === undefined || Date.parse(dueAt) === Date.parse(item.dueAt);
    if (sameOwner && sameDue) throw new Refusal('conflict', 'the condition has that owner and due date already');
  }

  /** A change to the condition is being recorded: until `done`, another is refused. */
  begin(conditionId: string): void {
    this.busy.add(conditionId);
  }

  done(conditionId: string): void {
    this.busy.delete(conditionId);
  }

  closed(conditionId: string): ConditionsState {
    return this.change(conditionId, { open: false });
  }

  /** A new owner keeps the condition's nudges (it is as late as it was); a new due date starts them afresh. */
  reassigned(conditionId: string, to: { ownerId?: string; dueAt?: string }): ConditionsState {
    const item = this.item(conditionId);
    const dueAt = to.dueAt === undefined ? item.dueAt : new Date(to.dueAt).toISOString();
    const afresh = dueAt !== item.dueAt ? { remindersSent: 0, escalated: false, lastNudgeAt: null } : {};
    return this.change(conditionId, { ownerId: to.ownerId ?? item.ownerId, dueAt, ...afresh });
  }

  /** A nudge went out at `now`: counted, so the next timer moves on. */
  nudged(conditionId: string, kind: NudgeKind, now: Date): ConditionsState {
    const item = this.item(conditionId);
    const counted = kind === 'remind' ? { remindersSent: item.remindersSent + 1 } : { escalated: true };
    return this.change(conditionId, { ...counted, lastNudgeAt: now.toISOString() });
  }

  /** These conditions went over to the re-assessment that superseded the note: they are closed here. */
  carriedOver(conditionIds: readonly string[]): ConditionsState {
    const items = this.current.items?.map((item) => (conditionIds.includes(item.id) ? { ...item, open: false } : item)) ?? null;
    return this.move({ items });
  }

  nextTimer(): ConditionTimer | undefined {
    const timers = this.open.map((item) => ({
      conditionId: item.id,
      position: item.position,
      ...nextNudge({ stageDueAt: item.dueAt, remindersSent: item.remindersSent, escalated: item.escalated, lastNudgeAt: item.lastNudgeAt }, this.current.policy),
      first: item.remindersSent === 0 && !item.escalated,
    }));
    return timers.sort((a, b) => a.at.getTime() - b.at.getTime() || a.position - b.position)[0];
  }

  item(conditionId: string): TrackedCondition {
    const { items } = this.current;
    if (!items) throw new Refusal('conflict', 'the note’s conditions are being made; try again in a moment');
    const item = items.find((each) => each.id === conditionId);
    if (!item) throw new Refusal('not_found', 'no such condition of this note');
    return item;
  }

  /** The condition, if no other change to it is being recorded. */
  private free(conditionId: string): TrackedCondition {
    const item = this.item(conditionId);
    if (this.busy.has(conditionId)) throw new Refusal('conflict', 'another change to this condition is being recorded; try again in a moment');
    return item;
  }

  private standing(item: TrackedCondition): ConditionStanding {
    return { ownerId: item.ownerId, open: item.open, noteDrafterId: this.current.drafterId };
  }

  private change(conditionId: string, change: Partial<TrackedCondition>): ConditionsState {
    const items = this.current.items!.map((item) => (item.id === conditionId ? { ...item, ...change } : item));
    return this.move({ items });
  }

  private move(change: Partial<ConditionsState>): ConditionsState {
    this.current = { ...this.current, ...change, version: this.current.version + 1 };
    return this.current;
  }
}
