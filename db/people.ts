import type { Person } from '../domain/people';
import type { Role } from '../domain/roles';
import type { Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

export type { Person };

const COLUMNS = 'id, name, email, roles, active';

export async function findActivePerson(sql: Sql, id: string): Promise<Person | undefined> {
  const [person] = await sql<Person[]>`select ${sql.unsafe(COLUMNS)} from people where id = ${id} and active`;
  return person;
}

/** A person whether active or not. */
export async function findPerson(sql: Tx, id: string): Promise<Person | undefined> {
  const [person] = await sql<Person[]>`select ${sql.unsafe(COLUMNS)} from people where id = ${id}`;
  return person;
}

export async function findPersonByEmail(sql: Tx, email: string): Promise<Person | undefined> {
  const [person] = await sql<Person[]>`select ${sql.unsafe(COLUMNS)} from people where email = ${email}`;
  return person;
}

export interface PeopleFilter extends PageRequest {
  role?: Role;
  active?: boolean;
}

/** A page of people by id, and how many match in all. */
export function listPeople(sql: Sql, { role, active, ...page }: PeopleFilter): Promise<PageOf<Person>> {
  return pageOf<Person>(
    sql,
    {
      select: sql.unsafe(COLUMNS),
      from: () => sql`from people where true ${role ? sql`and ${role} = any(roles)` : sql``} ${active === undefined ? sql`` : sql`and active = ${active}`}`,
      orderBy: sql`order by id`,
    },
    page,
  );
}

/** Everyone, active or not, by name: to choose a person from, and to name people by their ids. */
export function peopleByName(sql: Sql): Promise<Pick<Person, 'id' | 'name' | 'active'>[]> {
  return sql<Pick<Person, 'id' | 'name' | 'active'>[]>`select id, name, active from people order by name, id`;
}

/**
 * Changes to people queue here until their transaction ends, so that each sees the admins the one
 * before it left: two admins demoting each other at once cannot both pass as "not the last".
 */
export async function lockPeople(tx: Tx): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext('people'))`;
}

export async function countActiveAdmins(tx: Tx): Promise<number> {
  const [row] = await tx<{ n: number }[]>`select count(*)::int as n from people where active and 'admin' = any(roles)`;
  return row!.n;
}

export async function insertPerson(tx: Tx, { id, name, email, roles, active }: Person): Promise<void> {
  await tx`insert into people (id, name, email, roles, active) values (${id}, ${name}, ${email}, ${roles}, ${active})`;
}

export async function updatePerson(tx: Tx, { id, name, email, roles, active }: Person): Promise<void> {
  await tx`update people set name = ${name}, email = ${email}, roles = ${roles}, active = ${active} where id = ${id}`;
}

/** Inserts or refreshes a person by id (used by the dev seed). */
export async function upsertPerson(sql: Sql, person: Person): Promise<void> {
  await sql`
    insert into people (id, name, email, roles, active)
    values (${person.id}, ${person.name}, ${person.email}, ${person.roles}, ${person.active})
    on conflict (id) do update set name = excluded.name, email = excluded.email, roles = excluded.roles, active = excluded.active`;
}
