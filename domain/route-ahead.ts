import type { CooperationForm, NoteContent } from './note-content';
import { MINISTERIAL_FORMS, type NoteStatus, type Outcome, type Policy, quorumFor, requiresMinister, revisionFacts, type Stage, stagesFor } from './pipeline';
import { COOPERATION_FORM_NAME, listInWords, STAGE_NAME } from './wording';

/**
 * What lies ahead of a note, as its readers see it: every stage it will pass (the minister's, and
 * why or why not), the quorum of each, where it stands, and whose approvals count. Pure: the read
 * model hands in the current revision's facts and the decisions table; the rules are the pipeline's.
 */

/** A decision as the read model keeps it, with its decider's name. */
export interface DecisionFact {
  actorId: string;
  actorName: string;
  stage: Stage;
  revision: number;
  outcome: Outcome;
  decidedAt: string;
}

export type Approval = Omit<DecisionFact, 'outcome'>;
export type VoidReason = 'newer_revision' | 'changes_requested';
export type VoidedApproval = Approval & { voidedBy: VoidReason };

/**
 * Approvals of the current revision count; the others are void: those of an older revision (a new
 * revision voids every approval before it), and those of a revision on which changes were requested,
 * which may never be submitted again.
 */
export function sortApprovals(decisions: readonly DecisionFact[], currentRevision: number): { approvals: Approval[]; voidedApprovals: VoidedApproval[] } {
  const changesRequestedOn = new Set(decisions.filter((d) => d.outcome === 'request_changes').map((d) => d.revision));
  const approvals: Approval[] = [];
  const voidedApprovals: VoidedApproval[] = [];
  for (const { outcome, ...approval } of decisions) {
    if (outcome !== 'approve') continue;
    if (approval.revision < currentRevision) voidedApprovals.push({ ...approval, voidedBy: 'newer_revision' });
    else if (changesRequestedOn.has(approval.revision)) voidedApprovals.push({ ...approval, voidedBy: 'changes_requested' });
    else approvals.push(approval);
  }
  return { approvals, voidedApprovals };
}

export interface MinisterReason {
  rule: 'high_overall_risk' | 'ministerial_form';
  /** The form of cooperation that needs the minister's permission (rule `ministerial_form`). */
  form?: CooperationForm;
  /** The reason as a clause: `the overall risk is high`. */
  text: string;
}

export interface MinisterRequirement {
  required: boolean;
  /** Each rule that routes the note to the minister; empty when none does. */
  reasons: MinisterReason[];
  /** The outcome and its reasons in one sentence. */
  summary: string;
}

/** Whether the routing rule (`requiresMinister`) sends this revision to the minister, and which part of it does. */
function ministerRequirement(content: NoteContent, required: boolean): MinisterRequirement {
  const highRisk = content.overallRisk === 'high' ? ['the overall risk is high'] : [];
  const forms = MINISTERIAL_FORMS.filter((form) => content.permittedCooperation.includes(form));
  const include = (names: string[]) => `the permitted forms include ${listInWords(names)}`;
  const reasons: MinisterReason[] = [
    ...highRisk.map((text) => ({ rule: 'high_overall_risk' as const, text })),
    ...forms.map((form) => ({ rule: 'ministerial_form' as const, form, text: include([COOPERATION_FORM_NAME[form]]) })),
  ];
  // One clause for the forms together: `… include provision of unevaluated data and joint operations`.
  const clauses = [...highRisk, ...(forms.length ? [include(forms.map((form) => COOPERATION_FORM_NAME[form]))] : [])];
  const summary = required
    ? `The minister decides after the head of service: ${listInWords(clauses)}.`
    : 'The head of service decides under mandate: the overall risk is not high and no permitted form needs the minister’s permission.';
  return { required, reasons, summary };
}

/**
 * `done`: passed on the current revision; `open`: under review now; `ahead`: still to come; `ended`:
 * the approval ended (rejected, withdrawn) before the stage was passed.
 */
export type StageState = 'done' | 'open' | 'ahead' | 'ended';

export interface RouteStage {
  stage: Stage;
  name: string;
  /** Distinct approvals the stage needs. */
  quorum: number;
  state: StageState;
  /** Approvals of the current revision at this stage: those that count. */
  approvals: Approval[];
  /** Approvals at this stage that count no more. */
  voidedApprovals: VoidedApproval[];
}

/** The note as the read model holds it: its state, current revision and the approvals sorted by `sortApprovals`. */
export interface NoteFacts {
  status: NoteStatus;
  stage: Stage | null;
  revision: number;
  content: NoteContent;
  contentSha256: string;
  revisionAuthorId: string;
  approvals: readonly Approval[];
  voidedApprovals: readonly VoidedApproval[];
}

/** The route of the current revision (review restarts on it after any change) and whether, and why, it ends with the minister. */
export function aheadOf(note: NoteFacts, policy: Policy): { route: RouteStage[]; ministerRequired: MinisterRequirement } {
  const facts = revisionFacts(note.content, note.revision, note.contentSha256, note.revisionAuthorId);
  const route = stagesFor(facts);
  const open = note.stage ? route.indexOf(note.stage) : -1;
  return {
    route: route.map((stage, i) => {
      const quorum = quorumFor(stage, facts, policy);
      const approvals = note.approvals.filter((a) => a.stage === stage);
      const state = stateOf(note.status, i, open, approvals.length >= quorum);
      return { stage, name: STAGE_NAME[stage], quorum, state, approvals, voidedApprovals: note.voidedApprovals.filter((a) => a.stage === stage) };
    }),
    ministerRequired: ministerRequirement(note.content, requiresMinister(facts)),
  };
}

function stateOf(status: NoteStatus, index: number, open: number, quorumMet: boolean): StageState {
  switch (status) {
    case 'DRAFT':
      // Review starts again from the first stage, whatever an earlier revision passed.
      return 'ahead';
    case 'IN_REVIEW':
      return index < open ? 'done' : index === open ? 'open' : 'ahead';
    case 'ACTIVE':
    case 'SUPERSEDED':
      return 'done';
    case 'REJECTED':
    case 'WITHDRAWN':
      return quorumMet ? 'done' : 'ended';
  }
}
