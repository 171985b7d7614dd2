import postgres from 'postgres';
import type { Partner, PartnerInput } from '../domain/partner';
import type { InTransaction, Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

type PartnerRow = Omit<Partner, 'createdAt'> & { createdAt: Date };

const COLUMNS = 'id, name, country, kind, relationship, srm_priority, created_at';

const toPartner = ({ createdAt, ...rest }: PartnerRow): Partner => ({ ...rest, createdAt: createdAt.toISOString() });

/** Inserts a partner; returns undefined when one with the same name and country exists. */
export async function insertPartner(sql: Tx, id: string, input: PartnerInput, createdBy: string): Promise<Partner | undefined> {
  const [row] = await sql<PartnerRow[]>`
    insert into partners (id, name, country, kind, relationship, srm_priority, created_by)
    values (${id}, ${input.name}, ${input.country}, ${input.kind}, ${input.relationship}, ${input.srmPriority}, ${createdBy})
    on conflict (name, country) do nothing
    returning ${sql.unsafe(COLUMNS)}`;
  return row && toPartner(row);
}

/** Whether an insert or update failed because another partner has the name and country. */
export const isNameTaken = (error: unknown) => error instanceof postgres.PostgresError && error.code === '23505' && error.constraint_name === 'partners_name_country_key';

/** Partners by SRM priority, then name. */
export async function listPartners(sql: Sql, page: PageRequest): Promise<PageOf<Partner>> {
  const partners = await pageOf<PartnerRow>(
    sql,
    { select: sql.unsafe(COLUMNS), from: () => sql`from partners`, orderBy: sql`order by srm_priority, name, id` },
    page,
  );
  return { ...partners, items: partners.items.map(toPartner) };
}

async function partnerById(sql: Tx, id: string, lock: boolean): Promise<Partner | undefined> {
  const [row] = await sql<PartnerRow[]>`select ${sql.unsafe(COLUMNS)} from partners where id = ${id} ${lock ? sql`for update` : sql``}`;
  return row && toPartner(row);
}

export const findPartner = (sql: Sql, id: string) => partnerById(sql, id, false);

/** The partner, held until the transaction ends, so that a change and its record see the same before. */
export const lockPartner = (tx: InTransaction, id: string) => partnerById(tx, id, true);

/** Changes a partner; fails with PostgreSQL's unique violation (`isNameTaken`) when another has the name and country. */
export async function updatePartner(tx: Tx, id: string, { name, country, kind, relationship, srmPriority }: PartnerInput): Promise<void> {
  await tx`update partners set name = ${name}, country = ${country}, kind = ${kind}, relationship = ${relationship}, srm_priority = ${srmPriority} where id = ${id}`;
}
