import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import { createSql, type Sql } from '../db/client';
import { contentSha256, insertNote } from '../db/notes';
import { seed } from '../dev/seed';
import { SEED_PARTNERS } from '../dev/seed-data';
import { NoteContent } from '../domain/note-content';
import type { NoteState } from '../domain/pipeline';
import { runEnv } from './support/run-env';

let sql: Sql;
beforeAll(async () => {
  sql = createSql(runEnv().TEST_DATABASE_URL);
  await seed(sql);
});
afterAll(() => sql?.end());

async function draftNote(): Promise<NoteState> {
  const noteId = randomUUID();
  const content = NoteContent.parse({});
  const hash = contentSha256(content);
  const partnerId = SEED_PARTNERS[1]!.id;
  await insertNote(sql, { id: noteId, partnerId, drafterId: 'bram.jansen', content, contentSha256: hash });
  return { noteId, partnerId, drafterId: 'bram.jansen', status: 'DRAFT', stage: null, revision: 1, revisionAuthorId: 'bram.jansen', contentSha256: hash, version: 0, decisions: [] };
}

describe('recordTransition', () => {
  it('writes a decision, its projection and its audit entry once, however often it is retried', async () => {
    const { recordTransition } = createActivities({ sql });
    const draft = await draftNote();
    const decisionId = randomUUID();
    const adopted: NoteState = { ...draft, status: 'ADOPTED', version: 2 };
    const input = {
      state: adopted,
      at: new Date().toISOString(),
      actorId: 'carla.bakker',
      action: 'note.decided' as const,
      decision: { decisionId, stage: 'TEAM_REVIEW' as const, revision: 1, outcome: 'approve' as const },
    };
    await recordTransition(input);
    await recordTransition(input);
    expect(await sql`select id from decisions where note_id = ${draft.noteId}`).toEqual([{ id: decisionId }]);
    expect(await sql`select action from audit_log where note_id = ${draft.noteId}`).toEqual([{ action: 'note.decided' }]);
    expect(await sql`select status, version from notes where id = ${draft.noteId}`).toEqual([{ status: 'ADOPTED', version: 2 }]);
  });

  it('ignores a projection older than the one the read model holds', async () => {
    const { recordTransition } = createActivities({ sql });
    const draft = await draftNote();
    const at = new Date().toISOString();
    await recordTransition({ state: { ...draft, status: 'ADOPTED', version: 2 }, at, actorId: 'carla.bakker', action: 'note.decided' });
    await recordTransition({ state: { ...draft, status: 'IN_REVIEW', stage: 'TEAM_REVIEW', version: 1 }, at, actorId: 'bram.jansen', action: 'note.submitted' });
    expect(await sql`select status from notes where id = ${draft.noteId}`).toEqual([{ status: 'ADOPTED' }]);
  });

  it('refuses malformed input before writing anything', async () => {
    const { recordTransition } = createActivities({ sql });
    const draft = await draftNote();
    await expect(recordTransition({ state: { ...draft, contentSha256: 'nope' }, at: 'yesterday', actorId: '', action: 'note.submitted' })).rejects.toThrow();
    expect(await sql`select version from notes where id = ${draft.noteId}`).toEqual([{ version: 0 }]);
  });
});
