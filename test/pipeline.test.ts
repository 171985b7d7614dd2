import { randomUUID } from 'node:crypto';
import { NoteContent } from '../domain/note-content';
import type { CooperationForm, RiskRating } from '../domain/note-content';
import {
  DEFAULT_POLICY,
  NOTE_STATUSES,
  NotePipeline,
  Policy,
  approvalsSoFar,
  isFinal,
  needsMinisterialPermission,
  newNoteState,
  nextTimer,
  quorumFor,
  requiresMinister,
  reviewPeriodOf,
  revisionFacts,
  stagesFor,
  upgradeNoteState,
} from '../domain/pipeline';
import type {
  DecisionRequest,
  NoteStatus,
  Outcome,
  ReassessRequest,
  ReviseRequest,
  RevisionFacts,
  Stage,
  SubmitRequest,
  TimerKind,
  WithdrawRequest,
} from '../domain/pipeline';
import { REFUSAL_STATUS, Refusal, isRefusalKind } from '../domain/refusal';
import type { RefusalKind } from '../domain/refusal';
import type { Actor, Role } from '../domain/roles';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const now = new Date('2026-01-01T00:00:00Z');
/** `now` plus `ms`. */
const after = (ms: number): Date => new Date(now.getTime() + ms);
const plus = (date: Date, ms: number): string => new Date(date.getTime() + ms).toISOString();

/** Distinct durations everywhere, so a time computed from the wrong one shows. */
const policy: Policy = {
  ...DEFAULT_POLICY,
  quorum: { default: 1, legalHighRisk: 2 },
  stageDueMs: { TEAM_REVIEW: 1 * HOUR, LEGAL_REVIEW: 2 * HOUR, HEAD_OF_SERVICE: 3 * HOUR, MINISTER: 4 * HOUR },
  reminderIntervalMs: 10 * MINUTE,
  escalateAfterReminders: 2,
  escalationRole: 'head_of_service',
  reviewPeriodMs: 30 * DAY,
  reviewCadence: { high: 40 * DAY, medium: 50 * DAY, low: 60 * DAY, priority1MaxMs: 45 * DAY },
  reviewReminderLeadMs: 5 * DAY,
};

const person = (id: string, ...roles: Role[]): Actor => ({ id, roles });
/** The note's drafter and the author of its revisions; also a team_lead, so four eyes is what stops her. */
const anna = person('anna', 'drafter', 'team_lead');
const tom = person('tom', 'team_lead');
const lex = person('lex', 'legal');
const lea = person('lea', 'legal');
const hans = person('hans', 'head_of_service');
const mia = person('mia', 'minister');
const eve = person('eve', 'auditor');

/** Who approves each stage, in order, as far as the quorum needs them. */
const REVIEWERS: Record<Stage, Actor[]> = { TEAM_REVIEW: [tom], LEGAL_REVIEW: [lex, lea], HEAD_OF_SERVICE: [hans], MINISTER: [mia] };

const THREE_STAGES: Stage[] = ['TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE'];
const FOUR_STAGES: Stage[] = ['TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE', 'MINISTER'];

const HASH_1 = '1'.repeat(64);
const HASH_2 = '2'.repeat(64);
const REVIEW_DATE = '2027-06-30';
const REVIEW_DUE = new Date(`${REVIEW_DATE}T00:00:00Z`);

/** Low risk, a harmless form, a review date: the head of service decides under mandate. */
function facts(change: Partial<RevisionFacts> = {}): RevisionFacts {
  return {
    revision: 1,
    contentSha256: HASH_1,
    authorId: 'anna',
    overallRisk: 'low',
    ministerialForms: false,
    reviewDate: REVIEW_DATE,
    ...change,
  };
}

const MINISTERIAL: Partial<RevisionFacts> = { ministerialForms: true };
const HIGH: Partial<RevisionFacts> = { overallRisk: 'high' };

function draft(change: Partial<RevisionFacts> = {}, rules: Policy = policy): NotePipeline {
  return new NotePipeline(
    newNoteState({ noteId: randomUUID(), partnerId: randomUUID(), drafterId: 'anna', supersedes: null, current: facts(change), policy: rules }),
  );
}

const submission = (actor: Actor = anna, revision = 1): SubmitRequest => ({ actor, revision });
const decision = (actor: Actor, outcome: Outcome = 'approve', revision = 1): DecisionRequest => ({ decisionId: randomUUID(), actor, outcome, revision });
const withdrawal = (actor: Actor): WithdrawRequest => ({ eventId: randomUUID(), actor });
const reassessment = (actor: Actor): ReassessRequest => ({ eventId: randomUUID(), actor });

/** Approves the open stage with its reviewers until it moves on. */
function approveStage(pipeline: NotePipeline, when: Date = now): void {
  const stage = pipeline.state.stage;
  if (stage === null) throw new Error(`no stage open (status ${pipeline.state.status})`);
  for (const reviewer of REVIEWERS[stage]) {
    if (pipeline.state.stage !== stage || pipeline.state.status !== 'IN_REVIEW') return;
    pipeline.decide(decision(reviewer, 'approve', pipeline.state.current.revision), when);
  }
  if (pipeline.state.stage === stage) throw new Error(`the reviewers of ${stage} did not close it`);
}

/** A note submitted at `now` and approved (at `now`) until `stage` is open. */
function inStage(stage: Stage, change: Partial<RevisionFacts> = {}, rules: Policy = policy): NotePipeline {
  const pipeline = draft(change, rules);
  pipeline.submit(submission(), now);
  while (pipeline.state.stage !== stage) approveStage(pipeline);
  return pipeline;
}

/** A note adopted at `now`. */
function active(change: Partial<RevisionFacts> = {}): NotePipeline {
  const pipeline = draft(change);
  pipeline.submit(submission(), now);
  while (pipeline.state.status === 'IN_REVIEW') approveStage(pipeline);
  return pipeline;
}

/** High risk: tom approved revision 1 at TEAM_REVIEW, lex at LEGAL_REVIEW (1 of 2), lea requested changes. */
function sentBack(): NotePipeline {
  const pipeline = inStage('LEGAL_REVIEW', HIGH);
  pipeline.decide(decision(lex), now);
  pipeline.decide(decision(lea, 'request_changes'), now);
  return pipeline;
}

/** After sentBack(): revision 2 saved and submitted, TEAM_REVIEW open again. */
function resubmitted(): NotePipeline {
  const pipeline = sentBack();
  pipeline.revise({ actor: anna, facts: facts({ ...HIGH, revision: 2, contentSha256: HASH_2 }) });
  pipeline.submit(submission(anna, 2), now);
  return pipeline;
}

/** High risk, LEGAL_REVIEW open with lex's approval: one more distinct legal approval needed. */
function legalHalfway(): NotePipeline {
  const pipeline = inStage('LEGAL_REVIEW', HIGH);
  pipeline.decide(decision(lex), now);
  return pipeline;
}

/** A pipeline in each status. */
const IN: Record<NoteStatus, () => NotePipeline> = {
  DRAFT: () => draft(),
  IN_REVIEW: () => inStage('TEAM_REVIEW'),
  ACTIVE: () => active(),
  REJECTED: () => {
    const pipeline = inStage('TEAM_REVIEW');
    pipeline.decide(decision(tom, 'reject'), now);
    return pipeline;
  },
  WITHDRAWN: () => {
    const pipeline = draft();
    pipeline.withdraw(withdrawal(anna));
    return pipeline;
  },
  SUPERSEDED: () => {
    const pipeline = active();
    pipeline.supersede(randomUUID());
    return pipeline;
  },
};

const reassessing = (): NotePipeline => {
  const pipeline = active();
  pipeline.reassessedBy(randomUUID());
  return pipeline;
};

/** Each act is refused with `kind`, and the pipeline still holds the very same state object. */
function expectRefused(pipeline: NotePipeline, kind: RefusalKind, ...acts: Array<() => unknown>): void {
  const before = pipeline.state;
  const snapshot = structuredClone(before);
  for (const act of acts) {
    let thrown: unknown;
    try {
      act();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Refusal);
    expect((thrown as Refusal).kind).toBe(kind);
    expect(pipeline.state).toBe(before);
  }
  expect(pipeline.state).toEqual(snapshot);
}

describe('policy', () => {
  it('DEFAULT_POLICY holds the defaults of DOMAIN.md and the test policy is valid', () => {
    expect(Policy.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.quorum).toEqual({ default: 1, legalHighRisk: 2 });
    expect(DEFAULT_POLICY.stageDueMs).toEqual({ TEAM_REVIEW: 5 * DAY, LEGAL_REVIEW: 10 * DAY, HEAD_OF_SERVICE: 5 * DAY, MINISTER: 15 * DAY });
    expect(Policy.parse(policy)).toEqual(policy);
  });
});

describe('routing', () => {
  it.each<[RiskRating | null, CooperationForm[], boolean]>([
    ['high', ['evaluated_intelligence_exchange'], true],
    ['high', [], true],
    ['low', ['unevaluated_data_provision'], true],
    ['low', ['technical_operational_support'], true],
    ['low', ['assistance_requests'], true],
    [null, ['assistance_requests'], true],
    ['medium', ['evaluated_intelligence_exchange', 'joint_operations', 'unevaluated_data_provision'], true],
    ['medium', ['evaluated_intelligence_exchange', 'joint_operations'], false],
    ['low', ['joint_operations'], false],
    [null, [], false],
  ])('overall risk %p with forms %j → minister required: %p', (overallRisk, permittedCooperation, minister) => {
    const routed = facts({ overallRisk, ministerialForms: needsMinisterialPermission(permittedCooperation) });
    expect(requiresMinister(routed)).toBe(minister);
    expect(stagesFor(routed)).toEqual(minister ? FOUR_STAGES : THREE_STAGES);
  });

  it('revisionFacts takes the routing facts from the content', () => {
    const content = NoteContent.parse({ overallRisk: 'high', permittedCooperation: ['assistance_requests'], reviewDate: '2028-01-31' });
    expect(revisionFacts(content, 3, HASH_2, 'anna')).toEqual({
      revision: 3,
      contentSha256: HASH_2,
      authorId: 'anna',
      overallRisk: 'high',
      ministerialForms: true,
      reviewDate: '2028-01-31',
    });
  });

  it('reduces the permitted forms of a state from before the codec to the routing fact', () => {
    const { revision, contentSha256, authorId, overallRisk, reviewDate } = facts({ overallRisk: 'medium' });
    const rest = { revision, contentSha256, authorId, overallRisk, reviewDate };
    const legacy = newNoteState({ noteId: randomUUID(), partnerId: randomUUID(), drafterId: 'anna', supersedes: null, current: facts(), policy });
    const upgrade = (permittedCooperation: CooperationForm[]) => upgradeNoteState({ ...legacy, current: { ...rest, permittedCooperation } }).current;
    expect(upgrade(['assistance_requests'])).toEqual({ ...rest, ministerialForms: true });
    expect(upgrade(['joint_operations'])).toEqual({ ...rest, ministerialForms: false });
    expect(upgrade(['joint_operations'])).not.toHaveProperty('permittedCooperation');
    expect(upgradeNoteState(legacy)).toEqual(legacy);
  });

  const strict: Policy = { ...policy, quorum: { default: 3, legalHighRisk: 5 } };
  it.each<[string, Stage, RiskRating | null, number, Policy]>([
    ['1/2', 'LEGAL_REVIEW', 'high', 2, policy],
    ['1/2', 'LEGAL_REVIEW', 'medium', 1, policy],
    ['1/2', 'LEGAL_REVIEW', null, 1, policy],
    ['1/2', 'TEAM_REVIEW', 'high', 1, policy],
    ['1/2', 'HEAD_OF_SERVICE', 'high', 1, policy],
    ['1/2', 'MINISTER', 'high', 1, policy],
    ['3/5', 'LEGAL_REVIEW', 'high', 5, strict],
    ['3/5', 'LEGAL_REVIEW', 'low', 3, strict],
    ['3/5', 'MINISTER', 'high', 3, strict],
  ])('quorum %s (default/legal at high risk): %s at risk %p needs %i', (_quorum, stage, overallRisk, quorum, rules) => {
    expect(quorumFor(stage, facts({ overallRisk }), rules)).toBe(quorum);
  });
});

describe('the review cadence (SRM)', () => {
  const cadence = policy.reviewCadence!;
  it.each([
    ['high', null, cadence.high],
    ['medium', null, cadence.medium],
    ['low', null, cadence.low],
    ['low', 1, cadence.priority1MaxMs],
    ['high', 1, cadence.high],
    ['low', 2, cadence.low],
  ] as const)('reviews a %s-risk note of a partner of priority %s after its cadence', (risk, priority, period) => {
    expect(reviewPeriodOf(policy, risk, priority)).toBe(period);
  });

  it('falls back on the single review period where the policy has none (runs begun before it) or no risk is rated', () => {
    expect(reviewPeriodOf({ ...policy, reviewCadence: undefined }, 'high', 1)).toBe(policy.reviewPeriodMs);
    expect(reviewPeriodOf(policy, null, 1)).toBe(policy.reviewPeriodMs);
  });

  it('keeps the partner’s priority a submit carries, and adopts by it; a submit without one keeps what was there', () => {
    const pipeline = draft({ reviewDate: null });
    expect(pipeline.submit({ ...submission(), partnerPriority: 1 }, now)).toMatchObject({ partnerPriority: 1 });
    let adopted = pipeline.state;
    while (adopted.status === 'IN_REVIEW') {
      approveStage(pipeline, after(MINUTE));
      adopted = pipeline.state;
    }
    expect(adopted).toMatchObject({ status: 'ACTIVE', reviewDueAt: plus(after(MINUTE), cadence.priority1MaxMs) });
    expect(draft().submit(submission(), now)).not.toHaveProperty('partnerPriority');
  });
});

describe('full approval', () => {
  /** `to`: the stage open after this approval, or ACTIVE when it adopted the note. */
  interface Case {
    name: string;
    change: Partial<RevisionFacts>;
    steps: Array<[Actor, Stage | 'ACTIVE']>;
    reviewDueAt: (adoptedAt: Date) => string;
  }
  const byReviewDate = () => REVIEW_DUE.toISOString();
  /** Without a review date of its own: the cadence of its risk (these partners have no SRM priority). */
  const byCadence = (risk: 'low' | 'high') => (adoptedAt: Date) => plus(adoptedAt, policy.reviewCadence![risk]);
  const threeStages: Case['steps'] = [
    [tom, 'LEGAL_REVIEW'],
    [lex, 'HEAD_OF_SERVICE'],
    [hans, 'ACTIVE'],
  ];
  it.each<Case>([
    { name: 'low risk: the head of service decides under mandate', change: {}, steps: threeStages, reviewDueAt: byReviewDate },
    { name: 'no review date: review after the cadence of its risk', change: { reviewDate: null }, steps: threeStages, reviewDueAt: byCadence('low') },
    {
      name: 'a ministerial form: the minister decides',
      change: MINISTERIAL,
      steps: [
        [tom, 'LEGAL_REVIEW'],
        [lex, 'HEAD_OF_SERVICE'],
        [hans, 'MINISTER'],
        [mia, 'ACTIVE'],
      ],
      reviewDueAt: byReviewDate,
    },
    {
      name: 'high risk: two legal approvals, then the minister',
      change: { ...HIGH, reviewDate: null },
      steps: [
        [tom, 'LEGAL_REVIEW'],
        [lex, 'LEGAL_REVIEW'],
        [lea, 'HEAD_OF_SERVICE'],
        [hans, 'MINISTER'],
        [mia, 'ACTIVE'],
      ],
      reviewDueAt: byCadence('high'),
    },
  ])('$name', ({ change, steps, reviewDueAt }) => {
    const pipeline = draft(change);
    const submitted = pipeline.submit(submission(), now);
    expect(submitted).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW', version: 1, stageDueAt: plus(now, policy.stageDueMs.TEAM_REVIEW) });
    expect(pipeline.state).toBe(submitted);

    let openedAt = now;
    steps.forEach(([actor, to], i) => {
      const when = after((i + 1) * MINUTE);
      const before = pipeline.state;
      const request = decision(actor);
      const state = pipeline.decide(request, when);
      expect(pipeline.state).toBe(state);
      expect(state.version).toBe(before.version + 1);
      expect(state.decisions).toEqual([
        ...before.decisions,
        { decisionId: request.decisionId, actorId: actor.id, stage: before.stage, revision: 1, outcome: 'approve', contentSha256: HASH_1, at: when.toISOString() },
      ]);
      if (to === 'ACTIVE') {
        expect(state).toMatchObject({
          status: 'ACTIVE',
          stage: null,
          stageDueAt: null,
          adoptedAt: when.toISOString(),
          reviewDueAt: reviewDueAt(when),
        });
      } else {
        if (to !== before.stage) openedAt = when;
        expect(state).toMatchObject({ status: 'IN_REVIEW', stage: to, stageDueAt: plus(openedAt, policy.stageDueMs[to]), adoptedAt: null, reviewDueAt: null });
      }
    });
    expect(pipeline.state.status).toBe('ACTIVE');
    expect(pipeline.finished).toBe(false);
  });

  it('routes by the current revision: a revision that lowers the risk drops the minister and the second legal approval', () => {
    const pipeline = sentBack();
    pipeline.revise({ actor: anna, facts: facts({ revision: 2, contentSha256: HASH_2 }) });
    pipeline.submit(submission(anna, 2), now);
    const stages: Stage[] = [];
    while (pipeline.state.status === 'IN_REVIEW') {
      stages.push(pipeline.state.stage!);
      pipeline.decide(decision(REVIEWERS[pipeline.state.stage!][0]!, 'approve', 2), now);
    }
    expect(stages).toEqual(THREE_STAGES);
    expect(pipeline.state.status).toBe('ACTIVE');
  });
});

describe('quorum', () => {
  it('at high risk the first legal approval leaves LEGAL_REVIEW open and is recorded; the same person cannot approve twice', () => {
    const pipeline = inStage('LEGAL_REVIEW', HIGH);
    const before = pipeline.state;
    const first = decision(lex);
    const state = pipeline.decide(first, after(MINUTE));
    expect(state).toMatchObject({ status: 'IN_REVIEW', stage: 'LEGAL_REVIEW', stageDueAt: before.stageDueAt, version: before.version + 1 });
    expect(state.decisions).toEqual([
      ...before.decisions,
      { decisionId: first.decisionId, actorId: 'lex', stage: 'LEGAL_REVIEW', revision: 1, outcome: 'approve', contentSha256: HASH_1, at: after(MINUTE).toISOString() },
    ]);
    expect(approvalsSoFar(state)).toEqual(['lex']);

    const again = decision(lex);
    expectRefused(pipeline, 'forbidden', () => pipeline.checkDecision(again), () => pipeline.decide(again, now));

    expect(pipeline.decide(decision(lea), after(2 * MINUTE))).toMatchObject({ stage: 'HEAD_OF_SERVICE', stageDueAt: plus(after(2 * MINUTE), policy.stageDueMs.HEAD_OF_SERVICE) });
    expect(approvalsSoFar(pipeline.state)).toEqual([]);
  });

  it('a quorum above one at every stage counts distinct approvers', () => {
    const rules: Policy = { ...policy, quorum: { default: 2, legalHighRisk: 2 } };
    const pipeline = inStage('TEAM_REVIEW', {}, rules);
    pipeline.decide(decision(tom), now);
    expect(pipeline.state.stage).toBe('TEAM_REVIEW');
    pipeline.decide(decision(person('tim', 'team_lead')), now);
    expect(pipeline.state.stage).toBe('LEGAL_REVIEW');
  });
});

describe('decision refusals', () => {
  it.each<[string, () => NotePipeline, (p: NotePipeline) => DecisionRequest, RefusalKind]>([
    ['the revision’s author, though a team_lead', IN.IN_REVIEW, () => decision(anna), 'forbidden'],
    ['the revision’s author who is not the drafter', () => inStage('TEAM_REVIEW', { authorId: 'tom' }), () => decision(tom), 'forbidden'],
    ['a legal officer at TEAM_REVIEW', IN.IN_REVIEW, () => decision(lex), 'forbidden'],
    ['a team_lead at LEGAL_REVIEW', () => inStage('LEGAL_REVIEW'), () => decision(tom), 'forbidden'],
    ['the head of service at MINISTER', () => inStage('MINISTER', MINISTERIAL), () => decision(hans), 'forbidden'],
    ['an auditor', IN.IN_REVIEW, () => decision(eve), 'forbidden'],
    ['the same person twice at one stage and revision', legalHalfway, () => decision(lex), 'forbidden'],
    ['the same person changing their approval to a rejection', legalHalfway, () => decision(lex, 'reject'), 'forbidden'],
    ['a revision newer than the current one', IN.IN_REVIEW, () => decision(tom, 'approve', 2), 'conflict'],
    ['a stale revision after a newer one was submitted', resubmitted, () => decision(tom, 'approve', 1), 'conflict'],
    ['a note in DRAFT', IN.DRAFT, () => decision(tom), 'conflict'],
    ['an ACTIVE note', IN.ACTIVE, () => decision(hans), 'conflict'],
    ['a REJECTED note', IN.REJECTED, () => decision(tom), 'conflict'],
    ['a decisionId recorded already, by another person', legalHalfway, (p) => ({ ...decision(lea), decisionId: p.state.decisions.at(-1)!.decisionId }), 'conflict'],
    ['a decisionId recorded on an earlier revision', resubmitted, (p) => ({ ...decision(tom, 'approve', 2), decisionId: p.state.decisions[0]!.decisionId }), 'conflict'],
    ['a malformed decisionId', IN.IN_REVIEW, () => ({ ...decision(tom), decisionId: 'not-a-uuid' }), 'conflict'],
    ['an unknown outcome', IN.IN_REVIEW, () => decision(tom, 'endorse' as Outcome), 'conflict'],
    ['a decision meant for a stage no longer open, by its reviewer', () => inStage('LEGAL_REVIEW'), () => ({ ...decision(tom), stage: 'TEAM_REVIEW' }), 'conflict'],
    ['a decision meant for another stage, by a reviewer of the open one', () => inStage('LEGAL_REVIEW'), () => ({ ...decision(lex), stage: 'TEAM_REVIEW' }), 'conflict'],
  ])('refuses %s', (_name, make, request, kind) => {
    const pipeline = make();
    const req = request(pipeline);
    expectRefused(pipeline, kind, () => pipeline.checkDecision(req), () => pipeline.decide(req, now));
  });
});

describe('decisions naming their stage', () => {
  it('a decision naming the open stage is taken', () => {
    const pipeline = inStage('LEGAL_REVIEW');
    expect(pipeline.decide({ ...decision(lex), stage: 'LEGAL_REVIEW' }, now).stage).toBe('HEAD_OF_SERVICE');
  });
});

describe('request changes and revisions', () => {
  it('sends the note back to DRAFT; a new revision restarts review and voids earlier approvals', () => {
    const pipeline = legalHalfway();
    const before = pipeline.state;
    const back = pipeline.decide(decision(lea, 'request_changes'), after(MINUTE));
    expect(back).toMatchObject({ status: 'DRAFT', stage: null, stageDueAt: null, changesRequestedOn: 1, version: before.version + 1 });
    expect(back.decisions.at(-1)).toMatchObject({ actorId: 'lea', stage: 'LEGAL_REVIEW', outcome: 'request_changes', revision: 1 });
    expect(pipeline.finished).toBe(false);

    const second = facts({ ...HIGH, revision: 2, contentSha256: HASH_2 });
    const revised = pipeline.revise({ actor: anna, facts: second });
    expect(revised).toMatchObject({ status: 'DRAFT', current: second, version: back.version + 1 });

    const resubmittedAt = after(2 * MINUTE);
    const state = pipeline.submit(submission(anna, 2), resubmittedAt);
    expect(state).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW', stageDueAt: plus(resubmittedAt, policy.stageDueMs.TEAM_REVIEW) });
    // tom approved revision 1 at TEAM_REVIEW: that counts for nothing now, and he may decide on revision 2.
    expect(approvalsSoFar(state)).toEqual([]);
    pipeline.decide(decision(tom, 'approve', 2), now);
    expect(pipeline.state.stage).toBe('LEGAL_REVIEW');
    // lex's approval of revision 1 is void: at high risk revision 2 needs two legal approvals of its own.
    expect(approvalsSoFar(pipeline.state)).toEqual([]);
    pipeline.decide(decision(lex, 'approve', 2), now);
    expect(pipeline.state.stage).toBe('LEGAL_REVIEW');
    pipeline.decide(decision(lea, 'approve', 2), now);
    expect(pipeline.state.stage).toBe('HEAD_OF_SERVICE');
  });

  it.each<[string, () => NotePipeline, SubmitRequest, RefusalKind]>([
    ['the revision changes were requested on', sentBack, submission(anna, 1), 'conflict'],
    ['by someone other than the drafter', IN.DRAFT, submission(tom), 'forbidden'],
    ['by a head of service who is not the drafter', IN.DRAFT, submission(hans), 'forbidden'],
    ['a revision that is not the current one', IN.DRAFT, submission(anna, 2), 'conflict'],
    ['a note already in review', IN.IN_REVIEW, submission(), 'conflict'],
    ['an ACTIVE note', IN.ACTIVE, submission(), 'conflict'],
    ['a malformed request (revision 0)', IN.DRAFT, submission(anna, 0), 'conflict'],
  ])('refuses to submit %s', (_name, make, request, kind) => {
    const pipeline = make();
    expectRefused(pipeline, kind, () => pipeline.checkSubmit(request), () => pipeline.submit(request, now));
  });

  it.each<[string, () => NotePipeline, ReviseRequest, RefusalKind]>([
    ['a revision number that skips one', sentBack, { actor: anna, facts: facts({ revision: 3 }) }, 'conflict'],
    ['the current revision number again', sentBack, { actor: anna, facts: facts({ revision: 1, contentSha256: HASH_2 }) }, 'conflict'],
    ['by someone other than the drafter', sentBack, { actor: tom, facts: facts({ revision: 2, authorId: 'tom' }) }, 'forbidden'],
    ['by a head of service who is not the drafter', sentBack, { actor: hans, facts: facts({ revision: 2, authorId: 'hans' }) }, 'forbidden'],
    ['a note in review', IN.IN_REVIEW, { actor: anna, facts: facts({ revision: 2 }) }, 'conflict'],
    ['an ACTIVE note', IN.ACTIVE, { actor: anna, facts: facts({ revision: 2 }) }, 'conflict'],
    ['a WITHDRAWN note', IN.WITHDRAWN, { actor: anna, facts: facts({ revision: 2 }) }, 'conflict'],
    ['facts naming another author', sentBack, { actor: anna, facts: facts({ revision: 2, authorId: 'tom' }) }, 'conflict'],
    ['malformed facts (not a SHA-256)', sentBack, { actor: anna, facts: facts({ revision: 2, contentSha256: 'abc' }) }, 'conflict'],
  ])('refuses to revise %s', (_name, make, request, kind) => {
    const pipeline = make();
    expectRefused(pipeline, kind, () => pipeline.checkRevise(request), () => pipeline.revise(request));
  });
});

describe('reject and withdraw', () => {
  it.each<[Stage, Partial<RevisionFacts>]>([
    ['TEAM_REVIEW', {}],
    ['LEGAL_REVIEW', {}],
    ['HEAD_OF_SERVICE', {}],
    ['MINISTER', MINISTERIAL],
  ])('reject at %s → REJECTED, final', (stage, change) => {
    const pipeline = inStage(stage, change);
    const state = pipeline.decide(decision(REVIEWERS[stage][0]!, 'reject'), now);
    expect(state).toMatchObject({ status: 'REJECTED', stage: null, stageDueAt: null, adoptedAt: null });
    expect(state.decisions.at(-1)).toMatchObject({ stage, outcome: 'reject' });
    expect(isFinal(state.status)).toBe(true);
    expect(pipeline.finished).toBe(true);
  });

  it.each<[string, () => NotePipeline, Actor]>([
    ['the drafter, in DRAFT', IN.DRAFT, anna],
    ['the drafter, in review', IN.IN_REVIEW, anna],
    ['the drafter, in a later stage', () => inStage('HEAD_OF_SERVICE'), anna],
    ['a head of service who is not the drafter, in review', IN.IN_REVIEW, hans],
    ['a head of service who is not the drafter, in DRAFT', IN.DRAFT, hans],
  ])('withdraw by %s → WITHDRAWN, final', (_name, make, actor) => {
    const pipeline = make();
    const before = pipeline.state;
    const state = pipeline.withdraw(withdrawal(actor));
    expect(state).toMatchObject({ status: 'WITHDRAWN', stage: null, stageDueAt: null, version: before.version + 1 });
    expect(pipeline.finished).toBe(true);
  });

  it.each<[string, () => NotePipeline, WithdrawRequest, RefusalKind]>([
    ['a team_lead', IN.IN_REVIEW, withdrawal(tom), 'forbidden'],
    ['a legal officer', IN.IN_REVIEW, withdrawal(lex), 'forbidden'],
    ['another drafter', IN.DRAFT, withdrawal(person('dirk', 'drafter')), 'forbidden'],
    ['an auditor', IN.DRAFT, withdrawal(eve), 'forbidden'],
    ['the drafter, once ACTIVE', IN.ACTIVE, withdrawal(anna), 'conflict'],
    ['the head of service, once ACTIVE', IN.ACTIVE, withdrawal(hans), 'conflict'],
    ['the drafter, once REJECTED', IN.REJECTED, withdrawal(anna), 'conflict'],
    ['the drafter, once WITHDRAWN', IN.WITHDRAWN, withdrawal(anna), 'conflict'],
    ['the drafter with a malformed eventId', IN.DRAFT, { eventId: 'x', actor: anna }, 'conflict'],
  ])('refuses a withdrawal by %s', (_name, make, request, kind) => {
    const pipeline = make();
    expectRefused(pipeline, kind, () => pipeline.checkWithdraw(request), () => pipeline.withdraw(request));
  });
});

describe('re-assessment and supersession', () => {
  it.each<[string, Actor]>([
    ['the drafter', anna],
    ['the head of service', hans],
  ])('%s may start the re-assessment of an ACTIVE note', (_name, actor) => {
    const pipeline = IN.ACTIVE();
    const before = pipeline.state;
    expect(() => pipeline.checkReassess(reassessment(actor))).not.toThrow();
    expect(pipeline.state).toBe(before);
  });

  it.each<[string, () => NotePipeline, Actor, RefusalKind]>([
    ['a team_lead', IN.ACTIVE, tom, 'forbidden'],
    ['a legal officer', IN.ACTIVE, lex, 'forbidden'],
    ['an auditor', IN.ACTIVE, eve, 'forbidden'],
    ['the drafter, in DRAFT', IN.DRAFT, anna, 'conflict'],
    ['the drafter, in review', IN.IN_REVIEW, anna, 'conflict'],
    ['the head of service, once REJECTED', IN.REJECTED, hans, 'conflict'],
    ['the drafter, once SUPERSEDED', IN.SUPERSEDED, anna, 'conflict'],
    ['the drafter, with a re-assessment under way', reassessing, anna, 'conflict'],
    ['the head of service, with a re-assessment under way', reassessing, hans, 'conflict'],
  ])('refuses a re-assessment by %s', (_name, make, actor, kind) => {
    const pipeline = make();
    expectRefused(pipeline, kind, () => pipeline.checkReassess(reassessment(actor)));
  });

  it('reassessedBy records the new note and keeps the old one ACTIVE', () => {
    const pipeline = IN.ACTIVE();
    const before = pipeline.state;
    const newNote = randomUUID();
    expect(pipeline.reassessedBy(newNote)).toMatchObject({ status: 'ACTIVE', reassessment: newNote, version: before.version + 1 });
    expect(pipeline.finished).toBe(false);
  });

  it.each<[string, () => NotePipeline]>([
    ['an ACTIVE note', IN.ACTIVE],
    ['an ACTIVE note being re-assessed', reassessing],
  ])('supersede on %s → SUPERSEDED, final', (_name, make) => {
    const pipeline = make();
    const by = randomUUID();
    const before = pipeline.state;
    expect(pipeline.supersede(by)).toMatchObject({ status: 'SUPERSEDED', supersededBy: by, version: before.version + 1 });
    expect(pipeline.finished).toBe(true);
    expect(nextTimer(pipeline.state)).toBeUndefined();
  });

  it.each<NoteStatus>(['DRAFT', 'IN_REVIEW', 'REJECTED', 'WITHDRAWN', 'SUPERSEDED'])('refuses to supersede a note that is %s', (status) => {
    const pipeline = IN[status]();
    expectRefused(pipeline, 'conflict', () => pipeline.supersede(randomUUID()));
  });
});

describe('nextTimer', () => {
  const stageDue = after(policy.stageDueMs.TEAM_REVIEW);
  const overdue = (k: number) => new Date(stageDue.getTime() + k * policy.reminderIntervalMs);

  it.each<[number, Array<[TimerKind, number]>]>([
    [
      2,
      [
        ['remind', 0],
        ['remind', 1],
        ['escalate', 2],
        ['remind', 3],
        ['remind', 4],
      ],
    ],
    [
      0,
      [
        ['escalate', 0],
        ['remind', 1],
        ['remind', 2],
      ],
    ],
  ])('escalating after %i reminders: %j (kind, intervals past the due time)', (escalateAfterReminders, expected) => {
    const pipeline = inStage('TEAM_REVIEW', {}, { ...policy, escalateAfterReminders });
    for (const [kind, k] of expected) {
      expect(nextTimer(pipeline.state)).toEqual({ kind, at: overdue(k) });
      const version = pipeline.state.version;
      expect(pipeline.timerFired(kind, overdue(k)).version).toBe(version + 1);
    }
    expect(pipeline.state).toMatchObject({ remindersSent: expected.filter(([kind]) => kind === 'remind').length, escalated: true });
  });

  it('after an outage: one reminder, the escalation at once if its time passed meanwhile, then the interval again', () => {
    const pipeline = inStage('TEAM_REVIEW', {}, { ...policy, escalateAfterReminders: 2 });
    const back = overdue(10);
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'remind', at: overdue(0) });
    pipeline.timerFired('remind', back);
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'escalate', at: back });
    pipeline.timerFired('escalate', back);
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'remind', at: new Date(back.getTime() + policy.reminderIntervalMs) });
    expect(pipeline.state).toMatchObject({ remindersSent: 1, escalated: true, lastNudgeAt: back.toISOString() });
  });

  it('after an outage before the escalation was due: one reminder, then the interval, escalating on schedule', () => {
    const pipeline = inStage('TEAM_REVIEW', {}, { ...policy, escalateAfterReminders: 3 });
    const back = overdue(1.5);
    pipeline.timerFired('remind', back);
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'remind', at: new Date(back.getTime() + policy.reminderIntervalMs) });
  });

  it('keeps the old schedule for a run begun before the last nudge was kept', () => {
    const pipeline = inStage('TEAM_REVIEW', {}, { ...policy, escalateAfterReminders: 2 });
    pipeline.timerFired('remind', overdue(10), false);
    expect(pipeline.state.lastNudgeAt).toBeNull();
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'remind', at: overdue(1) });
  });

  it('a new stage has its own due time, reminders and escalation', () => {
    const pipeline = IN.IN_REVIEW();
    pipeline.timerFired('remind', overdue(0));
    pipeline.timerFired('remind', overdue(1));
    pipeline.timerFired('escalate', overdue(2));
    const movedAt = after(5 * HOUR);
    pipeline.decide(decision(tom), movedAt);
    expect(pipeline.state).toMatchObject({ stage: 'LEGAL_REVIEW', remindersSent: 0, escalated: false });
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'remind', at: new Date(movedAt.getTime() + policy.stageDueMs.LEGAL_REVIEW) });
  });

  it('an ACTIVE note: review_reminder ahead of the review date, then review_due on it', () => {
    const pipeline = IN.ACTIVE();
    expect(pipeline.state.reviewDueAt).toBe(REVIEW_DUE.toISOString());
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'review_reminder', at: new Date(REVIEW_DUE.getTime() - policy.reviewReminderLeadMs) });
    pipeline.timerFired('review_reminder', new Date(REVIEW_DUE.getTime() - policy.reviewReminderLeadMs));
    expect(nextTimer(pipeline.state)).toEqual({ kind: 'review_due', at: REVIEW_DUE });
  });

  it.each<[string, () => NotePipeline]>([
    ['a re-assessment started before the reminder', reassessing],
    [
      'a re-assessment started after the reminder',
      () => {
        const pipeline = IN.ACTIVE();
        pipeline.timerFired('review_reminder', after(HOUR));
        pipeline.reassessedBy(randomUUID());
        return pipeline;
      },
    ],
    ['a note sent back to DRAFT', sentBack],
    ...(['DRAFT', 'REJECTED', 'WITHDRAWN', 'SUPERSEDED'] as const).map((status): [string, () => NotePipeline] => [`a ${status} note`, IN[status]]),
  ])('none for %s', (_name, make) => {
    expect(nextTimer(make().state)).toBeUndefined();
  });
});

describe('statuses', () => {
  it.each(NOTE_STATUSES.map((status) => [status, ['REJECTED', 'WITHDRAWN', 'SUPERSEDED'].includes(status)] as const))('%s: final %p', (status, final) => {
    const pipeline = IN[status]();
    expect(pipeline.state.status).toBe(status);
    expect(isFinal(status)).toBe(final);
    expect(pipeline.finished).toBe(final);
  });
});

describe('Refusal', () => {
  it('carries its kind, message and details and is an Error', () => {
    const refusal = new Refusal('incomplete', 'missing findings', { fields: ['humanRights'] });
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal).toMatchObject({ name: 'Refusal', kind: 'incomplete', message: 'missing findings', details: { fields: ['humanRights'] } });
  });

  it('maps each kind to its HTTP status', () => {
    expect(REFUSAL_STATUS).toEqual({ forbidden: 403, not_found: 404, conflict: 409, incomplete: 422 });
  });

  it.each<[unknown, boolean]>([
    ['forbidden', true],
    ['not_found', true],
    ['conflict', true],
    ['incomplete', true],
    ['Conflict', false],
    ['', false],
    ['toString', false],
    [409, false],
    [undefined, false],
  ])('isRefusalKind(%p) → %p', (value, expected) => {
    expect(isRefusalKind(value)).toBe(expected);
  });
});
