import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { NoteState } from '../domain/pipeline';
import { approvalsSoFar, quorumFor } from '../domain/pipeline-rules';
import { NoteStageKey, NoteStatusKey, OverallRiskKey, PartnerIdKey, StageDueTimeKey } from './search-attributes';

/**
 * What operators see of a note in the Temporal UI, kept current on every transition: search attributes
 * and the current details (where the note stands, and whether its stage is overdue). No content.
 */
export function showToOperators(state: NoteState): void {
  upsertSearchAttributes([
    { key: NoteStatusKey, value: state.status },
    { key: NoteStageKey, value: state.stage },
    { key: PartnerIdKey, value: state.partnerId },
    { key: OverallRiskKey, value: state.current.overallRisk ?? 'unrated' },
    { key: StageDueTimeKey, value: state.stageDueAt ? new Date(state.stageDueAt) : null },
  ]);
  setCurrentDetails(`${state.status}${stageProgress(state)}, revision ${state.current.revision}`);
}

/** The open stage: approvals against its quorum, its due time, and once that has passed, how far its nudges have gone. */
function stageProgress(state: NoteState): string {
  if (!state.stage || !state.stageDueAt) return '';
  // Workflow time: the details are set on each transition, and the stage's first reminder is one, at its due time.
  const overdue = Date.now() >= Date.parse(state.stageDueAt);
  const reminders = `${state.remindersSent} reminder${state.remindersSent === 1 ? '' : 's'} sent`;
  const lateness = overdue ? ['overdue', reminders, ...(state.escalated ? ['escalated'] : [])] : [];
  const approvals = `${approvalsSoFar(state).length}/${quorumFor(state.stage, state.current, state.policy)} approvals`;
  return ` at ${state.stage} (${[approvals, `due ${state.stageDueAt}`, ...lateness].join(', ')})`;
}
