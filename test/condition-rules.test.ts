import { randomUUID } from 'node:crypto';
import {
  closeRefusal,
  ConditionTracker,
  conditionPolicyOf,
  conditionsDueAt,
  conditionsOf,
  DEFAULT_CONDITION_DUE_MS,
  newConditionsState,
  reassignRefusal,
  type TrackedCondition,
} from '../domain/conditions';
import { NoteContent } from '../domain/note-content';
import { DEFAULT_POLICY } from '../domain/pipeline';
import { Refusal } from '../domain/refusal';
import type { Actor } from '../domain/roles';
import { conditionDeadlineName } from '../domain/wording';

/** The pure rules of a note's conditions: what becomes one, their timers, and who may change them. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ADOPTED = new Date('2027-01-04T09:00:00Z');
const policy = { ...conditionPolicyOf(DEFAULT_POLICY), escalateAfterReminders: 2 };
const anna: Actor = { id: 'anna.devries', roles: ['drafter'] };
const bram: Actor = { id: 'bram.jansen', roles: ['drafter'] };
const gert: Actor = { id: 'gert.mulder', roles: ['head_of_service'] };
const carla: Actor = { id: 'carla.bakker', roles: ['team_lead'] };

const due = new Date(ADOPTED.getTime() + policy.dueMs);
const overdue = (k: number) => new Date(due.getTime() + k * policy.reminderIntervalMs);

function item(position: number, change: Partial<TrackedCondition> = {}): TrackedCondition {
  return { id: randomUUID(), position, ownerId: 'anna.devries', dueAt: due.toISOString(), remindersSent: 0, escalated: false, lastNudgeAt: null, open: true, ...change };
}

function tracker(...items: TrackedCondition[]): ConditionTracker {
  const state = newConditionsState({ noteId: randomUUID(), drafterId: 'anna.devries', supersedes: null, revision: 2, adoptedAt: ADOPTED.toISOString(), policy });
  const t = new ConditionTracker(state);
  t.created(items);
  return t;
}

const refusedAs = (kind: Refusal['kind'], fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    expect((error as Refusal).kind).toBe(kind);
    return;
  }
  throw new Error(`not refused (${kind})`);
};

describe('what becomes a condition', () => {
  it('each non-empty mitigation, the criteria in their order and the note’s own last, trimmed', () => {
    const content = NoteContent.parse({
      criteria: { humanRights: { mitigations: '  No exchange on the corridor.\n' }, dataProtection: { mitigations: 'Annual audit.' }, legalPowers: { mitigations: '   ' } },
      mitigations: 'Evaluated intelligence only.',
    });
    expect(conditionsOf(content)).toEqual([
      { source: 'criteria.humanRights.mitigations', text: 'No exchange on the corridor.' },
      { source: 'criteria.dataProtection.mitigations', text: 'Annual audit.' },
      { source: 'mitigations', text: 'Evaluated intelligence only.' },
    ]);
    expect(conditionsOf(NoteContent.parse({}))).toEqual([]);
  });

  it('falls due the configured time after adoption; a note begun before conditions were tracked takes the default', () => {
    expect(conditionsDueAt({ adoptedAt: ADOPTED.toISOString(), policy: { ...policy, dueMs: 3 * DAY } })).toBe('2027-01-07T09:00:00.000Z');
    expect(conditionPolicyOf({ ...DEFAULT_POLICY, conditionDueMs: undefined }).dueMs).toBe(DEFAULT_CONDITION_DUE_MS);
    expect(conditionPolicyOf({ ...DEFAULT_POLICY, conditionDueMs: DAY })).toEqual({ dueMs: DAY, reminderIntervalMs: DEFAULT_POLICY.reminderIntervalMs, escalateAfterReminders: 3, escalationRole: 'head_of_service' });
  });
});

describe('the timers of a note’s conditions', () => {
  it('remind at the due time and each interval, then escalate, as a stage does', () => {
    const t = tracker(item(1));
    const seen: [string, number][] = [];
    for (let i = 0; i < 5; i += 1) {
      const timer = t.nextTimer()!;
      seen.push([conditionDeadlineName(timer), (timer.at.getTime() - due.getTime()) / policy.reminderIntervalMs]);
      t.nudged(timer.conditionId, timer.kind, timer.at);
    }
    expect(seen).toEqual([
      ['condition 1 due', 0],
      ['condition 1 reminder', 1],
      ['escalation of condition 1', 2],
      ['condition 1 reminder', 3],
      ['condition 1 reminder', 4],
    ]);
  });

  it('wakes for the earliest of the open conditions, the lower number first at a tie; closed ones have none', () => {
    const later = item(1, { dueAt: new Date(due.getTime() + DAY).toISOString() });
    const [second, third] = [item(2), item(3)];
    const t = tracker(later, second, third);
    expect(t.nextTimer()).toMatchObject({ conditionId: second.id, kind: 'remind', at: due, first: true });
    t.closed(second.id);
    expect(t.nextTimer()).toMatchObject({ conditionId: third.id, at: due });
    t.carriedOver([third.id]);
    expect(t.nextTimer()).toMatchObject({ conditionId: later.id });
    t.closed(later.id);
    expect([t.nextTimer(), t.finished]).toEqual([undefined, true]);
  });

  it('after an outage: one reminder per condition, the escalation at once if its time passed, then the interval again', () => {
    const t = tracker(item(1));
    const back = overdue(10);
    const first = t.nextTimer()!;
    t.nudged(first.conditionId, first.kind, back);
    expect(t.nextTimer()).toMatchObject({ kind: 'escalate', at: back });
    t.nudged(first.conditionId, 'escalate', back);
    expect(t.nextTimer()).toMatchObject({ kind: 'remind', at: new Date(back.getTime() + policy.reminderIntervalMs), first: false });
  });

  it('a new due date starts the nudges afresh; a new owner alone keeps them', () => {
    const c = item(1, { remindersSent: 2, escalated: true, lastNudgeAt: overdue(2).toISOString() });
    const t = tracker(c);
    t.reassigned(c.id, { ownerId: 'bram.jansen' });
    expect(t.item(c.id)).toMatchObject({ ownerId: 'bram.jansen', remindersSent: 2, escalated: true });
    const moved = new Date(due.getTime() + 30 * DAY).toISOString();
    t.reassigned(c.id, { dueAt: moved });
    expect(t.item(c.id)).toMatchObject({ dueAt: moved, remindersSent: 0, escalated: false, lastNudgeAt: null });
    expect(t.nextTimer()).toMatchObject({ kind: 'remind', at: new Date(moved), first: true });
  });

  it('a note without conditions is finished once they are made; one whose conditions are not made yet is not', () => {
    const state = newConditionsState({ noteId: randomUUID(), drafterId: 'anna.devries', supersedes: null, revision: 1, adoptedAt: ADOPTED.toISOString(), policy });
    const t = new ConditionTracker(state);
    expect(t.finished).toBe(false);
    expect(t.nextTimer()).toBeUndefined();
    t.created([]);
    expect(t.finished).toBe(true);
  });
});

describe('who may change a condition', () => {
  const standing = { ownerId: 'bram.jansen', open: true, noteDrafterId: 'anna.devries' };

  it('its owner closes it fulfilled, the head of service as no longer applicable; a closed one no one', () => {
    expect(closeRefusal(bram, standing, 'fulfilled')).toBeUndefined();
    expect(closeRefusal(anna, standing, 'fulfilled')?.kind).toBe('forbidden');
    expect(closeRefusal(gert, standing, 'fulfilled')?.kind).toBe('forbidden');
    expect(closeRefusal(gert, standing, 'not_applicable')).toBeUndefined();
    expect(closeRefusal(bram, standing, 'not_applicable')?.kind).toBe('forbidden');
    expect(closeRefusal(bram, { ...standing, open: false }, 'fulfilled')?.kind).toBe('conflict');
  });

  it('its owner, the note’s drafter or the head of service reassigns it; a reviewer does not', () => {
    for (const actor of [bram, anna, gert]) expect(reassignRefusal(actor, standing)).toBeUndefined();
    expect(reassignRefusal(carla, standing)?.kind).toBe('forbidden');
    expect(reassignRefusal(anna, { ...standing, open: false })?.kind).toBe('conflict');
  });

  it('the workflow’s checks: a known condition, no other change under way, a due date ahead, something to change', () => {
    const c = item(1);
    const t = tracker(c);
    const now = ADOPTED;
    const reassign = (change: object) => t.checkReassign({ eventId: randomUUID(), actor: anna, conditionId: c.id, ...change }, now);
    refusedAs('not_found', () => t.checkClose({ eventId: randomUUID(), actor: anna, conditionId: randomUUID(), outcome: 'fulfilled' }));
    refusedAs('conflict', () => reassign({ dueAt: new Date(now.getTime() - HOUR).toISOString() }));
    refusedAs('conflict', () => reassign({ ownerId: 'anna.devries' }));
    refusedAs('conflict', () => reassign({}));
    expect(() => reassign({ ownerId: 'bram.jansen' })).not.toThrow();
    t.begin(c.id);
    refusedAs('conflict', () => t.checkClose({ eventId: randomUUID(), actor: anna, conditionId: c.id, outcome: 'fulfilled' }));
    t.done(c.id);
    expect(() => t.checkClose({ eventId: randomUUID(), actor: anna, conditionId: c.id, outcome: 'fulfilled' })).not.toThrow();
    const unmade = new ConditionTracker(newConditionsState({ noteId: randomUUID(), drafterId: 'anna.devries', supersedes: null, revision: 1, adoptedAt: ADOPTED.toISOString(), policy }));
    refusedAs('conflict', () => unmade.checkClose({ eventId: randomUUID(), actor: anna, conditionId: c.id, outcome: 'fulfilled' }));
  });
});
