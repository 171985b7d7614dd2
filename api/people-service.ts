import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../db/audit';
import type { Sql, Tx } from '../db/client';
import { countActiveAdmins, findPerson, findPersonByEmail, insertPerson, listPeople, lockPeople, type PeopleFilter, updatePerson } from '../db/people';
import { checkAdminRemains, type Person, type PersonChange, type PersonInput } from '../domain/people';
import { Refusal } from '../domain/refusal';
import { type Actor, hasRole, Role } from '../domain/roles';
import { requireRole } from './auth';
import { ApiError } from './errors';
import { Page } from './schemas';

/** Filters of the list of people, as the API's query and the people page take them. */
export const PeopleQuery = Page.extend({
  role: Role.optional().describe('People who hold this role'),
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Active people only (`true`), or deactivated ones (`false`)'),
}).strict();

/** What the trail keeps of a person before and after a change: who they are and may be, no note content. */
const onRecord = ({ name, email, roles, active }: Person) => ({ name, email, roles, active });

/** An email names one person: the table holds it unique. */
async function refuseEmailInUse(tx: Tx, email: string, personId: string): Promise<void> {
  const holder = await findPersonByEmail(tx, email);
  if (holder && holder.id !== personId) throw new ApiError(409, `the email ${email} belongs to ${holder.id}`, { field: 'email' });
}

/** The last active admin's refusal, beside what would have removed them: their roles, or their being active. */
function refuseLastAdmin(before: Person, after: Person, activeAdmins: number): void {
  try {
    checkAdminRemains(before, after, activeAdmins);
  } catch (error) {
    if (error instanceof Refusal) throw new ApiError(409, error.message, { field: after.active ? 'roles' : 'active' });
    throw error;
  }
}

/**
 * People and their roles, the admin's alone (DOMAIN.md), for the JSON API and the staff pages alike.
 * Every change is on the trail with the person before and after, in the transaction that makes it;
 * reads are not, people not being note content. Changes queue behind each other (`lockPeople`), so
 * that each sees the admins the one before it left.
 */
export function peopleService({ sql }: { sql: Sql }) {
  return {
    mayManage: (actor: Actor) => hasRole(actor, 'admin'),

    list(actor: Actor, filter: PeopleFilter) {
      requireRole(actor, 'admin');
      return listPeople(sql, filter);
    },

    async show(actor: Actor, id: string): Promise<Person> {
      requireRole(actor, 'admin');
      const person = await findPerson(sql, id);
      if (!person) throw new ApiError(404, 'no such person');
      return person;
    },

    /** A new person, active. */
    async create(actor: Actor, input: PersonInput): Promise<Person> {
      requireRole(actor, 'admin');
      const person: Person = { ...input, active: true };
      await sql.begin(async (tx) => {
        await lockPeople(tx);
        if (await findPerson(tx, person.id)) throw new ApiError(409, `a person with the id ${person.id} exists`, { field: 'id' });
        await refuseEmailInUse(tx, person.email, person.id);
        await insertPerson(tx, person);
        const details = { personId: person.id, before: null, after: onRecord(person) };
        await appendAudit(tx, { eventKey: `person/${person.id}/created`, at: new Date(), actorId: actor.id, action: 'person.created', noteId: null, details });
      });
      return person;
    },

    /** Changes what the change names; setting what is so already changes nothing and is not on the record. */
    async update(actor: Actor, id: string, change: PersonChange): Promise<{ person: Person; changed: boolean }> {
      requireRole(actor, 'admin');
      return sql.begin(async (tx) => {
        await lockPeople(tx);
        const before = await findPerson(tx, id);
        if (!before) throw new ApiError(404, 'no such person');
        const after: Person = { ...before, ...change };
        if (JSON.stringify(onRecord(after)) === JSON.stringify(onRecord(before))) return { person: before, changed: false };
        refuseLastAdmin(before, after, await countActiveAdmins(tx));
        if (change.email) await refuseEmailInUse(tx, change.email, before.id);
        await updatePerson(tx, after);
        const details = { personId: before.id, before: onRecord(before), after: onRecord(after) };
        await appendAudit(tx, { eventKey: `person/${before.id}/updated/${randomUUID()}`, at: new Date(), actorId: actor.id, action: 'person.updated', noteId: null, details });
        return { person: after, changed: true };
      });
    },
  };
}
export type PeopleService = ReturnType<typeof peopleService>;
