import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { appendAudit } from '../db/audit';
import type { InTransaction, Sql } from '../db/client';
import { hasDecidedOnConsent } from '../db/consents';
import { hasDecided } from '../db/notes';
import { ConsentStage } from '../domain/consent';
import type { Stage } from '../domain/pipeline';
import { signConsentLink, signReviewLink } from '../domain/review-link';
import { isConsentMailKind, type MailKind, renderConsentMail, renderMail } from './notification-templates';

export interface ReviewLinkConfig {
  secret: string;
  /** Base of the links in emails (PUBLIC_BASE_URL). */
  baseUrl: string;
  ttlMs: number;
}

export interface MailConfig {
  transport: Pick<Transporter, 'sendMail' | 'close'>;
  from: string;
  /** How long a message that keeps failing is tried before it is marked failed (MAIL_GIVE_UP_AFTER). */
  giveUpAfterMs: number;
}

interface Queued {
  /** What the message is about: a note, or a consent request. */
  noteId: string | null;
  consentId: string | null;
  recipientId: string;
  address: string;
  kind: MailKind;
  stage: Stage | null;
  revision: number;
  dueAt: Date | null;
  linkId: string | null;
  createdAt: Date;
  /** A condition's mail: the condition, named in the mail by its number. */
  conditionId: string | null;
  conditionPosition: number | null;
}

/** The message of an outbox row, with its personal link minted now (valid from when it was queued). */
async function render(row: Queued, links: ReviewLinkConfig) {
  const dueAt = row.dueAt?.toISOString() ?? null;
  if (isConsentMailKind(row.kind)) {
    const [consentId, stage] = [row.consentId!, ConsentStage.nullable().parse(row.stage)];
    const link =
      row.linkId && stage
        ? `${links.baseUrl}/review/consent/${await signConsentLink(
            links.secret,
            { sub: row.recipientId, consent: consentId, rev: row.revision, stage, jti: row.linkId },
            new Date(row.createdAt.getTime() + links.ttlMs),
            row.createdAt,
          )}`
        : null;
    return renderConsentMail(row.kind, { consentId, stage, dueAt, link, baseUrl: links.baseUrl });
  }
  const link =
    row.linkId && row.stage
      ? `${links.baseUrl}/review/${await signReviewLink(
          links.secret,
          { sub: row.recipientId, note: row.noteId!, rev: row.revision, stage: row.stage, jti: row.linkId },
          new Date(row.createdAt.getTime() + links.ttlMs),
          row.createdAt,
        )}`
      : null;
  const condition = row.conditionId && row.conditionPosition ? { id: row.conditionId, position: row.conditionPosition } : null;
  return renderMail(row.kind, { noteId: row.noteId!, stage: row.stage, dueAt, link, baseUrl: links.baseUrl, condition });
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

/**
 * Whose queued mail to send: a note's own (sent by its approval's workflow), its conditions' (sent by
 * their workflow), or a consent request's. Each set has one sender, so no two deliveries contend for a row.
 */
export const DeliveryInput = z.union([z.object({ noteId: z.uuid() }), z.object({ conditionsOf: z.uuid() }), z.object({ consentId: z.uuid() })]);
type MailOf = z.infer<typeof DeliveryInput>;
const HEARTBEAT_EVERY_MS = 5_000;

type Tally = { sent: number; failed: number; skipped: number };

export function createMailDeliveryActivities({ sql, mail, links }: { sql: Sql; mail: MailConfig; links: ReviewLinkConfig }) {
  return {
    /**
     * Sends the queued mail of a note or of a consent request. Each message is locked, sent and marked
     * in one transaction, so a retry after a crash resends nothing already marked (and a resend carries
     * the row's Message-ID). A message that cannot go out is marked failed at once; one that keeps
     * failing, after MAIL_GIVE_UP_AFTER; either is on the audit trail and in the story of what it was
     * about. Otherwise the activity fails
     * while anything is left, and Temporal retries it with backoff. A row still locked by an attempt
     * Temporal has given up on fails this one too (nowait), so it is retried rather than skipped.
     */
    async deliverNotifications(input: MailOf): Promise<Tally> {
      const of = DeliveryInput.parse(input);
      // Alive and at work, however long one message takes: an attempt lost with its worker is retried
      // within the heartbeat timeout (counted from the start until the first beat), not the activity's
      // whole limit. A delivery that ends within the first interval, as nearly all do, beats not once.
      const alive = setInterval(() => heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await deliver(of);
      } finally {
        clearInterval(alive);
      }
    },
  };

  /** The outbox rows of what the mail is about, as a condition. */
  function rowsOf(of: MailOf) {
    if ('noteId' in of) return sql`note_id = ${of.noteId} and condition_id is null`;
    if ('conditionsOf' in of) return sql`note_id = ${of.conditionsOf} and condition_id is not null`;
    return sql`consent_id = ${of.consentId}`;
  }

  async function deliver(of: MailOf): Promise<Tally> {
    const tally: Tally = { sent: 0, failed: await giveUpOnStale(of), skipped: 0 };
    const pending = await sql<{ id: string }[]>`select id from outbox where ${rowsOf(of)} and status = 'pending' order by created_at, id`;
    let left = 0;
    for (const { id } of pending) {
      const outcome = await sql.begin((tx) => sendOne(tx, id));
      if (outcome === 'server') throw ApplicationFailure.retryable('the SMTP server takes no mail now', 'MailServerUnavailable');
      if (outcome === 'left') left += 1;
      else if (outcome) tally[outcome] += 1;
    }
    if (left) throw ApplicationFailure.retryable(`${left} message(s) not delivered yet`, 'MailNotDelivered');
    return tally;
  }

  /** Marks failed what has been tried for longer than MAIL_GIVE_UP_AFTER, also while SMTP stays down. */
  async function giveUpOnStale(of: MailOf): Promise<number> {
    const staleBefore = new Date(Date.now() - mail.giveUpAfterMs);
    // Nearly always there is none: asked first, outside a transaction, that case costs one round trip.
    const [any] = await sql`select 1 from outbox where ${rowsOf(of)} and status = 'pending' and created_at < ${staleBefore} limit 1`;
    if (!any) return 0;
    return sql.begin(async (tx) => {
      const stale = await tx<Failed[]>`
        update outbox set status = 'failed', last_error = ${`not delivered within ${Math.round(mail.giveUpAfterMs / 1000)} s`} || coalesce(': ' || last_error, '')
        where ${rowsOf(of)} and status = 'pending' and created_at < ${staleBefore}
        returning id, note_id, consent_id, recipient_id, kind`;
      for (const row of stale) await recordFailure(tx, row);
      return stale.length;
    });
  }

  /** One message, in its own transaction, which also keeps why a failed try failed. */
  async function sendOne(tx: InTransaction, id: string): Promise<keyof Tally | 'left' | 'server' | undefined> {
    const [row] = await tx<Queued[]>`
      select note_id, consent_id, recipient_id, address, kind, stage, revision, due_at, link_id, created_at, condition_id,
             (select position from conditions c where c.id = condition_id) as condition_position
      from outbox where id = ${id} and status = 'pending' for update nowait`;
    if (!row) return undefined;
    // Asked to decide, but decided meanwhile (mail held up by an outage, say): nothing left to ask.
    if (row.linkId && (await decidedMeanwhile(tx, row))) {
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
      await recordFailure(tx, { ...row, id });
      return 'failed';
    }
    await tx`update outbox set status = 'sent', attempts = attempts + 1, sent_at = now() where id = ${id}`;
    return 'sent';
  }
}

/** Whether the recipient asked to decide has decided meanwhile, on the note or the request. */
function decidedMeanwhile(tx: InTransaction, row: Queued): Promise<boolean> {
  if (row.consentId) return hasDecidedOnConsent(tx, row.recipientId, row.consentId, ConsentStage.parse(row.stage), row.revision);
  return hasDecided(tx, row.recipientId, row.noteId!, row.stage!, row.revision);
}

type Failed = Pick<Queued, 'noteId' | 'consentId' | 'recipientId' | 'kind'> & { id: string };

/** A message that will not go out, on the record of what it was about (its story shows it). */
function recordFailure(tx: InTransaction, row: Failed) {
  const [action, about] = row.consentId ? (['consent.mail_failed', { consentId: row.consentId }] as const) : (['note.mail_failed', {}] as const);
  return appendAudit(tx, { eventKey: `mail/${row.id}/failed`, at: new Date(), actorId: null, action, noteId: row.noteId, details: { ...about, recipients: [row.recipientId], kind: row.kind } });
}
