import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import { insertPartner, insertSrmPriority } from '../db/partners';
import { upsertPerson } from '../db/people';
import { SEED_PARTNERS, SEED_PEOPLE } from './seed-data';

const SEEDED_BY = 'joke.hendriks';
/** The seeded head of service, who sets SRM priorities. */
const PRIORITIES_SET_BY = 'gert.mulder';

/** Idempotent: run it on every start; people are refreshed, partners inserted once, each with its priority. */
export async function seed(sql: Sql): Promise<void> {
  for (const person of SEED_PEOPLE) await upsertPerson(sql, person);
  for (const { id, srmPriority, ...partner } of SEED_PARTNERS) {
    await sql.begin(async (tx) => {
      if (!(await insertPartner(tx, id, partner, SEEDED_BY))) return;
      await insertSrmPriority(tx, { id: randomUUID(), partnerId: id, ...srmPriority, previous: null, setBy: PRIORITIES_SET_BY });
    });
  }
}
