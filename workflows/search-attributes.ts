import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes operators filter notes by in the Temporal UI; registered on every server we start. */
export const NoteStatusKey = defineSearchAttributeKey('NoteStatus', 'KEYWORD');
/** The open review stage; absent while none is open (a draft, an adopted note, one that ended): a stage or nothing, never a status. */
export const NoteStageKey = defineSearchAttributeKey('NoteStage', 'KEYWORD');
/** A note's partner; a consent request's originating partner. */
export const PartnerIdKey = defineSearchAttributeKey('PartnerId', 'KEYWORD');
export const OverallRiskKey = defineSearchAttributeKey('OverallRisk', 'KEYWORD');
/** The open review stage's due time, of a note or a consent request. */
export const StageDueTimeKey = defineSearchAttributeKey('StageDueTime', 'DATETIME');

/** A consent request's status (`REQUESTED`, `LAPSED`, …) and its open review stage, absent while none is open. */
export const ConsentStatusKey = defineSearchAttributeKey('ConsentStatus', 'KEYWORD');
export const ConsentStageKey = defineSearchAttributeKey('ConsentStage', 'KEYWORD');

/** What a note's execution carries. */
export const NOTE_SEARCH_ATTRIBUTE_KEYS = [NoteStatusKey, NoteStageKey, PartnerIdKey, OverallRiskKey, StageDueTimeKey];
/** What a consent request's execution carries. */
export const CONSENT_SEARCH_ATTRIBUTE_KEYS = [ConsentStatusKey, ConsentStageKey, PartnerIdKey, StageDueTimeKey];

/** Every key the product uses, each once: what a server must have registered. */
export const SEARCH_ATTRIBUTE_KEYS = [...new Set([...NOTE_SEARCH_ATTRIBUTE_KEYS, ...CONSENT_SEARCH_ATTRIBUTE_KEYS])];
