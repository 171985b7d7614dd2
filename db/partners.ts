import type { Partner, PartnerInput } from '../domain/partner';
import type { Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

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

/** Partners by SRM priority, then name. */
export async function listPartners(sql: Sql, page: PageRequest): Promise<PageOf<Partner>> {
  const partners = await pageOf<PartnerRow>(
    sql,
    { select: sql`id, name, country, kind, relationship, srm_priority, created_at`, from: () => sql`from partners`, orderBy: sql`order by srm_priority, name, id` },
    page,
  );
  return { ...partners, items: partners.items.map(toPartner) };
}

export async function findPartner(sql: Sql, id: string): Promise<Partner | undefined> {
  const [row] = await sql<PartnerRow[]>`
    select id, name, country, kind, relationship, srm_priority, created_at from partners where id = ${id}`;
  return row && toPartner(row);
}
