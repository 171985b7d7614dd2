import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes operators filter notes by in the Temporal UI; registered on every server we start. */
export const NoteStatusKey = defineSearchAttributeKey('NoteStatus', 'KEYWORD');
/** The open review stage; absent while none is open (a draft, an adopted note, one that ended): a stage or nothing, never a status. */
export const NoteStageKey = defineSearchAttributeKey('NoteStage', 'KEYWORD');
export const PartnerIdKey = defineSearchAttributeKey('PartnerId', 'KEYWORD');
export const OverallRiskKey = defineSearchAttributeKey('OverallRisk', 'KEYWORD');
export const StageDueTimeKey = defineSearchAttributeKey('StageDueTime', 'DATETIME');

export const SEARCH_ATTRIBUTE_KEYS = [NoteStatusKey, NoteStageKey, PartnerIdKey, OverallRiskKey, StageDueTimeKey];
