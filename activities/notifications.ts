import { randomUUID } from 'node:crypto';
import type { InTransaction, Tx } from '../db/client';
import { type NoteState, type Stage, STAGE_ROLE } from '../domain/pipeline';
import type { Role } from '../domain/roles';
import type { ConsentMailKind, MailKind } from './notification-templates';
import type { Transition } from './read-model';

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

/** One message as the outbox keeps it: what it is made of, never the message itself. */
interface OutboxEntry {
  /** Unique per message: a retried request queues nothing twice. */
  key: string;
  /** What the message is about: a note, or a consent request (`consentId`). */
  noteId: string | null;
  consentId?: string;
  recipientId: string;
  kind: MailKind;
  stage: Stage | null;
  revision: number;
  dueAt: string | null;
  /** The review link's id (its `jti`), for a message that asks its recipient to decide. */
  linkId: string | null;
  createdAt: Date;
  /** The condition of the note the message is about, for a condition's mail. */
  conditionId?: string;
}

/** When a message was queued, and whether by this request (`first`) or one before it with the same key. */
export interface QueuedAt {
  at: Date;
  first: boolean;
}

/** Queues one message to the recipient's address; nothing for an unknown recipient. */
async function enqueue(tx: Tx, m: OutboxEntry): Promise<QueuedAt | undefined> {
  // The outer select sees the outbox as it was before the insert: a row there was queued before.
  const [row] = await tx<QueuedAt[]>`
    with queued as (
      insert into outbox (id, key, note_id, recipient_id, address, kind, stage, revision, due_at, link_id, created_at, condition_id, consent_id)
      select ${randomUUID()}, ${m.key}, ${m.noteId}, ${m.recipientId}, email, ${m.kind}, ${m.stage}, ${m.revision}, ${m.dueAt}, ${m.linkId}, ${m.createdAt}, ${m.conditionId ?? null}, ${m.consentId ?? null}
      from people where id = ${m.recipientId}
      on conflict (key) do nothing
      returning created_at)
    select created_at as at, true as first from queued union all select created_at, false from outbox where key = ${m.key}`;
  return row;
}

/**
 * Queues the transition's mail in its own transaction (an outbox): keyed by note, version, kind and
 * recipient, so a retried activity queues nothing twice. The outbox keeps what a message is made of,
 * never the message: a usable review link must not sit in the database, so links (and the text
 * around them) are made when the message is sent. Sending is the workflow's next step.
 */
export async function queueMail(tx: InTransaction, transition: Transition, audience: Addressee[]): Promise<void> {
  const { state } = transition;
  // One statement per recipient, sent together.
  await Promise.all(
    audience.map(({ personId, kind, decides }) =>
      enqueue(tx, {
        key: `${state.noteId}/v${state.version}/${kind}/${personId}`,
        noteId: state.noteId,
        recipientId: personId,
        kind,
        stage: state.stage,
        revision: state.current.revision,
        dueAt: state.stageDueAt,
        linkId: decides ? randomUUID() : null,
        createdAt: new Date(transition.at),
      }),
    ),
  );
}

export interface NewLinkRequest {
  noteId: string;
  personId: string;
  stage: Stage;
  revision: number;
  dueAt: string | null;
  /** The id of the expired link it replaces. */
  expiredLinkId: string;
}

/**
 * Queues a new personal review link for someone whose link expired and who may still decide (the
 * caller checked that): one per expired link, so asking again queues nothing more. Like every review
 * link it is minted when the message is sent, valid from when it was queued.
 */
export async function queueNewReviewLink(sql: Tx, r: NewLinkRequest): Promise<QueuedAt | undefined> {
  const kind: MailKind = 'new_review_link';
  return enqueue(sql, {
    key: `${r.noteId}/${kind}/${r.personId}/${r.expiredLinkId}`,
    noteId: r.noteId,
    recipientId: r.personId,
    kind,
    stage: r.stage,
    revision: r.revision,
    dueAt: r.dueAt,
    linkId: randomUUID(),
    createdAt: new Date(),
  });
}

/** A condition's mail: what it is about, and the event that causes it (unique per condition). */
export interface ConditionMail {
  noteId: string;
  conditionId: string;
  kind: Extract<MailKind, `condition_${string}`>;
  /** Names the event within the condition (`created`, a change's id, a nudge's moment): a retried activity queues nothing twice. */
  event: string;
  revision: number;
  dueAt: string;
  at: Date;
}

/** Queues a condition's mail to each recipient, as a row of its note's outbox, sent with the note's mail. */
export async function queueConditionMail(tx: Tx, m: ConditionMail, recipients: readonly string[]): Promise<void> {
  for (const personId of recipients) {
    await enqueue(tx, {
      key: `${m.noteId}/condition/${m.conditionId}/${m.event}/${m.kind}/${personId}`,
      noteId: m.noteId,
      recipientId: personId,
      kind: m.kind,
      stage: null,
      revision: m.revision,
      dueAt: m.dueAt,
      linkId: null,
      createdAt: m.at,
      conditionId: m.conditionId,
    });
  }
}

/** The active holders of a role: where an overdue condition escalates to. */
export async function holdersOf(tx: Tx, role: Role): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`select id from people where active and ${role} = any(roles) order by id`;
  return rows.map((row) => row.id);
}

/** Queues one message about a consent request (its transition keys it, as a note's are keyed). */
export function queueConsentMail(tx: Tx, m: Omit<OutboxEntry, 'noteId' | 'consentId' | 'kind' | 'conditionId'> & { consentId: string; kind: ConsentMailKind }): Promise<QueuedAt | undefined> {
  return enqueue(tx, { ...m, noteId: null });
}
