import type { Stage } from './pipeline';

/** How the product names things to people, in pages and mail alike. */

/** The reference a person can quote (mail, page titles): stable, short, and telling nothing about the partner. */
export const noteRef = (noteId: string) => `WN-${noteId.slice(0, 8).toUpperCase()}`;

export const STAGE_NAME: Record<Stage, string> = {
  TEAM_REVIEW: 'Team review',
  LEGAL_REVIEW: 'Legal review',
  HEAD_OF_SERVICE: 'Head of service',
  MINISTER: 'Minister',
};

/** A moment to the minute, in UTC, as people read it: `2026-11-28 05:10 UTC`. */
export const utcMinute = (at: string | Date) => `${(typeof at === 'string' ? at : at.toISOString()).slice(0, 16).replace('T', ' ')} UTC`;
