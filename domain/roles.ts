import { z } from 'zod';
import { line } from './text';

/** The roles of DOMAIN.md; a person may hold several. */
export const ROLES = ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor', 'admin', 'operator'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A person's id as tokens, links and the people table carry it. */
export const PersonId = line(200).min(1);

/** Who is acting: resolved by the API from a verified token and the people table. */
export const Actor = z.object({
  id: PersonId,
  roles: z.array(Role),
});
export type Actor = z.infer<typeof Actor>;

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** Staff who work with partner services; the operator runs the platform and reads none of its business. */
export const STAFF_ROLES: Role[] = ROLES.filter((role) => role !== 'operator');
