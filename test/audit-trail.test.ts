import { randomUUID } from 'node:crypto';
import { appendAudit, verifyAudit, type AuditEntry } from '../db/audit';
import { createSql, type Sql } from '../db/client';
import { runEnv } from './support/run-env';

let sql: Sql;
beforeAll(() => {
  sql = createSql(runEnv().TEST_DATABASE_URL);
});
afterAll(() => sql?.end());

const entry = (eventKey = randomUUID()): AuditEntry => ({
  eventKey,
  at: new Date(),
  actorId: null,
  action: 'test.event',
  noteId: null,
  details: { nested: { b: 2, a: [1, 'x'] }, ok: true },
});
const append = (e: AuditEntry) => sql.begin((tx) => appendAudit(tx, e));

class Rollback extends Error {}

describe('the audit trail', () => {
  it('writes an entry once however often it is appended, and the chain verifies', async () => {
    const e = entry();
    await append(e);
    await append(e);
    expect(await sql`select 1 from audit_log where event_key = ${e.eventKey}`).toHaveLength(1);
    expect(await verifyAudit(sql)).toMatchObject({ ok: true });
  });

  it('stays one chain under concurrent writers', async () => {
    await Promise.all(Array.from({ length: 20 }, () => append(entry())));
    expect(await verifyAudit(sql)).toMatchObject({ ok: true });
  });

  it('refuses updates, deletes and truncation in the database itself', async () => {
    await append(entry());
    await expect(sql`update audit_log set action = 'x'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`).rejects.toThrow(/append-only/);
  });

  it('reports the first row altered behind the application’s back', async () => {
    const target = entry();
    await append(target);
    await append(entry());
    // What an intruder with superuser rights could do: switch the guard off and edit a row. Done in a
    // transaction that is rolled back, so suites sharing this database never see the broken chain.
    const verdict = await sql
      .begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext('audit_log'))`;
        await tx`alter table audit_log disable trigger audit_log_no_update`;
        const [row] = await tx<{ seq: string }[]>`update audit_log set details = '{"ok": false}' where event_key = ${target.eventKey} returning seq`;
        throw Object.assign(new Rollback(), { verdict: await verifyAudit(tx), seq: Number(row!.seq) });
      })
      .catch((error: Rollback & { verdict: unknown; seq: number }) => error);
    expect(verdict.verdict).toMatchObject({ ok: false, firstBroken: { seq: verdict.seq, reason: expect.stringMatching(/hash/) } });
    expect(await verifyAudit(sql)).toMatchObject({ ok: true });
  });
});
