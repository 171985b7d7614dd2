import { createSql } from '../db/client';
import { ensureDatabase, migrate } from '../db/migrate';
import { type PrivatePostgres, startPrivatePostgres } from '../dev/private-postgres';
import { SEED_PEOPLE } from '../dev/seed-data';
import { approveOnceHeard, expectAdoptedWhole } from './support/fault-checks';
import { api } from './support/notes';
import { eventually } from './support/poll';
import { type Stack, startStack } from './support/stack';

/**
 * PostgreSQL stopped and started again under a running stack (a cluster of the suite's own): nothing
 * dies, /health and requests answer 503 meanwhile, and the note's approval completes afterwards with
 * every decision once, every mail once, and the audit trail whole.
 */
let pg: PrivatePostgres;
let stack: Stack;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const url = pg.url.replace(/\/postgres$/, '/weighing_notes');
  await ensureDatabase(url, (u) => createSql(u, { max: 1 }));
  const sql = createSql(url, { max: 1 });
  await migrate(sql);
  await sql.end();
  stack = await startStack({ databaseUrl: () => url });
  http = api(stack);
}, 60_000);
afterAll(async () => {
  // Back up first (a failed test may leave it stopped), so the stack can close its connections.
  await pg?.start();
  await stack?.close();
  await pg?.destroy();
});

const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;

describe('a PostgreSQL restart', () => {
  it('answers 503 while the database is away, loses and doubles nothing, and the approval completes once it is back', async () => {
    const id = await http.createNote('anna.devries');
    await http.submit('anna.devries', id);
    await eventually(async () => (stack.mail.messages().some((m) => m.to.includes(email('carla.bakker'))) ? true : undefined), 'the team lead mailed');

    // Queries in flight as the server goes: the driver must settle them, not throw where nothing catches.
    const busy = Array.from({ length: 20 }, () => stack.sql`select pg_sleep(0.05)`.catch((error: Error) => error));
    await pg.stop();
    await Promise.all(busy);

    const health = await stack.app.inject({ method: 'GET', url: '/health' });
    expect([health.statusCode, health.json()]).toEqual([503, { status: 'unavailable', database: 'down', temporal: 'up' }]);
    const read = await http.note('gert.mulder', id);
    expect(read.statusCode).toBe(503);
    expect(read.headers['retry-after']).toBe('5');
    expect(read.json()).toMatchObject({ error: { code: 'unavailable' } });
    const decision = await http.decide('carla.bakker', id, 'approve', 1, { stage: 'TEAM_REVIEW' });
    expect(decision.statusCode).toBe(503);

    await pg.start();
    await eventually(async () => ((await stack.app.inject({ method: 'GET', url: '/health' })).statusCode === 200 ? true : undefined), 'the database back');
    // Connections of the pool may still meet the old server's closed sockets: a 503 then, and the retry works.
    await approveOnceHeard(stack, id);
    await expectAdoptedWhole(stack, id);
  });
});
