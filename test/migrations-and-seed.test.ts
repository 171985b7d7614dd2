import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../db/audit';
import { createSql, type Sql } from '../db/client';
import { ensureDatabase, migrate, MIGRATIONS_DIR } from '../db/migrate';
import { tasksFor } from '../db/notes';
import { findPartner } from '../db/partners';
import { upsertPerson } from '../db/people';
import { readGrant } from '../domain/need-to-know';
import { dropDatabase } from '../dev/throwaway-services';
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
    expect(new Set(people.flatMap((p) => p.roles))).toEqual(new Set(['drafter', 'team_lead', 'legal', 'head_of_service', 'minister', 'auditor', 'admin', 'operator']));
    const partners = await sql`select id from partners where id in ${sql(SEED_PARTNERS.map((p) => p.id))}`;
    expect(partners).toHaveLength(SEED_PARTNERS.length);
  });
});

/** Partners as registered before migration 009: one relationship and a priority of 1 to 5 each. */
const OLD_PARTNERS: [id: string, name: string, relationship: string, priority: number, createdAt: Date][] = [
  [SEED_PARTNERS[0]!.id, SEED_PARTNERS[0]!.name, 'bilateral', 1, new Date('2023-01-10T09:00:00Z')],
  [randomUUID(), 'Lowest Priority Service', 'other_multilateral', 5, new Date('2024-03-05T23:30:00Z')],
];

describe('migrations of data written before them', () => {
  let url: string;
  let old: Sql;
  let before004: string;
  beforeAll(async () => {
    url = new URL(runEnv().TEST_DATABASE_URL).toString().replace(/\/[^/]*$/, `/weighing_notes_migration_${Date.now().toString(36)}`);
    await ensureDatabase(url, (u) => createSql(u, { max: 1 }));
    old = createSql(url, { max: 1 });
    before004 = mkdtempSync(join(tmpdir(), 'migrations-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '004')) cpSync(join(MIGRATIONS_DIR, name), join(before004, name));
    await migrate(old, before004);
    // The seed as it was then: people as now, partners with one relationship and a priority of 1 to 5 each.
    for (const person of SEED_PEOPLE) await upsertPerson(old, person);
    for (const [id, name, relationship, priority, createdAt] of OLD_PARTNERS) {
      await old`insert into partners (id, name, country, kind, relationship, srm_priority, created_by, created_at)
                values (${id}, ${name}, 'Oldland', 'civil', ${relationship}, ${priority}, 'joke.hendriks', ${createdAt})`;
    }
  });
  afterAll(async () => {
    await old?.end();
    rmSync(before004, { recursive: true, force: true });
    await dropDatabase(url);
  });

  it('records the stages each note has reached and its current revision’s author, and drops rendered mail (usable review links in it) from the outbox, rendering what is pending again', async () => {
    const note = randomUUID();
    await old`insert into notes (id, partner_id, drafter_id, status, stage, current_revision, stage_due_at)
              values (${note}, ${SEED_PARTNERS[0]!.id}, 'anna.devries', 'IN_REVIEW', 'TEAM_REVIEW', 2, now() + interval '5 days')`;
    for (const [revision, author] of [[1, 'anna.devries'], [2, 'bram.jansen']] as const) {
      await old`insert into note_revisions (note_id, revision, content, content_sha256, author_id) values (${note}, ${revision}, ${old.json({})}, ${'a'.repeat(64)}, ${author})`;
    }
    // Revision 1 went to legal review and came back; revision 2 is at team review again.
    for (const [version, stage] of [[1, 'TEAM_REVIEW'], [2, 'LEGAL_REVIEW'], [3, null], [4, 'TEAM_REVIEW']] as const) {
      await old.begin((tx) => appendAudit(tx, { eventKey: `note-${note}/v${version}`, at: new Date(), actorId: null, action: 'note.decided', noteId: note, details: { stage } }));
    }
    const row = (status: string, kind: string, recipient = 'carla.bakker') =>
      old`insert into outbox (id, key, note_id, recipient_id, address, kind, subject, body_text, body_html, status)
          values (${randomUUID()}, ${randomUUID()}, ${note}, ${recipient}, ${`${recipient}@mivd.example`}, ${kind}, 'Review requested',
                  'Read the note and decide: http://127.0.0.1:3000/review/eyJhbGciOiJIUzI1NiJ9.e30.x', '<a href="/review/eyJ">x</a>', ${status})`;
    await row('sent', 'review_requested');
    await row('pending', 'review_requested');
    await row('pending', 'adopted');
    // Asked at legal review before the note went back to team review: no link to a stage not theirs.
    await row('pending', 'reminder', 'daan.visser');
    expect(await migrate(old)).toEqual(readdirSync(MIGRATIONS_DIR).filter((n) => n >= '004'));
    const [reached] = await old<{ reachedStages: string[] }[]>`select reached_stages from notes where id = ${note}`;
    expect(reached!.reachedStages).toEqual(['LEGAL_REVIEW', 'TEAM_REVIEW']);
    // The current revision's author, whom the inbox leaves out, is kept beside it from migration 012 on.
    expect(await old`select current_author_id from notes where id = ${note}`).toEqual([{ currentAuthorId: 'bram.jansen' }]);
    const rows = await old<{ status: string; kind: string; stage: string | null; revision: number | null; linkId: string | null; dueAt: Date | null }[]>`
      select status, kind, stage, revision, link_id, due_at from outbox where note_id = ${note} order by status, kind`;
    expect(rows).toEqual([
      { status: 'pending', kind: 'adopted', stage: 'TEAM_REVIEW', revision: 2, linkId: null, dueAt: expect.any(Date) },
      { status: 'pending', kind: 'reminder', stage: 'TEAM_REVIEW', revision: 2, linkId: null, dueAt: expect.any(Date) },
      { status: 'pending', kind: 'review_requested', stage: 'TEAM_REVIEW', revision: 2, linkId: expect.stringMatching(/^[0-9a-f-]{36}$/), dueAt: expect.any(Date) },
      { status: 'sent', kind: 'review_requested', stage: null, revision: null, linkId: null, dueAt: null },
    ]);
    expect(await old`select 1 from outbox o where o::text like '%/review/ey%'`).toHaveLength(0);
  });

  it('gives each partner its one relationship, since the day it was registered, and its priority as a first setting by the system (5 becoming 4)', async () => {
    await migrate(old);
    const [first, lowest] = OLD_PARTNERS.map(([id]) => id) as [string, string];
    expect(await findPartner(old, lowest)).toMatchObject({ relationships: [{ kind: 'other_multilateral', since: '2024-03-05' }], srmPriority: 4 });
    expect(await findPartner(old, first)).toMatchObject({ relationships: [{ kind: 'bilateral', since: '2023-01-10' }], srmPriority: 1 });
    const settings = await old<{ partnerId: string; priority: number; previous: number | null; setBy: string | null; justification: string }[]>`
      select partner_id, priority, previous, set_by, justification from srm_priority_history order by seq`;
    expect(settings).toEqual([
      { partnerId: first, priority: 1, previous: null, setBy: null, justification: expect.stringContaining('Carried over from the priority given at registration') },
      { partnerId: lowest, priority: 4, previous: null, setBy: null, justification: expect.stringContaining('5, the lowest then, is 4 now') },
    ]);
    const columns = await old`select column_name from information_schema.columns where table_name = 'partners' and column_name in ('relationship', 'srm_priority')`;
    expect(columns).toHaveLength(0);
  });

  it('leaves a note out of its current revision’s author’s inbox also when a version from before migration 012 wrote it (no author kept on the note)', async () => {
    await migrate(old);
    const note = randomUUID();
    await old`insert into notes (id, partner_id, drafter_id, status, stage, current_revision, reached_stages, stage_due_at)
              values (${note}, ${OLD_PARTNERS[1]![0]}, 'anna.devries', 'IN_REVIEW', 'TEAM_REVIEW', 1, '{TEAM_REVIEW}', now() + interval '5 days')`;
    await old`insert into note_revisions (note_id, revision, content, content_sha256, author_id) values (${note}, 1, ${old.json({})}, ${'b'.repeat(64)}, 'bram.jansen')`;
    const inbox = async (id: string) => (await tasksFor(old, id, readGrant({ id, roles: ['team_lead'] }), { limit: 50, offset: 0 })).items.map((n) => n.id);
    expect(await inbox('carla.bakker')).toContain(note);
    expect(await inbox('bram.jansen')).not.toContain(note);
  });
});
