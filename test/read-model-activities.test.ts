import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { createMailer } from '../clients/mailer';
import { createSql, type Sql } from '../db/client';
import { contentSha256, insertDecision, insertNote } from '../db/notes';
import { seed } from '../dev/seed';
import { SEED_PARTNERS } from '../dev/seed-data';
import { NoteContent } from '../domain/note-content';
import { DEFAULT_POLICY, newNoteState, type NoteState, revisionFacts } from '../domain/pipeline';
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
  await insertNote(sql, { id: noteId, partnerId, drafterId: 'bram.jansen', supersedes: null, content, contentSha256: hash });
  return newNoteState({ noteId, partnerId, drafterId: 'bram.jansen', supersedes: null, current: revisionFacts(content, 1, hash, 'bram.jansen'), policy: DEFAULT_POLICY });
}

const at = () => new Date().toISOString();
// recordTransition only queues mail; nothing here sends it, so the transport points nowhere.
const deps = () => ({ sql, mail: createMailer('smtp://127.0.0.1:1', 'test@weighing-notes.invalid'), links: { secret: 's'.repeat(32), baseUrl: 'http://x.test', ttlMs: 60_000 } });

describe('recordTransition', () => {
  it('writes a decision, its projection and its audit entry once, however often it is retried', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await draftNote();
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
    const draft = await draftNote();
    await recordTransition({ state: { ...draft, status: 'ACTIVE', version: 2 }, at: at(), actorId: 'carla.bakker', action: 'note.decided' });
    await recordTransition({ state: { ...draft, status: 'IN_REVIEW', stage: 'TEAM_REVIEW', version: 1 }, at: at(), actorId: 'bram.jansen', action: 'note.submitted' });
    expect(await sql`select status from notes where id = ${draft.noteId}`).toEqual([{ status: 'ACTIVE' }]);
  });

  it('names a reminder’s recipients: the stage’s reviewers who still owe a decision, never the author', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await draftNote();
    const state: NoteState = { ...draft, status: 'IN_REVIEW', stage: 'LEGAL_REVIEW', version: 3, decisions: [{ decisionId: randomUUID(), actorId: 'daan.visser', stage: 'LEGAL_REVIEW', revision: 1, outcome: 'approve', contentSha256: draft.current.contentSha256, at: at() }] };
    await recordTransition({ state, at: at(), actorId: null, action: 'note.reminder_sent' });
    const [row] = await sql<{ details: { recipients: string[] } }[]>`select details from audit_log where note_id = ${draft.noteId}`;
    expect(row!.details.recipients).toEqual(['eva.smit', 'frank.meijer']);
  });

  it('refuses malformed input before writing anything', async () => {
    const { recordTransition } = createActivities(deps());
    const draft = await draftNote();
    const bad = { state: { ...draft, current: { ...draft.current, contentSha256: 'nope' } }, at: 'yesterday', actorId: '', action: 'note.submitted' as const };
    await expect(recordTransition(bad)).rejects.toThrow();
    expect(await sql`select version from notes where id = ${draft.noteId}`).toEqual([{ version: 0 }]);
  });
});

describe('createReassessmentNote', () => {
  it('copies the adopted revision with its author, so the one who wrote the text cannot approve it again', async () => {
    const { createReassessmentNote } = createActivities(deps());
    const old = await draftNote();
    const input = { oldNoteId: old.noteId, newNoteId: randomUUID(), partnerId: old.partnerId, drafterId: 'anna.devries', fromRevision: 1, actorId: 'gert.mulder', at: at() };
    const facts = await createReassessmentNote(input);
    expect(await createReassessmentNote(input)).toEqual(facts);
    expect(facts).toMatchObject({ revision: 1, authorId: 'bram.jansen', contentSha256: old.current.contentSha256 });
    const [revision] = await sql<{ authorId: string }[]>`select author_id from note_revisions where note_id = ${input.newNoteId}`;
    const [note] = await sql<{ drafterId: string }[]>`select drafter_id from notes where id = ${input.newNoteId}`;
    expect([revision!.authorId, note!.drafterId]).toEqual(['bram.jansen', 'anna.devries']);
  });
});

describe('deliverNotifications', () => {
  it('sends no review mail to someone who decided meanwhile (the mail was held up), and marks it skipped', async () => {
    // The transport points nowhere: sending anything would fail the activity.
    const { recordTransition, deliverNotifications } = createActivities(deps());
    const draft = await draftNote();
    const submitted: NoteState = { ...draft, status: 'IN_REVIEW', stage: 'TEAM_REVIEW', stageDueAt: at(), version: 1 };
    await recordTransition({ state: submitted, at: at(), actorId: 'bram.jansen', action: 'note.submitted' });
    await insertDecision(sql, { id: randomUUID(), noteId: draft.noteId, stage: 'TEAM_REVIEW', revision: 1, actorId: 'carla.bakker', outcome: 'approve', contentSha256: draft.current.contentSha256, decidedAt: new Date() });
    // In an activity's context, as the worker runs it (it heartbeats).
    expect(await new MockActivityEnvironment().run(deliverNotifications, { noteId: draft.noteId })).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(await sql`select recipient_id, status from outbox where note_id = ${draft.noteId}`).toEqual([{ recipientId: 'carla.bakker', status: 'skipped' }]);
  });
});
