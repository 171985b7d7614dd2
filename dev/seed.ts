import type { Sql } from '../db/client';
import { insertPartner } from '../db/partners';
import { upsertPerson } from '../db/people';
import { SEED_PARTNERS, SEED_PEOPLE } from './seed-data';

const SEEDED_BY = 'joke.hendriks';

/** Idempotent: run it on every start; people are refreshed, partners inserted once. */
export async function seed(sql: Sql): Promise<void> {
  for (const person of SEED_PEOPLE) await upsertPerson(sql, person);
  for (const { id, ...partner } of SEED_PARTNERS) await insertPartner(sql, id, partner, SEEDED_BY);
}
