import { z } from 'zod';

/** The roles of DOMAIN.md; a person may hold several. */
export const ROLES = ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who is acting: resolved by the API from a verified token and the people table. */
export const Actor = z.object({
  id: z.string().min(1),
  roles: z.array(Role),
});
export type Actor = z.infer<typeof Actor>;

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** Who may read notes: the roles of the pipeline and the auditor (an admin manages, but reads no notes). */
export const NOTE_READER_ROLES: Role[] = ['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor'];
