import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { queueNewReviewLink } from '../activities/notifications';
import { createMailer } from '../clients/mailer';
import { createSql, type Sql } from '../db/client';
import { findNote, insertDecision } from '../db/notes';
import { type SmtpCapture, startSmtpCapture } from '../dev/smtp-capture';
import { seed } from '../dev/seed';
import { SEED_PEOPLE } from '../dev/seed-data';
import type { NoteState } from '../domain/pipeline';
import { verifyReviewLink } from '../domain/review-link';
import { insertDraftNote } from './support/draft-note';
import { runEnv } from './support/run-env';

const DEFERRED = 'deferred.test';
const FILTERED = 'filtered.test';

let sql: Sql;
let sink: SmtpCapture;
beforeAll(async () => {
  sql = createSql(runEnv().TEST_DATABASE_URL);
  await seed(sql);
  sink = await startSmtpCapture({ defers: (address) => address.endsWith(`@${DEFERRED}`), rejectsMessage: (to) => to.some((address) => address.endsWith(`@${FILTERED}`)) });
});
afterAll(async () => {
  await sink?.close();
  await sql?.end();
});

const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;
const at = () => new Date().toISOString();
const activities = ({ smtpPort = sink.smtpPort, giveUpAfterMs = 60_000 } = {}) =>
  createActivities({
    sql,
    mail: { ...createMailer(`smtp://127.0.0.1:${smtpPort}`, 'test@weighing-notes.invalid'), giveUpAfterMs },
    links: { secret: 's'.repeat(32), baseUrl: 'http://x.test', ttlMs: 60_000 },
  });
/** Runs it as the worker would: in an activity's context, where it heartbeats. */
const deliver = (noteId: string, options?: Parameters<typeof activities>[0]) => new MockActivityEnvironment().run(activities(options).deliverNotifications, { noteId });

/** The legal stage opened on a new note: three review mails queued (daan.visser, eva.smit, frank.meijer). */
async function legalStageOpened(): Promise<NoteState> {
  const draft = await insertDraftNote(sql);
  const decision = { decisionId: randomUUID(), stage: 'TEAM_REVIEW' as const, revision: 1, outcome: 'approve' as const };
  const state: NoteState = { ...draft, status: 'IN_REVIEW', stage: 'LEGAL_REVIEW', stageDueAt: at(), version: 2 };
  await activities().recordTransition({ state, at: at(), actorId: 'carla.bakker', action: 'note.decided', decision });
  return state;
}
const readdress = (noteId: string, recipientId: string, address: string) => sql`update outbox set address = ${address} where note_id = ${noteId} and recipient_id = ${recipientId}`;
const outbox = (noteId: string) => sql<{ recipientId: string; status: string; attempts: number; lastError: string | null }[]>`
  select recipient_id, status, attempts, last_error from outbox where note_id = ${noteId} order by recipient_id`;
const mailedTo = (address: string) => sink.messages().filter((m) => m.to.includes(address));
const failuresOnRecord = async (noteId: string) =>
  (await sql<{ details: { recipients: string[] } }[]>`select details from audit_log where note_id = ${noteId} and action = 'note.mail_failed'`).flatMap((e) => e.details.recipients).sort();

describe('deliverNotifications', () => {
  it('sends no review mail to someone who decided meanwhile (the mail was held up), and marks it skipped', async () => {
    const draft = await insertDraftNote(sql);
    const submitted: NoteState = { ...draft, status: 'IN_REVIEW', stage: 'TEAM_REVIEW', stageDueAt: at(), version: 1 };
    await activities().recordTransition({ state: submitted, at: at(), actorId: 'bram.jansen', action: 'note.submitted' });
    await insertDecision(sql, { id: randomUUID(), noteId: draft.noteId, stage: 'TEAM_REVIEW', revision: 1, actorId: 'carla.bakker', outcome: 'approve', contentSha256: draft.current.contentSha256, decidedAt: new Date() });
    expect(await deliver(draft.noteId)).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(await outbox(draft.noteId)).toEqual([expect.objectContaining({ recipientId: 'carla.bakker', status: 'skipped' })]);
    expect(mailedTo(email('carla.bakker')).filter((m) => m.subject.includes(draft.noteId.slice(0, 8).toUpperCase()))).toEqual([]);
  });

  it('fails at once a message refused at DATA (554) and one to an address no server can take, sends the rest, and records each failure', async () => {
    const { noteId } = await legalStageOpened();
    await readdress(noteId, 'daan.visser', `daan.visser@${FILTERED}`);
    await readdress(noteId, 'eva.smit', 'eva.smit at the legal desk');
    expect(await deliver(noteId)).toEqual({ sent: 1, failed: 2, skipped: 0 });
    expect(await outbox(noteId)).toEqual([
      { recipientId: 'daan.visser', status: 'failed', attempts: 1, lastError: expect.stringMatching(/554/) },
      { recipientId: 'eva.smit', status: 'failed', attempts: 1, lastError: expect.stringMatching(/recipient|address/i) },
      { recipientId: 'frank.meijer', status: 'sent', attempts: 1, lastError: null },
    ]);
    expect(await failuresOnRecord(noteId)).toEqual(['daan.visser', 'eva.smit']);
    expect((await findNote(sql, noteId))!.undeliveredMail.map((m) => m.recipientId)).toEqual(['daan.visser', 'eva.smit']);
    // Done: a retry sends nothing more.
    expect(await deliver(noteId)).toEqual({ sent: 0, failed: 0, skipped: 0 });
  });

  it('keeps a deferred message (451) queued while the rest go out, and fails the attempt so that Temporal retries it', async () => {
    const { noteId } = await legalStageOpened();
    await readdress(noteId, 'eva.smit', `eva.smit@${DEFERRED}`);
    await expect(deliver(noteId)).rejects.toMatchObject({ type: 'MailNotDelivered', nonRetryable: false });
    expect(await outbox(noteId)).toEqual([
      { recipientId: 'daan.visser', status: 'sent', attempts: 1, lastError: null },
      { recipientId: 'eva.smit', status: 'pending', attempts: 1, lastError: expect.stringMatching(/451/) },
      { recipientId: 'frank.meijer', status: 'sent', attempts: 1, lastError: null },
    ]);
    // The mailbox takes mail again: the retry sends that message alone.
    await readdress(noteId, 'eva.smit', email('eva.smit'));
    expect(await deliver(noteId)).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(mailedTo(email('daan.visser')).filter((m) => m.subject.includes(noteId.slice(0, 8).toUpperCase()))).toHaveLength(1);
  });

  it('stops at an SMTP server that is down, keeping why, and after MAIL_GIVE_UP_AFTER marks the messages failed without trying them again', async () => {
    const { noteId } = await legalStageOpened();
    const down = { smtpPort: await closedPort() };
    await expect(deliver(noteId, down)).rejects.toMatchObject({ type: 'MailServerUnavailable', nonRetryable: false });
    // The first refusal ends the attempt: the others wait for the retry, untried.
    const tried = await sql<{ recipientId: string; lastError: string }[]>`select recipient_id, last_error from outbox where note_id = ${noteId} and attempts = 1 and status = 'pending'`;
    expect(tried).toEqual([{ recipientId: expect.any(String), lastError: expect.stringMatching(/ECONNREFUSED/) }]);
    expect(await sql`select 1 from outbox where note_id = ${noteId} and attempts = 0 and status = 'pending'`).toHaveLength(2);

    await sql`update outbox set created_at = now() - interval '2 minutes' where note_id = ${noteId}`;
    expect(await deliver(noteId, { ...down, giveUpAfterMs: 60_000 })).toEqual({ sent: 0, failed: 3, skipped: 0 });
    const reasons = await sql<{ recipientId: string; status: string; lastError: string }[]>`select recipient_id, status, last_error from outbox where note_id = ${noteId}`;
    expect(reasons.map((r) => (r.recipientId === tried[0]!.recipientId ? [r.status, 'tried'] : [r.status, r.lastError])).sort()).toEqual([
      ['failed', 'not delivered within 60 s'],
      ['failed', 'not delivered within 60 s'],
      ['failed', 'tried'],
    ]);
    expect(reasons.find((r) => r.recipientId === tried[0]!.recipientId)!.lastError).toMatch(/^not delivered within 60 s: .*ECONNREFUSED/);
    expect(await failuresOnRecord(noteId)).toEqual(['daan.visser', 'eva.smit', 'frank.meijer']);
  });

  it('sends a new review link someone asked for, minted as it goes out, valid from when it was asked for', async () => {
    const { noteId, stageDueAt } = await legalStageOpened();
    // The legal reviewers' own review mail goes first; the link Eva asks for later goes with the next delivery.
    await deliver(noteId);
    const asked = { noteId, personId: 'eva.smit', stage: 'LEGAL_REVIEW' as const, revision: 1, dueAt: stageDueAt, expiredLinkId: randomUUID() };
    const queued = await queueNewReviewLink(sql, asked);
    expect(queued).toEqual({ at: expect.any(Date), first: true });
    expect(await queueNewReviewLink(sql, asked)).toEqual({ at: queued!.at, first: false });
    expect(await deliver(noteId)).toEqual({ sent: 1, failed: 0, skipped: 0 });

    const [mail] = mailedTo(email('eva.smit')).filter((m) => m.subject.startsWith('New review link'));
    expect(mail!.subject).toBe(`New review link: weighing note WN-${noteId.slice(0, 8).toUpperCase()} (legal review)`);
    const token = mail!.text.match(/http:\/\/x\.test\/review\/(\S+)/)![1]!;
    const check = await verifyReviewLink('s'.repeat(32), token);
    expect(check).toEqual({ ok: true, claims: { sub: 'eva.smit', note: noteId, rev: 1, stage: 'LEGAL_REVIEW', jti: expect.any(String) } });
    expect(check.ok && check.claims.jti).not.toBe(asked.expiredLinkId);
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    expect(iat).toBe(Math.floor(queued!.at.getTime() / 1000));
    expect(exp - iat).toBe(60);
  });

  it('refuses malformed input before touching anything', async () => {
    await expect(deliver('not-a-uuid')).rejects.toThrow(/uuid/i);
  });
});

/** A port nothing listens on: a sink started and closed again. */
async function closedPort(): Promise<number> {
  const gone = await startSmtpCapture({});
  await gone.close();
  return gone.smtpPort;
}
