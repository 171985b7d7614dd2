import { z } from 'zod';
import { TRANSITION_ACTIONS } from '../domain/note-story';
import { NoteState, Outcome, Revision, Stage } from '../domain/pipeline';
import { audienceFor, queueMail } from './notifications';
import { appendAudit, holdAuditTail } from '../db/audit';
import type { Sql } from '../db/client';
import { insertDecision, projectState } from '../db/notes';

/** A transition the workflow made: what the read model and the audit trail record of it. */
export const Transition = z.object({
  state: NoteState,
  at: z.iso.datetime(),
  /** Null when a deadline, not a person, caused it. */
  actorId: z.string().min(1).nullable(),
  action: z.enum(TRANSITION_ACTIONS),
  /** The request's id where one came with free text (comments table), or the new note of a re-assessment. */
  ref: z.uuid().optional(),
  decision: z.object({ decisionId: z.uuid(), stage: Stage, revision: Revision, outcome: Outcome }).optional(),
});
export type Transition = z.infer<typeof Transition>;

export function createReadModelActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Idempotent: the audit entry is keyed by the state's version, the decision by its id, the mail
     * by version and recipient, and the projection skips versions it has seen, so a retried or
     * replayed call writes nothing twice.
     */
    async recordTransition(input: Transition): Promise<void> {
      const transition = Transition.parse(input);
      const { state, at, actorId, action, ref, decision } = transition;
      const when = new Date(at);
      const eventKey = `note-${state.noteId}/v${state.version}`;
      // Statements that wait on no other's answer go out together (pipelined on the transaction's one
      // connection): four round trips in all (begin; the projection and the reads, the chain's lock
      // taken last; the writes that need their answers; commit). The lock is held for the last two.
      await sql.begin(async (tx) => {
        const [audience, , , tail] = await Promise.all([
          audienceFor(tx, transition),
          projectState(tx, state),
          decision && insertDecision(tx, { ...decision, id: decision.decisionId, noteId: state.noteId, actorId: actorId!, contentSha256: state.current.contentSha256, decidedAt: when }),
          holdAuditTail(tx, eventKey),
        ]);
        const entry = {
          eventKey,
          at: when,
          actorId,
          action,
          noteId: state.noteId,
          details: {
            status: state.status,
            stage: state.stage,
            revision: state.current.revision,
            contentSha256: state.current.contentSha256,
            ...(ref ? { ref } : {}),
            ...(action === 'note.reassessment_started' ? { reassessment: state.reassessment } : {}),
            ...(decision ? { decisionId: decision.decisionId, outcome: decision.outcome, decidedStage: decision.stage } : {}),
            ...(audience.length ? { recipients: audience.map((a) => a.personId) } : {}),
          },
        };
        await Promise.all([queueMail(tx, transition, audience), appendAudit(tx, entry, tail)]);
      });
    },
  };
}
