import { randomUUID } from 'node:crypto';
import type { InTransaction } from '../db/client';
import { type NoteState, STAGE_ROLE } from '../domain/pipeline';
import type { Role } from '../domain/roles';
import type { MailKind } from './notification-templates';
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
