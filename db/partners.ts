import postgres from 'postgres';
import { inKindOrder, type Partner, type PartnerInput, type Relationship, type SrmPriorityEntry } from '../domain/partner';
import type { InTransaction, Sql, Tx } from './client';
import { type PageOf, pageOf, type PageRequest } from './page';

type PartnerRow = Omit<Partner, 'createdAt'> & { createdAt: Date };

/** The partner's SRM priority, as a column of a query over `partners p`: its newest setting, null before any (migration 009). */
export const CURRENT_SRM_PRIORITY = '(select h.priority from srm_priority_history h where h.partner_id = p.id order by h.seq desc limit 1)';
/** The partner's relationships, as a column of a query over `partners p`: a JSON array (put in kind order by `inKindOrder`). */
export const RELATIONSHIPS_OF_PARTNER = `coalesce((select json_agg(json_build_object('kind', r.kind, 'since', r.since)) from partner_relationships r where r.partner_id = p.id), '[]'::json)`;

const COLUMNS = `p.id, p.name, p.country, p.kind, ${RELATIONSHIPS_OF_PARTNER} as relationships, ${CURRENT_SRM_PRIORITY} as srm_priority, p.created_at`;

const toPartner = ({ createdAt, relationships, ...rest }: PartnerRow): Partner => ({ ...rest, relationships: inKindOrder(relationships), createdAt: createdAt.toISOString() });

async function replaceRelationships(tx: Tx, partnerId: string, relationships: readonly Relationship[]): Promise<void> {
  await tx`delete from partner_relationships where partner_id = ${partnerId}`;
  for (const { kind, since } of relationships) await tx`insert into partner_relationships (partner_id, kind, since) values (${partnerId}, ${kind}, ${since})`;
}

/** Inserts a partner with its relationships and no SRM priority; returns undefined when one with the same name and country exists. */
export async function insertPartner(tx: InTransaction, id: string, input: PartnerInput, createdBy: string): Promise<Partner | undefined> {
  const [row] = await tx<{ createdAt: Date }[]>`
    insert into partners (id, name, country, kind, created_by)
    values (${id}, ${input.name}, ${input.country}, ${input.kind}, ${createdBy})
    on conflict (name, country) do nothing
    returning created_at`;
  if (!row) return undefined;
  const relationships = inKindOrder(input.relationships);
  await replaceRelationships(tx, id, relationships);
  return { id, name: input.name, country: input.country, kind: input.kind, relationships, srmPriority: null, createdAt: row.createdAt.toISOString() };
}

/** Whether an insert or update failed because another partner has the name and country. */
export const isNameTaken = (error: unknown) => error instanceof postgres.PostgresError && error.code === '23505' && error.constraint_name === 'partners_name_country_key';

/** Partners by SRM priority (those without one last), then name. */
export async function listPartners(sql: Sql, page: PageRequest): Promise<PageOf<Partner>> {
  const partners = await pageOf<PartnerRow>(
    sql,
    { select: sql.unsafe(COLUMNS), from: () => sql`from partners p`, orderBy: sql`order by srm_priority nulls last, p.name, p.id` },
    page,
  );
  return { ...partners, items: partners.items.map(toPartner) };
}

async function partnerById(sql: Tx, id: string, lock: boolean): Promise<Partner | undefined> {
  const [row] = await sql<PartnerRow[]>`select ${sql.unsafe(COLUMNS)} from partners p where p.id = ${id} ${lock ? sql`for update of p` : sql``}`;
  return row && toPartner(row);
}

export const findPartner = (sql: Sql, id: string) => partnerById(sql, id, false);

/** The partner, held until the transaction ends, so that a change and its record see the same before. */
export const lockPartner = (tx: InTransaction, id: string) => partnerById(tx, id, true);

/** Changes a partner; fails with PostgreSQL's unique violation (`isNameTaken`) when another has the name and country. */
export async function updatePartner(tx: InTransaction, id: string, { name, country, kind, relationships }: PartnerInput): Promise<void> {
  await tx`update partners set name = ${name}, country = ${country}, kind = ${kind} where id = ${id}`;
  await replaceRelationships(tx, id, relationships);
}

type EntryRow = Omit<SrmPriorityEntry, 'setAt'> & { setAt: Date };
const toEntry = ({ setAt, ...rest }: EntryRow): SrmPriorityEntry => ({ ...rest, setAt: setAt.toISOString() });

const ENTRY_COLUMNS = 'h.id, h.partner_id, h.priority, h.previous, h.justification, h.set_by, s.name as set_by_name, h.set_at';

/** A new setting of a partner's SRM priority, which becomes its priority (the caller holds the partner, `lockPartner`). */
export async function insertSrmPriority(tx: InTransaction, entry: Pick<SrmPriorityEntry, 'id' | 'partnerId' | 'priority' | 'previous' | 'justification' | 'setBy'>): Promise<SrmPriorityEntry> {
  const [row] = await tx<EntryRow[]>`
    with h as (
      insert into srm_priority_history (id, partner_id, priority, previous, justification, set_by)
      values (${entry.id}, ${entry.partnerId}, ${entry.priority}, ${entry.previous}, ${entry.justification}, ${entry.setBy})
      returning *)
    select ${tx.unsafe(ENTRY_COLUMNS)} from h left join people s on s.id = h.set_by`;
  return toEntry(row!);
}

/** Every setting of a partner's SRM priority, newest first. */
export async function srmPriorityHistory(sql: Sql, partnerId: string, page: PageRequest): Promise<PageOf<SrmPriorityEntry>> {
  const history = await pageOf<EntryRow>(
    sql,
    {
      select: sql.unsafe(ENTRY_COLUMNS),
      from: () => sql`from srm_priority_history h left join people s on s.id = h.set_by where h.partner_id = ${partnerId}`,
      orderBy: sql`order by h.seq desc`,
    },
    page,
  );
  return { ...history, items: history.items.map(toEntry) };
}

/** The partner's newest setting, if any. */
export async function currentSrmPriority(sql: Tx, partnerId: string): Promise<SrmPriorityEntry | undefined> {
  const [row] = await sql<EntryRow[]>`
    select ${sql.unsafe(ENTRY_COLUMNS)} from srm_priority_history h left join people s on s.id = h.set_by
    where h.partner_id = ${partnerId} order by h.seq desc limit 1`;
  return row && toEntry(row);
}
