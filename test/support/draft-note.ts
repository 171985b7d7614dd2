import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/client';
import { contentSha256, insertNote } from '../../db/notes';
import { NoteContent } from '../../domain/note-content';
import { DEFAULT_POLICY, newNoteState, type NoteState, revisionFacts } from '../../domain/pipeline';
import { newPartner } from './notes';

/** A draft by bram.jansen straight into the read model, and the state its workflow would hold: for activity tests. */
export async function insertDraftNote(sql: Sql): Promise<NoteState> {
  const noteId = randomUUID();
  const content = NoteContent.parse({});
  const hash = contentSha256(content);
  const partnerId = (await newPartner(sql)).id;
  await insertNote(sql, { id: noteId, partnerId, drafterId: 'bram.jansen', supersedes: null, content, contentSha256: hash });
  return newNoteState({ noteId, partnerId, drafterId: 'bram.jansen', supersedes: null, current: revisionFacts(content, 1, hash, 'bram.jansen'), policy: DEFAULT_POLICY });
}
