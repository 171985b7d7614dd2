import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes operators filter notes by in the Temporal UI; registered on every server we start. */
export const NoteStatusKey = defineSearchAttributeKey('NoteStatus', 'KEYWORD');
export const NoteStageKey = defineSearchAttributeKey('NoteStage', 'KEYWORD');
export const PartnerIdKey = defineSearchAttributeKey('PartnerId', 'KEYWORD');
export const OverallRiskKey = defineSearchAttributeKey('OverallRisk', 'KEYWORD');
export const StageDueTimeKey = defineSearchAttributeKey('StageDueTime', 'DATETIME');

export const SEARCH_ATTRIBUTE_KEYS = [NoteStatusKey, NoteStageKey, PartnerIdKey, OverallRiskKey, StageDueTimeKey];
