import { z } from 'zod';
import { ROLES } from './role-rules';
import { line } from './text';

export * from './role-rules';

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
