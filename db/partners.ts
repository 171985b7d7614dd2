import type { Partner, PartnerInput } from '../domain/partner';
import type { Sql, Tx } from './client';

type PartnerRow = Omit<Partner, 'createdAt'> & { createdAt: Date };

const toPartner = ({ createdAt, ...rest }: PartnerRow): Partner => ({ ...rest, createdAt: createdAt.toISOString() });

/** Inserts a partner; returns undefined when one with the same name and country exists. */
export async function insertPartner(sql: Tx, id: string, input: PartnerInput, createdBy: string): Promise<Partner | undefined> {
  const [row] = await sql<PartnerRow[]>`
    insert into partners (id, name, country, kind, relationship, srm_priority, created_by)
    values (${id}, ${input.name}, ${input.country}, ${input.kind}, ${input.relationship}, ${input.srmPriority}, ${createdBy})
    on conflict (name, country) do nothing
    returning id, name, country, kind, relationship, srm_priority, created_at`;
  return row && toPartner(row);
}

export async function listPartners(sql: Sql): Promise<Partner[]> {
  const rows = await sql<PartnerRow[]>`
    select id, name, country, kind, relationship, srm_priority, created_at from partners order by srm_priority, name`;
  return rows.map(toPartner);
}

export async function findPartner(sql: Sql, id: string): Promise<Partner | undefined> {
  const [row] = await sql<PartnerRow[]>`
    select id, name, country, kind, relationship, srm_priority, created_at from partners where id = ${id}`;
  return row && toPartner(row);
}
