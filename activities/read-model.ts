import { z } from 'zod';
import { NoteState, Outcome, Stage } from '../domain/pipeline';
import { appendAudit } from '../db/audit';
import type { Sql } from '../db/client';
import { insertDecision, projectState } from '../db/notes';

/** A transition the workflow made: what the read model and the audit trail record of it. */
export const Transition = z.object({
  state: NoteState,
  at: z.iso.datetime(),
  actorId: z.string().min(1),
  action: z.enum(['note.submitted', 'note.decided']),
  decision: z
    .object({ decisionId: z.uuid(), stage: Stage, revision: z.number().int().positive(), outcome: Outcome })
    .optional(),
});
export type Transition = z.infer<typeof Transition>;

export function createReadModelActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Idempotent: the audit entry is keyed by the state's version, the decision by its id, and the
     * projection skips versions it has seen, so a retried or replayed call writes nothing twice.
     */
    async recordTransition(input: Transition): Promise<void> {
      const { state, at, actorId, action, decision } = Transition.parse(input);
      const when = new Date(at);
      await sql.begin(async (tx) => {
        await projectState(tx, state);
        if (decision) {
          await insertDecision(tx, {
            id: decision.decisionId,
            noteId: state.noteId,
            stage: decision.stage,
            revision: decision.revision,
            actorId,
            outcome: decision.outcome,
            contentSha256: state.contentSha256,
            decidedAt: when,
          });
        }
        await appendAudit(tx, {
          eventKey: `note-${state.noteId}/v${state.version}`,
          at: when,
          actorId,
          action,
          noteId: state.noteId,
          details: { status: state.status, stage: state.stage, revision: state.revision, contentSha256: state.contentSha256, ...decision },
        });
      });
    },
  };
}
