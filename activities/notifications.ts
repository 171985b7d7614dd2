import { randomUUID } from 'node:crypto';
import { heartbeat } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { appendAudit } from '../db/audit';
import { hasDecided } from '../db/notes';
import type { InTransaction, Sql } from '../db/client';
import { noteRef } from '../domain/wording';
import { type NoteState, type Stage, STAGE_ROLE } from '../domain/pipeline';
import { signReviewLink } from '../domain/review-link';
import type { Role } from '../domain/roles';
import { type MailKind, renderMail } from './notification-templates';
import type { Transition } from './read-model';

export interface ReviewLinkConfig {
  secret: string;
  /** Base of the links in emails (PUBLIC_BASE_URL). */
  baseUrl: string;
  ttlMs: number;
}

export interface MailConfig {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
}

interface Addressee {
  personId: string;
  kind: MailKind;
  /** Asked to decide: gets a personal review link. */
  decides: boolean;
}

/** Holders of a role who may still act on the open stage: not the revision's author, not those who decided. */
async function owing(tx: InTransaction, state: NoteState, role: Role): Promise<string[]> {
  const decided = state.decisions.filter((d) => d.stage === state.stage && d.revision === state.current.revision).map((d) => d.actorId);
  const rows = await tx<{ id: string }[]>`
    select id from people where active and ${role} = any(roles) and id not in ${tx([state.current.authorId, ...decided])} order by id`;
  return rows.map((row) => row.id);
}

/** Who gets what for one transition (API.md, Email). */
export async function audienceFor(tx: InTransaction, { state, action, decision }: Transition): Promise<Addressee[]> {
  const to = (ids: string[], kind: MailKind, decides = false) => ids.map((personId) => ({ personId, kind, decides }));
  const stageOpened = action === 'note.submitted' || (decision?.outcome === 'approve' && state.status === 'IN_REVIEW' && state.stage !== decision.stage);
  if (stageOpened) return to(await owing(tx, state, STAGE_ROLE[state.stage!]), 'review_requested', true);
  if (action === 'note.reminder_sent') return to(await owing(tx, state, STAGE_ROLE[state.stage!]), 'reminder', true);
  if (action === 'note.escalated') return to(await owing(tx, state, state.policy.escalationRole), 'escalation');
  if (action === 'note.review_reminder_sent') return to([state.drafterId], 'review_due_soon');
  if (decision?.outcome === 'reject') return to([state.drafterId], 'rejected');
  if (decision?.outcome === 'request_changes') return to([state.drafterId], 'changes_requested');
  if (decision?.outcome === 'approve' && state.status === 'ACTIVE') return to([state.drafterId], 'adopted');
  return [];
}

/**
 * Queues the transition's mail in its own transaction (an outbox): keyed by note, version, kind and
 * recipient, so a retried activity queues nothing twice. The outbox keeps what a message is made of,
 * never the message: a usable review link must not sit in the database, so links (and the text
 * around them) are made when the message is sent. Sending is the workflow's next step.
 */
export async function queueMail(tx: InTransaction, transition: Transition, audience: Addressee[]): Promise<void> {
  const { state } = transition;
  for (const { personId, kind, decides } of audience) {
    const [person] = await tx<{ email: string }[]>`select email from people where id = ${personId}`;
    if (!person) continue;
    await tx`
      insert into outbox (id, key, note_id, recipient_id, address, kind, stage, revision, due_at, link_id, created_at)
      values (${randomUUID()}, ${`${state.noteId}/v${state.version}/${kind}/${personId}`}, ${state.noteId}, ${personId}, ${person.email},
              ${kind}, ${state.stage}, ${state.current.revision}, ${state.stageDueAt}, ${decides ? randomUUID() : null}, ${new Date(transition.at)})
      on conflict (key) do nothing`;
  }
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
  return renderMail(row.kind, { ref: noteRef(row.noteId), stage: row.stage, dueAt: row.dueAt?.toISOString() ?? null, link, baseUrl: links.baseUrl });
}

/**
 * A recipient refused with a 5xx (no such mailbox) can never be reached; anything else (a server
 * down, refusing our login or our sender) may pass later, so the activity retries.
 */
function isRefusedRecipient(error: unknown): boolean {
  const { code, responseCode, rejected } = error as { code?: string; responseCode?: number; rejected?: unknown[] };
  return code === 'EENVELOPE' && Number(responseCode) >= 500 && Array.isArray(rejected) && rejected.length > 0;
}

export const DeliveryInput = z.object({ noteId: z.uuid() });
const HEARTBEAT_EVERY_MS = 5_000;

export function createNotificationActivities({ sql, mail, links }: { sql: Sql; mail: MailConfig; links: ReviewLinkConfig }) {
  return {
    /**
     * Sends the note's queued mail. Each message is locked, sent and marked in one transaction, so
     * a retry after a crash resends nothing already marked; SMTP down fails the activity, which
     * Temporal retries with backoff; a refused address fails that message alone, visibly. A row still
     * locked by an attempt Temporal has given up on fails this one too (nowait), so it is retried
     * rather than skipped.
     */
    async deliverNotifications(input: z.infer<typeof DeliveryInput>): Promise<{ sent: number; failed: number; skipped: number }> {
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

  async function deliver(noteId: string): Promise<{ sent: number; failed: number; skipped: number }> {
    const pending = await sql<{ id: string }[]>`select id from outbox where note_id = ${noteId} and status = 'pending' order by created_at, id`;
    const tally = { sent: 0, failed: 0, skipped: 0 };
    for (const { id } of pending) {
      await sql.begin(async (tx) => {
        const [row] = await tx<Queued[]>`
          select note_id, recipient_id, address, kind, stage, revision, due_at, link_id, created_at
          from outbox where id = ${id} and status = 'pending' for update nowait`;
        if (!row) return;
        // Asked to decide, but decided meanwhile (mail held up by an outage, say): nothing left to ask.
        if (row.linkId && (await hasDecided(tx, row.recipientId, noteId, row.stage!, row.revision))) {
          await tx`update outbox set status = 'skipped' where id = ${id}`;
          tally.skipped += 1;
          return;
        }
        const message = await render(row, links);
        try {
          await mail.transport.sendMail({ from: mail.from, to: row.address, ...message, messageId: `<${id}@weighing-notes>` });
        } catch (error) {
          if (!isRefusedRecipient(error)) throw error;
          await tx`update outbox set status = 'failed', attempts = attempts + 1, last_error = ${(error as Error).message} where id = ${id}`;
          await appendAudit(tx, { eventKey: `mail/${id}/failed`, at: new Date(), actorId: null, action: 'note.mail_failed', noteId, details: { recipients: [row.recipientId], kind: row.kind } });
          tally.failed += 1;
          return;
        }
        await tx`update outbox set status = 'sent', attempts = attempts + 1, sent_at = now() where id = ${id}`;
        tally.sent += 1;
      });
    }
    return tally;
  }
}
