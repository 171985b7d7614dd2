import type postgres from 'postgres';
import type { Sql } from './client';

export interface PageRequest {
  limit: number;
  offset: number;
}

/** Every list's answer: a page of `items` and `total`, the count of all that match. */
export interface PageOf<T> {
  items: T[];
  total: number;
}

/**
 * One page of the rows `from` names, and the count of all of them. Counted apart from the page: a
 * count over the page's own rows says nothing when the page lies past the last match. `from` is
 * called once per query, since a fragment belongs to the query it is built into.
 */
export async function pageOf<T extends object>(sql: Sql, q: { select: postgres.Fragment; from: () => postgres.Fragment; orderBy: postgres.Fragment }, page: PageRequest): Promise<PageOf<T>> {
  const [items, [counted]] = await Promise.all([
    sql<T[]>`select ${q.select} ${q.from()} ${q.orderBy} limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total ${q.from()}`,
  ]);
  return { items: [...items], total: counted!.total };
}
