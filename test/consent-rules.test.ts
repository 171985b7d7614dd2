import { randomUUID } from 'node:crypto';
import {
  answerDateRefusal,
  ConsentPipeline,
  type ConsentPolicy,
  type ConsentState,
  DEFAULT_CONSENT_POLICY,
  newConsentState,
  nextConsentTimer,
  recipientRefusal,
  sharingRefusal,
} from '../domain/consent';
import { mayReadConsent } from '../domain/need-to-know';
import { Refusal } from '../domain/refusal';
import type { Actor } from '../domain/roles';

/** The pure rules of a consent request (the third-party rule): no server, no database. */

const anna: Actor = { id: 'anna.devries', roles: ['drafter'] };
const daan: Actor = { id: 'daan.visser', roles: ['legal'] };
const gert: Actor = { id: 'gert.mulder', roles: ['head_of_service'] };
const HASH = 'a'.repeat(64);
const T0 = new Date('2026-12-01T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const FAST: ConsentPolicy = { ...DEFAULT_CONSENT_POLICY, stageDueMs: { LEGAL_REVIEW: 1_000, HEAD_OF_SERVICE: 1_000 }, reminderIntervalMs: 500, answerDueMs: 10_000, answerReminderIntervalMs: 3_000, lapseAfterMs: 7_000 };

function draft(policy = FAST): ConsentPipeline {
  return new ConsentPipeline(newConsentState({ consentId: randomUUID(), originatorId: randomUUID(), drafterId: anna.id, current: { revision: 1, contentSha256: HASH, authorId: anna.id }, policy }));
}
const decide = (p: ConsentPipeline, actor: Actor, outcome: 'approve' | 'reject' | 'request_changes', now = T0) =>
  p.decide({ decisionId: randomUUID(), actor, outcome, revision: p.state.current.revision, stage: p.state.stage! }, now);
/** A request sent to the partner at T0. */
function requested(): ConsentPipeline {
  const p = draft();
  p.submit({ actor: anna, revision: 1 }, T0);
  decide(p, daan, 'approve');
  decide(p, gert, 'approve');
  return p;
}
const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Refusal) return [error.kind, error.message];
    throw error;
  }
  return undefined;
};

describe('the pipeline of a consent request', () => {
  it('goes from draft through legal review and the head of service to REQUESTED, with the answer due and the lapse set', () => {
    const p = draft();
    expect(p.submit({ actor: anna, revision: 1 }, T0)).toMatchObject({ status: 'IN_REVIEW', stage: 'LEGAL_REVIEW', stageDueAt: at(1_000).toISOString() });
    expect(decide(p, daan, 'approve')).toMatchObject({ status: 'IN_REVIEW', stage: 'HEAD_OF_SERVICE' });
    const sent = decide(p, gert, 'approve', at(100));
    expect(sent).toMatchObject({ status: 'REQUESTED', stage: null, stageDueAt: null, requestedAt: at(100).toISOString(), answerDueAt: at(10_100).toISOString(), lapsesAt: at(17_100).toISOString() });
    expect(sent.decisions.map((d) => [d.actorId, d.stage, d.outcome])).toEqual([
      ['daan.visser', 'LEGAL_REVIEW', 'approve'],
      ['gert.mulder', 'HEAD_OF_SERVICE', 'approve'],
    ]);
    expect(p.finished).toBe(false);
  });

  it('records the answer by the drafter or the head of service, and ends there', () => {
    const byDrafter = requested();
    const answerId = randomUUID();
    expect(byDrafter.recordAnswer({ answerId, actor: anna, answer: 'granted_with_conditions' })).toMatchObject({ status: 'GRANTED_WITH_CONDITIONS', answerId });
    expect(byDrafter.finished).toBe(true);
    const byHead = requested();
    expect(byHead.recordAnswer({ answerId: randomUUID(), actor: gert, answer: 'refused' }).status).toBe('REFUSED');
    expect(refusalOf(() => requested().checkAnswer({ answerId: randomUUID(), actor: daan, answer: 'granted' }))).toEqual(['forbidden', 'only the request’s drafter or the head of service may record the partner’s answer']);
    expect(refusalOf(() => draft().checkAnswer({ answerId: randomUUID(), actor: anna, answer: 'granted' }))?.[0]).toBe('conflict');
  });

  it('keeps four eyes: the drafter decides on nothing of the request, and each reviewer once', () => {
    const legalDrafter: Actor = { id: 'anna.devries', roles: ['drafter', 'legal'] };
    const p = draft();
    p.submit({ actor: anna, revision: 1 }, T0);
    const request = { decisionId: randomUUID(), actor: legalDrafter, outcome: 'approve' as const, revision: 1, stage: 'LEGAL_REVIEW' as const };
    expect(refusalOf(() => p.checkDecision(request))).toEqual(['forbidden', 'the author of a revision may not decide on it']);
    expect(refusalOf(() => p.checkDecision({ ...request, actor: gert }))).toEqual(['forbidden', 'deciding at LEGAL_REVIEW needs the role legal']);
    expect(refusalOf(() => p.checkDecision({ ...request, actor: daan, stage: 'HEAD_OF_SERVICE' }))).toEqual(['conflict', 'HEAD_OF_SERVICE is not the open stage; LEGAL_REVIEW is']);
  });

  it('sends back for changes (the revision may not be submitted again) and rejects', () => {
    const p = draft();
    p.submit({ actor: anna, revision: 1 }, T0);
    expect(decide(p, daan, 'request_changes')).toMatchObject({ status: 'DRAFT', stage: null, changesRequestedOn: 1 });
    expect(refusalOf(() => p.checkSubmit({ actor: anna, revision: 1 }))?.[1]).toMatch(/save a new revision/);
    p.revise({ actor: anna, facts: { revision: 2, contentSha256: 'b'.repeat(64), authorId: anna.id } });
    p.submit({ actor: anna, revision: 2 }, T0);
    decide(p, daan, 'approve');
    expect(decide(p, gert, 'reject')).toMatchObject({ status: 'REJECTED', stage: null });
    expect(p.finished).toBe(true);
  });

  it('is withdrawn by its drafter or the head of service before an answer, not after', () => {
    expect(draft().withdraw({ eventId: randomUUID(), actor: anna }).status).toBe('WITHDRAWN');
    expect(requested().withdraw({ eventId: randomUUID(), actor: gert }).status).toBe('WITHDRAWN');
    expect(refusalOf(() => draft().checkWithdraw({ eventId: randomUUID(), actor: daan }))?.[0]).toBe('forbidden');
    const answered = requested();
    answered.recordAnswer({ answerId: randomUUID(), actor: anna, answer: 'granted' });
    expect(refusalOf(() => answered.checkWithdraw({ eventId: randomUUID(), actor: anna }))).toEqual(['conflict', 'the request is GRANTED; it can be withdrawn only before an answer']);
  });
});

describe('deadlines', () => {
  it('nudges an overdue review stage as a note’s is nudged', () => {
    const p = draft();
    p.submit({ actor: anna, revision: 1 }, T0);
    expect(nextConsentTimer(p.state)).toEqual({ kind: 'remind', at: at(1_000) });
    p.timerFired('remind', at(1_000));
    expect(nextConsentTimer(p.state)).toEqual({ kind: 'remind', at: at(1_500) });
  });

  it('once sent: the answer due, a reminder each interval, then the lapse, each once', () => {
    const p = requested();
    const timers: string[] = [];
    for (let timer = nextConsentTimer(p.state); timer; timer = nextConsentTimer(p.state)) {
      const fired = p.timerFired(timer.kind, timer.at);
      timers.push(`${fired.kind}@${timer.at.getTime() - T0.getTime()}`);
    }
    // Due at 10 s; reminders at 13 s and 16 s; the next (19 s) would fall after the lapse (17 s).
    expect(timers).toEqual(['answer_due@10000', 'answer_reminder@13000', 'answer_reminder@16000', 'lapse@17000']);
    expect(p.state).toMatchObject({ status: 'LAPSED', answerNudges: 3 });
    expect(p.finished).toBe(true);
  });

  it('lapses at once when its nudge comes only after the lapse (the worker was away), with no nudges missed sent', () => {
    const p = requested();
    const fired = p.timerFired('answer_due', at(60_000));
    expect(fired.kind).toBe('lapse');
    expect(fired.state).toMatchObject({ status: 'LAPSED', answerNudges: 0 });
  });
});

describe('who may receive the information', () => {
  const partner = randomUUID();
  it('refuses a partner whose ACTIVE note does not permit the form, in the same words whether it has a note or none', () => {
    const none = sharingRefusal(partner, 'evaluated_intelligence_exchange', []);
    const other = sharingRefusal(partner, 'joint_operations', ['evaluated_intelligence_exchange']);
    expect(none).toBeInstanceOf(Refusal);
    expect([other?.kind, other?.message, other?.details]).toEqual([none?.kind, none?.message, { field: 'recipient' }]);
    expect(sharingRefusal(partner, 'joint_operations', ['evaluated_intelligence_exchange', 'joint_operations'])).toBeUndefined();
  });

  it('lets NATO and the EU through (legal review is the check), and never the originating partner itself', () => {
    expect(sharingRefusal('nato', 'unevaluated_data_provision', [])).toBeUndefined();
    expect(sharingRefusal('eu', 'joint_operations', [])).toBeUndefined();
    expect(recipientRefusal(partner, { recipient: partner })?.kind).toBe('incomplete');
    expect(recipientRefusal(partner, { recipient: 'eu' })).toBeUndefined();
  });

  it('takes an answer dated between the day it was sent and today', () => {
    const now = new Date('2026-12-10T12:00:00Z');
    expect(answerDateRefusal('2026-12-01', '2026-12-01T09:00:00Z', now)).toBeUndefined();
    expect(answerDateRefusal('2026-12-10', '2026-12-01T09:00:00Z', now)).toBeUndefined();
    expect(answerDateRefusal('2026-11-30', '2026-12-01T09:00:00Z', now)?.details).toEqual({ field: 'givenOn' });
    expect(answerDateRefusal('2026-12-11', '2026-12-01T09:00:00Z', now)?.kind).toBe('incomplete');
  });
});

describe('need to know', () => {
  it('opens a request to its drafter, legal once it reached legal review, the head of service and the auditor', () => {
    const request = (reachedStages: ConsentState['stage'][]) => ({ drafterId: anna.id, reachedStages: reachedStages.filter((s) => s !== null) });
    const who: Actor[] = [anna, { id: 'bram.jansen', roles: ['drafter'] }, { id: 'carla.bakker', roles: ['team_lead'] }, daan, gert, { id: 'hanna.deboer', roles: ['minister'] }, { id: 'ivo.peters', roles: ['auditor'] }, { id: 'karel.smits', roles: ['operator'] }];
    expect(who.map((actor) => mayReadConsent(actor, request([])))).toEqual([true, false, false, false, true, false, true, false]);
    expect(who.map((actor) => mayReadConsent(actor, request(['LEGAL_REVIEW'])))).toEqual([true, false, false, true, true, false, true, false]);
  });
});
