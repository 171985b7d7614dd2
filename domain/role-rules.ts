import type { Actor } from './roles';

/**
 * The roles and whether someone holds one, without their schemas (`roles`): workflows run these, and
 * a workflow's modules are evaluated anew for every execution (see `parse-or-refuse`).
 */

/** The roles of DOMAIN.md; a person may hold several. */
export const ROLES = ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor', 'admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** Staff who work with partner services; the operator runs the platform and reads none of its business. */
export const STAFF_ROLES: Role[] = ROLES.filter((role) => role !== 'operator');
