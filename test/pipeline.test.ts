import { randomUUID } from 'node:crypto';
import { NotePipeline, isFinal, NOTE_STATUSES } from '../domain/pipeline';
import type { DecisionRequest, NoteState, NoteStatus, Outcome, SubmitRequest } from '../domain/pipeline';
import { REFUSAL_STATUS, Refusal, isRefusalKind } from '../domain/refusal';
import type { RefusalKind } from '../domain/refusal';
import type { Actor } from '../domain/roles';

const HASH = 'a'.repeat(64);
const anna: Actor = { id: 'anna', roles: ['drafter', 'team_lead'] };
const tom: Actor = { id: 'tom', roles: ['team_lead'] };
const lena: Actor = { id: 'lena', roles: ['team_lead'] };
const lex: Actor = { id: 'lex', roles: ['legal', 'drafter'] };

function draft(change: Partial<NoteState> = {}): NoteState {
  return {
    noteId: randomUUID(),
    partnerId: randomUUID(),
    drafterId: 'anna',
    status: 'DRAFT',
    stage: null,
    revision: 1,
    revisionAuthorId: 'anna',
    contentSha256: HASH,
    version: 0,
    decisions: [],
    ...change,
  };
}

const submit = (actor: Actor = anna, revision = 1): SubmitRequest => ({ actor, revision });
const decision = (outcome: Outcome, actor: Actor = tom, change: Partial<DecisionRequest> = {}): DecisionRequest => ({
  decisionId: randomUUID(),
  actor,
  outcome,
  revision: 1,
  ...change,
});

/** A pipeline whose note is in TEAM_REVIEW. */
function inReview(): NotePipeline {
  const pipeline = new NotePipeline(draft());
  pipeline.submit(submit());
  return pipeline;
}

/** A note sent back by tom (request_changes) and submitted again on the same revision. */
function resubmitted(): { pipeline: NotePipeline; first: DecisionRequest } {
  const pipeline = inReview();
  const first = decision('request_changes');
  pipeline.decide(first);
  pipeline.submit(submit());
  return { pipeline, first };
}

function refusalOf(act: () => unknown): Refusal {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    return error as Refusal;
  }
  throw new Error('expected a Refusal, but the call succeeded');
}

describe('NotePipeline.submit', () => {
  it('moves a draft submitted by its drafter to IN_REVIEW at TEAM_REVIEW and bumps the version', () => {
    const pipeline = new NotePipeline(draft());
    const state = pipeline.submit(submit());
    expect(state).toMatchObject({ status: 'IN_REVIEW', stage: 'TEAM_REVIEW', version: 1, revision: 1, decisions: [] });
    expect(pipeline.state).toBe(state);
    expect(pipeline.finished).toBe(false);
  });

  it.each<[string, () => NotePipeline, SubmitRequest, RefusalKind]>([
    ['someone other than the drafter', () => new NotePipeline(draft()), submit(tom), 'forbidden'],
    ['a revision that is not the current one', () => new NotePipeline(draft()), submit(anna, 2), 'conflict'],
    ['a note already in review', inReview, submit(), 'conflict'],
    ['an adopted note', () => new NotePipeline(draft({ status: 'ADOPTED' })), submit(), 'conflict'],
    ['a malformed request (revision 0)', () => new NotePipeline(draft()), submit(anna, 0), 'conflict'],
    ['a malformed request (no actor id)', () => new NotePipeline(draft()), submit({ id: '', roles: [] }), 'conflict'],
  ])('refuses %s without changing the state', (_name, make, request, kind) => {
    const pipeline = make();
    const before = pipeline.state;
    const snapshot = structuredClone(before);
    expect(refusalOf(() => pipeline.submit(request)).kind).toBe(kind);
    expect(refusalOf(() => pipeline.checkSubmit(request)).kind).toBe(kind);
    expect(pipeline.state).toBe(before);
    expect(pipeline.state).toEqual(snapshot);
  });
});

describe('NotePipeline.decide', () => {
  it.each<[Outcome, NoteStatus, boolean]>([
    ['approve', 'ADOPTED', true],
    ['reject', 'REJECTED', true],
    ['request_changes', 'DRAFT', false],
  ])('%s by a team_lead who is not the author → %s', (outcome, status, finished) => {
    const pipeline = inReview();
    const request = decision(outcome);
    const state = pipeline.decide(request);
    expect(state).toMatchObject({ status, stage: null, version: 2 });
    expect(state.decisions).toEqual([
      { decisionId: request.decisionId, actorId: 'tom', stage: 'TEAM_REVIEW', revision: 1, outcome, contentSha256: HASH },
    ]);
    expect(pipeline.finished).toBe(finished);
  });

  it('lets another team_lead decide after a resubmission of the same revision', () => {
    const { pipeline } = resubmitted();
    expect(pipeline.decide(decision('approve', lena)).status).toBe('ADOPTED');
    expect(pipeline.state.decisions.map((d) => [d.actorId, d.outcome])).toEqual([
      ['tom', 'request_changes'],
      ['lena', 'approve'],
    ]);
  });

  it.each<[string, () => NotePipeline, (p: NotePipeline) => DecisionRequest, RefusalKind]>([
    ['a person without the stage role', inReview, () => decision('approve', lex), 'forbidden'],
    ['the revision’s author, though a team_lead', inReview, () => decision('approve', anna), 'forbidden'],
    ['a stale revision', inReview, () => decision('approve', tom, { revision: 2 }), 'conflict'],
    ['a note in DRAFT', () => new NotePipeline(draft()), () => decision('approve'), 'conflict'],
    ['a malformed decisionId', inReview, () => decision('approve', tom, { decisionId: 'not-a-uuid' }), 'conflict'],
    ['an unknown outcome', inReview, () => decision('endorse' as Outcome), 'conflict'],
    ['the same person twice on one stage and revision', () => resubmitted().pipeline, () => decision('approve', tom), 'forbidden'],
    [
      'a decisionId recorded already',
      () => resubmitted().pipeline,
      (p) => decision('approve', lena, { decisionId: p.state.decisions[0]?.decisionId }),
      'conflict',
    ],
  ])('refuses %s without changing the state', (_name, make, request, kind) => {
    const pipeline = make();
    const before = pipeline.state;
    const snapshot = structuredClone(before);
    const req = request(pipeline);
    expect(refusalOf(() => pipeline.checkDecision(req)).kind).toBe(kind);
    expect(refusalOf(() => pipeline.decide(req)).kind).toBe(kind);
    expect(pipeline.state).toBe(before);
    expect(pipeline.state).toEqual(snapshot);
  });

  it('refuses any decision once the note is final', () => {
    const pipeline = inReview();
    pipeline.decide(decision('reject'));
    expect(refusalOf(() => pipeline.decide(decision('approve', lena))).kind).toBe('conflict');
  });
});

describe('isFinal', () => {
  it.each(NOTE_STATUSES.map((s) => [s, !['DRAFT', 'IN_REVIEW'].includes(s)] as const))('%s → %s', (status, final) => {
    expect(isFinal(status)).toBe(final);
    expect(new NotePipeline(draft({ status })).finished).toBe(final);
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
