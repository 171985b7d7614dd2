import type { Sql } from '../../db/client';

/** The one write of the reference: a row, idempotent by its id, as the product's writes are. */
export function referenceActivities(sql: Sql) {
  return {
    async insertRow({ id }: { id: string }): Promise<void> {
      await sql`insert into bench_reference_rows (id) values (${id}) on conflict do nothing`;
    },
  };
}
export type ReferenceActivities = ReturnType<typeof referenceActivities>;

export async function createReferenceTable(sql: Sql): Promise<void> {
  await sql`create table if not exists bench_reference_rows (id uuid primary key, at timestamptz not null default now())`;
}
