import { z } from 'zod';
import { appendAudit } from '../db/audit';
import type { Sql } from '../db/client';
import { findRevision, insertNote } from '../db/notes';
import { Revision, revisionFacts, type RevisionFacts } from '../domain/pipeline';

export const ReassessmentInput = z.object({
  oldNoteId: z.uuid(),
  newNoteId: z.uuid(),
  partnerId: z.uuid(),
  drafterId: z.string().min(1),
  /** The adopted revision whose content the new note starts from. */
  fromRevision: Revision,
  actorId: z.string().min(1).nullable(),
  at: z.iso.datetime(),
});
export type ReassessmentInput = z.infer<typeof ReassessmentInput>;

export function createReassessmentActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * The new note of a re-assessment, revision 1 copied from the adopted revision, its author with
     * it. Idempotent by the new note's id, which the workflow chose, so a retry creates nothing twice.
     */
    async createReassessmentNote(input: ReassessmentInput): Promise<RevisionFacts> {
      const { oldNoteId, newNoteId, partnerId, drafterId, fromRevision, actorId, at } = ReassessmentInput.parse(input);
      return sql.begin(async (tx) => {
        const adopted = await findRevision(tx, oldNoteId, fromRevision);
        if (!adopted) throw new Error(`note ${oldNoteId} has no revision ${fromRevision}`);
        // The copied text keeps its author: four eyes hold, whoever now drafts the re-assessment.
        await insertNote(tx, { id: newNoteId, partnerId, drafterId, supersedes: oldNoteId, content: adopted.content, contentSha256: adopted.contentSha256, authorId: adopted.authorId });
        await appendAudit(tx, {
          eventKey: `note-${newNoteId}/created`,
          at: new Date(at),
          actorId,
          action: 'note.created',
          noteId: newNoteId,
          details: { revision: 1, contentSha256: adopted.contentSha256, partnerId, reassesses: oldNoteId },
        });
        return revisionFacts(adopted.content, 1, adopted.contentSha256, adopted.authorId);
      });
    },
  };
}
