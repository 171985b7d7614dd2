import { z } from 'zod';
import { type AuditFilter, listAudit, verifyAudit } from '../db/audit';
import type { Sql } from '../db/client';
import { AUDIT_ACTION_PATTERN } from '../domain/audit-actions';
import { type Actor, hasRole, PersonId } from '../domain/roles';
import { line } from '../domain/text';
import { requireRole } from './auth';
import { Page } from './schemas';

const DAY_MS = 86_400_000;
/** A UTC day within what PostgreSQL's timestamps hold, the day after it included. */
const Day = z.iso.date().refine((day) => day >= '1970-01-01' && day <= '9999-12-30', 'must lie between 1970-01-01 and 9999-12-30');

/**
 * Filters of the audit trail, as the API's query and the auditor's page take them. Days are UTC days,
 * both ends included; every filter narrows, in SQL.
 */
export const AuditQuery = Page.extend({
  noteId: z.uuid().optional().describe('Entries about this note'),
  noteRef: line(20)
    .regex(/^WN-[0-9A-Fa-f]{8}$/, 'must be a note’s reference, like WN-1A2B3C4D')
    .optional()
    .describe('Entries about the note with this reference (`WN-1A2B3C4D`, as mail and pages show it)'),
  actorId: PersonId.optional().describe('Entries of what this person did'),
  action: line(100).regex(AUDIT_ACTION_PATTERN, 'must be an action like note.decided').optional().describe('Entries of one kind, e.g. `note.decided`, `partner.updated`'),
  from: Day.optional().describe('Entries from this day on (UTC), e.g. `2026-11-01`'),
  to: Day.optional().describe('Entries up to and including this day (UTC)'),
})
  .strict()
  .refine(({ from, to }) => !from || !to || from <= to, { path: ['to'], message: 'must not lie before `from`' });
export type AuditQuery = z.output<typeof AuditQuery>;

/** The query as the trail's filter: a reference as the range of ids it stands for, days as moments. */
const filterOf = ({ noteRef, from, to, ...rest }: AuditQuery): AuditFilter => ({
  ...rest,
  noteIdPrefix: noteRef?.slice(3).toLowerCase(),
  from: from ? new Date(`${from}T00:00:00Z`) : undefined,
  before: to ? new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS) : undefined,
});

/** The audit trail, the auditor's alone (DOMAIN.md: oversight reads everything, changes nothing). */
export function auditService({ sql }: { sql: Sql }) {
  return {
    mayRead: (actor: Actor) => hasRole(actor, 'auditor'),

    trail(actor: Actor, query: AuditQuery, order: { newestFirst?: boolean } = {}) {
      requireRole(actor, 'auditor');
      return listAudit(sql, { ...filterOf(query), ...order });
    },

    /** Whether the trail is whole and unaltered, and the first broken link if not. */
    verify(actor: Actor) {
      requireRole(actor, 'auditor');
      return verifyAudit(sql);
    },
  };
}
