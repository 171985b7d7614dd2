import { z } from 'zod';
import { NoteState, Outcome, STAGE_ROLE, Stage } from '../domain/pipeline';
import type { Role } from '../domain/roles';
import { appendAudit } from '../db/audit';
import type { Sql, Tx } from '../db/client';
import { insertDecision, projectState } from '../db/notes';

export const TRANSITION_ACTIONS = [
  'note.submitted',
  'note.revised',
  'note.decided',
  'note.withdrawn',
  'note.reminder_sent',
  'note.escalated',
  'note.review_reminder_sent',
  'note.reassessment_started',
  'note.reassessment_ended',
  'note.superseded',
] as const;

/** A transition the workflow made: what the read model and the audit trail record of it. */
export const Transition = z.object({
  state: NoteState,
  at: z.iso.datetime(),
  /** Null when a deadline, not a person, caused it. */
  actorId: z.string().min(1).nullable(),
  action: z.enum(TRANSITION_ACTIONS),
  /** The request's id where one came with free text (comments table), or the new note of a re-assessment. */
  ref: z.uuid().optional(),
  decision: z.object({ decisionId: z.uuid(), stage: Stage, revision: z.number().int().positive(), outcome: Outcome }).optional(),
});
export type Transition = z.infer<typeof Transition>;

/** Who a reminder or escalation is for: the stage's reviewers who still owe a decision, or the escalation role. */
async function recipients(tx: Tx, state: NoteState, action: Transition['action']): Promise<string[]> {
  if (action !== 'note.reminder_sent' && action !== 'note.escalated') return [];
  const role: Role = action === 'note.escalated' ? state.policy.escalationRole : STAGE_ROLE[state.stage!];
  const decided = state.decisions.filter((d) => d.stage === state.stage && d.revision === state.current.revision).map((d) => d.actorId);
  const excluded = [state.current.authorId, ...decided];
  const rows = await tx<{ id: string }[]>`
    select id from people where active and ${role} = any(roles) and id not in ${tx(excluded)} order by id`;
  return rows.map((row) => row.id);
}

export function createReadModelActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Idempotent: the audit entry is keyed by the state's version, the decision by its id, and the
     * projection skips versions it has seen, so a retried or replayed call writes nothing twice.
     */
    async recordTransition(input: Transition): Promise<void> {
      const { state, at, actorId, action, ref, decision } = Transition.parse(input);
      const when = new Date(at);
      await sql.begin(async (tx) => {
        await projectState(tx, state);
        if (decision) {
          await insertDecision(tx, { ...decision, id: decision.decisionId, noteId: state.noteId, actorId: actorId!, contentSha256: state.current.contentSha256, decidedAt: when });
        }
        await appendAudit(tx, {
          eventKey: `note-${state.noteId}/v${state.version}`,
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
            ...(action === 'note.reminder_sent' || action === 'note.escalated' ? { recipients: await recipients(tx, state, action) } : {}),
          },
        });
      });
    },
  };
}
