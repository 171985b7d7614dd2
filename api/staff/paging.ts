import type { PageOf, PageRequest } from '../../db/page';

/** Where a list page stands in the whole list, and the links to the pages before and after it. */
export interface Pager {
  /** The first and last item shown, counted from 1; none shown when `shown` is 0. */
  first: number;
  last: number;
  shown: number;
  total: number;
  previous?: string;
  next?: string;
}

/**
 * The paging of a list page, as the API pages (`limit`, `offset`): the links keep the path and the
 * filters the page was asked with, and change the offset only.
 */
export function pagerOf(path: string, filters: Record<string, string | undefined>, page: PageRequest, list: PageOf<unknown>): Pager {
  const kept = Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]);
  const at = (offset: number) => `${path}?${new URLSearchParams([...kept, ['limit', String(page.limit)], ['offset', String(offset)]])}`;
  const shown = list.items.length;
  return {
    first: page.offset + 1,
    last: page.offset + shown,
    shown,
    total: list.total,
    previous: page.offset > 0 ? at(Math.max(0, Math.min(page.offset, list.total) - page.limit)) : undefined,
    next: page.offset + shown < list.total && shown > 0 ? at(page.offset + page.limit) : undefined,
  };
}
