import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { appendAudit } from '../db/audit';
import type { InTransaction, Sql } from '../db/client';
import { hasDecided } from '../db/notes';
import type { Stage } from '../domain/pipeline';
import { signReviewLink } from '../domain/review-link';
import { type MailKind, renderMail } from './notification-templates';

export interface ReviewLinkConfig {
  secret: string;
  /** Base of the links in emails (PUBLIC_BASE_URL). */
  baseUrl: string;
  ttlMs: number;
}

export interface MailConfig {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
  /** How long a message that keeps failing is tried before it is marked failed (MAIL_GIVE_UP_AFTER). */
  giveUpAfterMs: number;
}

interface Queued {
  noteId: string;
  recipientId: string;
  address: string;
  kind: MailKind;
  stage: Stage | null;
  revision: number;
  dueAt: Date | null;
  linkId: string | null;
  createdAt: Date;
}

/** The message of an outbox row, with its personal link minted now (valid from when it was queued). */
async function render(row: Queued, links: ReviewLinkConfig) {
  const link =
    row.linkId && row.stage
      ? `${links.baseUrl}/review/${await signReviewLink(
          links.secret,
          { sub: row.recipientId, note: row.noteId, rev: row.revision, stage: row.stage, jti: row.linkId },
          new Date(row.createdAt.getTime() + links.ttlMs),
          row.createdAt,
        )}`
      : null;
  return renderMail(row.kind, { noteId: row.noteId, stage: row.stage, dueAt: row.dueAt?.toISOString() ?? null, link, baseUrl: links.baseUrl });
}

/**
 * What a failed send says about the message. `never`: this message cannot go out, however often it
 * is tried (an address nodemailer cannot use, or a 5xx to its recipient or its content). `later`:
 * this message may pass on a later try (a 4xx to it). `server`: nothing can go out now (down, hung,
 * refusing our login or our sender), so the attempt stops and is retried as a whole.
 */
export function sendFailure(error: unknown): 'never' | 'later' | 'server' {
  const { code, command, responseCode } = error as { code?: string; command?: string; responseCode?: number };
  const aboutThisMessage = command === 'RCPT TO' || command === 'DATA';
  if (code === 'EENVELOPE' && command === 'API') return 'never';
  if (aboutThisMessage && Number(responseCode) >= 500) return 'never';
  if (aboutThisMessage && Number(responseCode) >= 400) return 'later';
  return 'server';
}

export const DeliveryInput = z.object({ noteId: z.uuid() });
const HEARTBEAT_EVERY_MS = 5_000;

type Tally = { sent: number; failed: number; skipped: number };

export function createMailDeliveryActivities({ sql, mail, links }: { sql: Sql; mail: MailConfig; links: ReviewLinkConfig }) {
  return {
    /**
     * Sends the note's queued mail. Each message is locked, sent and marked in one transaction, so a
     * retry after a crash resends nothing already marked (and a resend carries the row's Message-ID).
     * A message that cannot go out is marked failed at once; one that keeps failing, after
     * MAIL_GIVE_UP_AFTER; either is on the audit trail and the note. Otherwise the activity fails
     * while anything is left, and Temporal retries it with backoff. A row still locked by an attempt
     * Temporal has given up on fails this one too (nowait), so it is retried rather than skipped.
     */
    async deliverNotifications(input: z.infer<typeof DeliveryInput>): Promise<Tally> {
      const { noteId } = DeliveryInput.parse(input);
      // Alive and at work, however long one message takes: an attempt lost with its worker is retried
      // within the heartbeat timeout, not the activity's whole limit.
      heartbeat();
      const alive = setInterval(() => heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await deliver(noteId);
      } finally {
        clearInterval(alive);
      }
    },
  };

  async function deliver(noteId: string): Promise<Tally> {
    const tally: Tally = { sent: 0, failed: await giveUpOnStale(noteId), skipped: 0 };
    const pending = await sql<{ id: string }[]>`select id from outbox where note_id = ${noteId} and status = 'pending' order by created_at, id`;
    let left = 0;
    for (const { id } of pending) {
      const outcome = await sql.begin((tx) => sendOne(tx, id, noteId));
      if (outcome === 'server') throw ApplicationFailure.retryable('the SMTP server takes no mail now', 'MailServerUnavailable');
      if (outcome === 'left') left += 1;
      else if (outcome) tally[outcome] += 1;
    }
    if (left) throw ApplicationFailure.retryable(`${left} message(s) not delivered yet`, 'MailNotDelivered');
    return tally;
  }

  /** Marks failed what has been tried for longer than MAIL_GIVE_UP_AFTER, also while SMTP stays down. */
  async function giveUpOnStale(noteId: string): Promise<number> {
    return sql.begin(async (tx) => {
      const stale = await tx<{ id: string; recipientId: string; kind: MailKind }[]>`
        update outbox set status = 'failed', last_error = ${`not delivered within ${Math.round(mail.giveUpAfterMs / 1000)} s`} || coalesce(': ' || last_error, '')
        where note_id = ${noteId} and status = 'pending' and created_at < ${new Date(Date.now() - mail.giveUpAfterMs)}
        returning id, recipient_id, kind`;
      for (const row of stale) await recordFailure(tx, noteId, row);
      return stale.length;
    });
  }

  /** One message, in its own transaction, which also keeps why a failed try failed. */
  async function sendOne(tx: InTransaction, id: string, noteId: string): Promise<keyof Tally | 'left' | 'server' | undefined> {
    const [row] = await tx<Queued[]>`
      select note_id, recipient_id, address, kind, stage, revision, due_at, link_id, created_at
      from outbox where id = ${id} and status = 'pending' for update nowait`;
    if (!row) return undefined;
    // Asked to decide, but decided meanwhile (mail held up by an outage, say): nothing left to ask.
    if (row.linkId && (await hasDecided(tx, row.recipientId, noteId, row.stage!, row.revision))) {
      await tx`update outbox set status = 'skipped' where id = ${id}`;
      return 'skipped';
    }
    const message = await render(row, links);
    try {
      await mail.transport.sendMail({ from: mail.from, to: row.address, ...message, messageId: `<${id}@weighing-notes>` });
    } catch (error) {
      const failure = sendFailure(error);
      const said = (error as Error).message;
      if (failure !== 'never') {
        await tx`update outbox set attempts = attempts + 1, last_error = ${said} where id = ${id}`;
        return failure === 'later' ? 'left' : 'server';
      }
      await tx`update outbox set status = 'failed', attempts = attempts + 1, last_error = ${said} where id = ${id}`;
      await recordFailure(tx, noteId, { id, recipientId: row.recipientId, kind: row.kind });
      return 'failed';
    }
    await tx`update outbox set status = 'sent', attempts = attempts + 1, sent_at = now() where id = ${id}`;
    return 'sent';
  }
}

function recordFailure(tx: InTransaction, noteId: string, row: { id: string; recipientId: string; kind: MailKind }) {
  return appendAudit(tx, { eventKey: `mail/${row.id}/failed`, at: new Date(), actorId: null, action: 'note.mail_failed', noteId, details: { recipients: [row.recipientId], kind: row.kind } });
}
