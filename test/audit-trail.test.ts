import { randomUUID } from 'node:crypto';
import { appendAudit, verifyAudit } from '../db/audit';
import { createSql, type Sql } from '../db/client';
import { runEnv } from './support/run-env';

let sql: Sql;
beforeAll(() => {
  sql = createSql(runEnv().TEST_DATABASE_URL);
});
afterAll(() => sql?.end());

const entry = (eventKey = randomUUID()) => ({
  eventKey,
  at: new Date(),
  actorId: null,
  action: 'test.event',
  noteId: null,
  details: { nested: { b: 2, a: [1, 'x'] }, ok: true },
});

describe('the audit trail', () => {
  it('writes an entry once however often it is appended, and the chain verifies', async () => {
    const e = entry();
    await appendAudit(sql, e);
    await appendAudit(sql, e);
    expect(await sql`select 1 from audit_log where event_key = ${e.eventKey}`).toHaveLength(1);
    expect(await verifyAudit(sql)).toMatchObject({ ok: true });
  });

  it('refuses updates, deletes and truncation in the database itself', async () => {
    await appendAudit(sql, entry());
    await expect(sql`update audit_log set action = 'x'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`).rejects.toThrow(/append-only/);
  });

  it('reports the first row altered behind the application’s back', async () => {
    const target = entry();
    await appendAudit(sql, target);
    await appendAudit(sql, entry());
    const [row] = await sql<{ seq: string }[]>`select seq from audit_log where event_key = ${target.eventKey}`;
    // What an intruder with superuser rights could do: switch the guard off for one statement.
    await sql.begin(async (tx) => {
      await tx`alter table audit_log disable trigger audit_log_no_update`;
      await tx`update audit_log set details = '{"ok": false}' where seq = ${row!.seq}`;
      await tx`alter table audit_log enable trigger audit_log_no_update`;
    });
    expect(await verifyAudit(sql)).toMatchObject({ ok: false, firstBroken: { seq: Number(row!.seq), reason: expect.stringMatching(/hash/) } });
    // Put it back the same way, so other suites sharing this database see a whole chain.
    await sql.begin(async (tx) => {
      await tx`alter table audit_log disable trigger audit_log_no_update`;
      await tx`update audit_log set details = ${tx.json(target.details)} where seq = ${row!.seq}`;
      await tx`alter table audit_log enable trigger audit_log_no_update`;
    });
    expect(await verifyAudit(sql)).toMatchObject({ ok: true });
  });
});
