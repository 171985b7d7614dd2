import { CONDITION_ACTION_NAME } from './conditions';
import { CONSENT_ACTION_NAME } from './consent-story';
import type { StoryAction } from './note-story';

/**
 * The kinds of entry in the audit trail, as the auditor reads them. The note's story (its transitions,
 * written by the workflow's activities) is typed, so that a new transition cannot go unnamed here; the
 * rest are the API's own records of reads, refusals and changes to partners and people.
 */
type ApiAction =
  | 'note.content_read'
  | 'note.access_refused'
  | 'partner.created'
  | 'partner.updated'
  | 'partner.read'
  | 'partner.list_read'
  | 'partner.srm_priority_set'
  | 'portfolio.read'
  | 'dossier.exported'
  | 'person.created'
  | 'person.updated'
  | 'staff.signed_in'
  | 'staff.signed_out';
export type AuditAction = StoryAction | ApiAction | keyof typeof CONSENT_ACTION_NAME | keyof typeof CONDITION_ACTION_NAME;

export const AUDIT_ACTION_NAME: Record<AuditAction, string> = {
  ...CONSENT_ACTION_NAME,
  ...CONDITION_ACTION_NAME,
  'note.created': 'Note created',
  'note.revised': 'New revision saved',
  'note.submitted': 'Submitted for review',
  'note.decided': 'Decision taken',
  'note.withdrawn': 'Note withdrawn',
  'note.reminder_sent': 'Reminder sent',
  'note.escalated': 'Stage escalated',
  'note.review_reminder_sent': 'Review date reminder sent',
  'note.reassessment_started': 'Re-assessment started',
  'note.reassessment_ended': 'Re-assessment ended',
  'note.superseded': 'Note superseded',
  'note.mail_failed': 'Mail not delivered',
  'note.content_read': 'Note content read',
  'note.access_refused': 'Access to a note refused',
  'partner.created': 'Partner registered',
  'partner.updated': 'Partner changed',
  'partner.read': 'Partner read',
  'partner.list_read': 'Partner list read',
  'partner.srm_priority_set': 'SRM priority set',
  'portfolio.read': 'Portfolio read',
  'dossier.exported': 'Dossier for oversight exported',
  'person.created': 'Person added',
  'person.updated': 'Person changed',
  'staff.signed_in': 'Signed in to the staff pages',
  'staff.signed_out': 'Signed out of the staff pages',
};

/** An action in words; one this list does not know yet by its parts (`note.something_new` → `note: something new`). */
export const auditActionName = (action: string) => AUDIT_ACTION_NAME[action as AuditAction] ?? action.replace('.', ': ').replaceAll('_', ' ');

/** How an action filter must look: `area.what`, lowercase. */
export const AUDIT_ACTION_PATTERN = /^[a-z]+\.[a-z_]+$/;
