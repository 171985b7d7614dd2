import { z } from 'zod';
import { Refusal } from './refusal';
import { ROLES, Role } from './roles';
import { line } from './text';

/**
 * People as the admin manages them (DOMAIN.md). A person is deactivated, never deleted: notes,
 * decisions and the audit trail name them for ever. Their roles here are the ones that count; a
 * token can only narrow them.
 */

/** The id of a new person, which their tokens carry as `sub`: lowercase, like `first.last`. */
export const NewPersonId = line(64).regex(/^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+$/, 'must be lowercase like first.last: letters and digits, in parts joined by . or -');

const name = line(200).trim().min(2);
/** Compared and stored in lower case, so that one mailbox cannot belong to two people. */
const email = z.email('must be an email address').max(254).toLowerCase();
/**
 * Each role once, in the order of ROLES, so that a before and an after compare as they read. (An
 * overwrite, not a transform: the type stays, and so do the body's examples in the OpenAPI document.)
 */
const roles = z
  .array(Role)
  .min(1, 'at least one role')
  .max(ROLES.length)
  .overwrite((held) => ROLES.filter((role) => held.includes(role)));

export const PersonInput = z
  .object({ id: NewPersonId, name, email, roles })
  .strict();
export type PersonInput = z.output<typeof PersonInput>;

/** What the admin may change; `active: false` deactivates (there is no deleting). */
export const PersonChange = z
  .object({ name, email, roles, active: z.boolean() })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'name at least one of name, email, roles, active');
export type PersonChange = z.output<typeof PersonChange>;

export const Person = z.object({ id: z.string(), name: z.string(), email: z.string(), roles: z.array(Role), active: z.boolean() });
export type Person = z.infer<typeof Person>;

const isActiveAdmin = (person: Person) => person.active && person.roles.includes('admin');

/**
 * Someone must be left to manage people: the last active admin keeps the admin role and stays
 * active. `activeAdmins` is how many there are before the change, this person included.
 */
export function checkAdminRemains(before: Person, after: Person, activeAdmins: number): void {
  if (isActiveAdmin(before) && !isActiveAdmin(after) && activeAdmins <= 1) {
    throw new Refusal('conflict', 'the last active admin keeps the admin role and stays active; make someone else admin first');
  }
}
