import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import { createMailer } from '../clients/mailer';
import { createSql, type Sql } from '../db/client';
import { seed } from '../dev/seed';
import type { NoteState } from '../domain/pipeline';
import { insertDraftNote } from './support/draft-note';
import { runEnv } from './support/run-env';

let sql: Sql;
beforeAll(async () => {
  sql = createSql(runEnv().TEST_DATABASE_URL);
  await seed(sql);
});
afterAll(() => sql?.end());

const at = () => new Date().toISOString();
// recordTransition only queues mail; nothing here sends it, so the transport points nowhere.
const deps = () => ({ sql, mail: { ...createMailer('smtp://127.0.0.1:1', 'test@weighing-notes.invalid'), giveUpAfterMs: 60_000 }, links: { secret: 's'.repeat(32), baseUrl: 'http://x.test', ttlMs: 60_000 } });

describe('recordTransition', () => {
  it('writes a decision, its projection and its audit entry once, however often it is retried', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await insertDraftNote(sql);
    const decisionId = randomUUID();
    const input = {
      state: { ...draft, status: 'ACTIVE' as const, version: 2 },
      at: at(),
      actorId: 'carla.bakker',
      action: 'note.decided' as const,
      decision: { decisionId, stage: 'TEAM_REVIEW' as const, revision: 1, outcome: 'approve' as const },
    };
    await recordTransition(input);
    await recordTransition(input);
    expect(await sql`select id from decisions where note_id = ${draft.noteId}`).toEqual([{ id: decisionId }]);
    expect(await sql`select action from audit_log where note_id = ${draft.noteId}`).toEqual([{ action: 'note.decided' }]);
    expect(await sql`select status, version from notes where id = ${draft.noteId}`).toEqual([{ status: 'ACTIVE', version: 2 }]);
  });

  it('ignores a projection older than the one the read model holds', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await insertDraftNote(sql);
    await recordTransition({ state: { ...draft, status: 'ACTIVE', version: 2 }, at: at(), actorId: 'carla.bakker', action: 'note.decided' });
    await recordTransition({ state: { ...draft, status: 'IN_REVIEW', stage: 'TEAM_REVIEW', version: 1 }, at: at(), actorId: 'bram.jansen', action: 'note.submitted' });
    expect(await sql`select status from notes where id = ${draft.noteId}`).toEqual([{ status: 'ACTIVE' }]);
  });

  it('names a reminder’s recipients: the stage’s reviewers who still owe a decision, never the author', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await insertDraftNote(sql);
    const state: NoteState = { ...draft, status: 'IN_REVIEW', stage: 'LEGAL_REVIEW', version: 3, decisions: [{ decisionId: randomUUID(), actorId: 'daan.visser', stage: 'LEGAL_REVIEW', revision: 1, outcome: 'approve', contentSha256: draft.current.contentSha256, at: at() }] };
    await recordTransition({ state, at: at(), actorId: null, action: 'note.reminder_sent' });
    const [row] = await sql<{ details: { recipients: string[] } }[]>`select details from audit_log where note_id = ${draft.noteId}`;
    expect(row!.details.recipients).toEqual(['eva.smit', 'frank.meijer']);
  });

  it('refuses malformed input before writing anything', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await insertDraftNote(sql);
    const bad = { state: { ...draft, current: { ...draft.current, contentSha256: 'nope' } }, at: 'yesterday', actorId: '', action: 'note.submitted' as const };
    await expect(recordTransition(bad)).rejects.toThrow();
    expect(await sql`select version from notes where id = ${draft.noteId}`).toEqual([{ version: 0 }]);
  });
});

describe('createReassessmentNote', () => {
  it('copies the adopted revision with its author, so the one who wrote the text cannot approve it again', async () => {
    const { createReassessmentNote } = createActivities(deps());
    const old = await insertDraftNote(sql);
    const input = { oldNoteId: old.noteId, newNoteId: randomUUID(), partnerId: old.partnerId, drafterId: 'anna.devries', fromRevision: 1, actorId: 'gert.mulder', at: at() };
    const facts = await createReassessmentNote(input);
    expect(await createReassessmentNote(input)).toEqual(facts);
    expect(facts).toMatchObject({ revision: 1, authorId: 'bram.jansen', contentSha256: old.current.contentSha256 });
    const [revision] = await sql<{ authorId: string }[]>`select author_id from note_revisions where note_id = ${input.newNoteId}`;
    const [note] = await sql<{ drafterId: string }[]>`select drafter_id from notes where id = ${input.newNoteId}`;
    expect([revision!.authorId, note!.drafterId]).toEqual(['bram.jansen', 'anna.devries']);
  });
});
