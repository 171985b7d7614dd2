import type { Role } from '../domain/roles';
import type { Sql } from './client';

export interface Person {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  active: boolean;
}

export async function findActivePerson(sql: Sql, id: string): Promise<Person | undefined> {
  const [person] = await sql<Person[]>`select id, name, email, roles, active from people where id = ${id} and active`;
  return person;
}

/** Inserts or refreshes a person by id (used by the dev seed). */
export async function upsertPerson(sql: Sql, person: Person): Promise<void> {
  await sql`
    insert into people (id, name, email, roles, active)
    values (${person.id}, ${person.name}, ${person.email}, ${person.roles}, ${person.active})
    on conflict (id) do update set name = excluded.name, email = excluded.email, roles = excluded.roles, active = excluded.active`;
}
