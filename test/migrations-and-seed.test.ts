import { createSql, type Sql } from '../db/client';
import { migrate } from '../db/migrate';
import { seed } from '../dev/seed';
import { SEED_PARTNERS, SEED_PEOPLE } from '../dev/seed-data';
import { runEnv } from './support/run-env';

let sql: Sql;
beforeAll(() => {
  sql = createSql(runEnv().TEST_DATABASE_URL);
});
afterAll(() => sql?.end());

describe('migrations and the dev seed', () => {
  it('applies nothing a second time', async () => {
    expect(await migrate(sql)).toEqual([]);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from schema_migrations`;
    expect(row!.n).toBeGreaterThan(0);
  });

  it('seeds every role once, however often it runs', async () => {
    await seed(sql);
    await seed(sql);
    const people = await sql<{ id: string; roles: string[] }[]>`select id, roles from people where id in ${sql(SEED_PEOPLE.map((p) => p.id))}`;
    expect(people).toHaveLength(SEED_PEOPLE.length);
    expect(new Set(people.flatMap((p) => p.roles))).toEqual(new Set(['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor', 'admin']));
    const partners = await sql`select id from partners where id in ${sql(SEED_PARTNERS.map((p) => p.id))}`;
    expect(partners).toHaveLength(SEED_PARTNERS.length);
  });
});
