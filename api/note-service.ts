import { randomUUID } from 'node:crypto';
import { auditContentRead } from '../db/audit';
import type { Sql } from '../db/client';
import { noteHistory } from '../db/history';
import {
  contentSha256,
  currentNoteOf,
  dropPendingRevision,
  dropUnstartedNote,
  findRevision,
  insertNote,
  insertRevision,
  isSecondCurrentNote,
  listNotes,
  markStarted,
  type NoteFilter,
  tasksFor,
  type NoteView,
} from '../db/notes';
import type { PageRequest } from '../db/page';
import { findPartner } from '../db/partners';
import { readGrant } from '../domain/need-to-know';
import { findGaps, type NoteContent } from '../domain/note-content';
import { isFinal, newNoteState, type Outcome, type Policy, REVIEWING_ROLES, revisionFacts, type Stage } from '../domain/pipeline';
import type { Actor } from '../domain/roles';
import { aheadOf } from '../domain/route-ahead';
import { decideUpdate, reassessUpdate, reviseUpdate, submitUpdate, withdrawUpdate } from '../workflows';
import { requireRole } from './auth';
import { ApiError } from './errors';
import { readableNote, shownNote } from './note-access';
import { stagedText } from './staged-text';
import type { NoteWorkflows } from './note-workflow';

export interface NoteServiceDeps {
  sql: Sql;
  notes: NoteWorkflows;
  /** The rules each new note's workflow is started with. */
  policy: Policy;
  reviewDateMaxMs: number;
  temporalCallTimeoutMs: number;
}

export interface DecisionInput {
  outcome: Outcome;
  revision: number;
  stage: Stage;
  comment?: string;
}

export { UnderWay } from './staged-text';

/** A note as the answer to a change shows it: everything but the content. */
export type NoteAfterChange = Omit<NoteView & ReturnType<typeof aheadOf>, 'content'>;

/**
 * What staff do with notes, for the JSON API and the staff pages alike: each rule is checked here (or
 * in the domain and the workflow behind it) once, whichever door the request came through. Refusals
 * are ApiErrors, which routes answer as JSON and pages as words beside the form.
 */
export function noteService({ sql, notes, policy, reviewDateMaxMs, temporalCallTimeoutMs }: NoteServiceDeps) {
  const access = { sql, notes };

  /** A note as every answer shows it: with the route ahead of it. */
  const withRoute = (note: NoteView) => ({ ...note, ...aheadOf(note, policy) });

  /** A note this person may read whose approval has not ended. */
  async function open(actor: Actor, id: string): Promise<NoteView> {
    const note = await readableNote(access, actor, id);
    if (isFinal(note.status)) throw new ApiError(409, `the note is ${note.status}; its approval has ended`);
    return note;
  }

  /** The note as it now stands, its content read on the record (a read, or the answer to a draft). */
  const show = async (actor: Actor, id: string, what: string) => withRoute(await shownNote(access, actor, id, what));

  /**
   * The answer to a submission, decision or withdrawal: the note's new state, route and approvals, not
   * its content, which the caller read before (on the record) and did not change. No read to record,
   * and no classified text sent back that no one asked for.
   */
  async function stateAfter(actor: Actor, id: string): Promise<NoteAfterChange> {
    const { content, ...state } = withRoute(await readableNote(access, actor, id));
    return state;
  }

  /**
   * One current note per partner (DOMAIN.md): refused while the partner has a note in progress or
   * ACTIVE, whose re-assessment is the way to assess it anew. A note whose creating request never
   * heard back counts until it is known never to have started: past the longest its start could
   * take, without an execution.
   */
  async function refuseSecondNote(partnerId: string): Promise<void> {
    const current = await currentNoteOf(sql, partnerId);
    if (!current) return;
    if (!current.started && current.ageMs > 2 * temporalCallTimeoutMs && !(await notes.exists(current.id))) {
      await dropUnstartedNote(sql, current.id);
      return refuseSecondNote(partnerId);
    }
    throw secondNote(current.id);
  }
  const secondNote = (noteId: string | undefined) =>
    new ApiError(409, `the partner has a current note${noteId ? ` (${noteId})` : ''}: assess it anew by re-assessing that note once it is ACTIVE`, noteId ? { noteId } : undefined);

  /** Runs a request whose free text is kept in PostgreSQL under its id (`stagedText`). */
  const withText = stagedText(sql, temporalCallTimeoutMs);

  return {
    show,
    list: (actor: Actor, filter: NoteFilter) => listNotes(sql, filter, readGrant(actor)),

    /** The caller's inbox: open stages they may decide, oldest due first. */
    tasks(actor: Actor, page: PageRequest) {
      requireRole(actor, ...REVIEWING_ROLES);
      return tasksFor(sql, actor.id, readGrant(actor), page);
    },

    /** The note's story; it carries decision comments, which are content. */
    async history(actor: Actor, id: string) {
      return noteHistory(sql, await shownNote(access, actor, id, 'history'));
    },

    async workflowState(actor: Actor, id: string) {
      const note = await readableNote(access, actor, id);
      const state = await notes.state(note.id);
      await auditContentRead(sql, actor.id, note.id, 'workflow state', note.revision);
      return state;
    },

    async create(actor: Actor, { partnerId, content }: { partnerId: string; content: NoteContent }) {
      requireRole(actor, 'drafter');
      if (!(await findPartner(sql, partnerId))) throw new ApiError(404, 'no such partner');
      await refuseSecondNote(partnerId);
      const id = randomUUID();
      const hash = contentSha256(content);
      const state = newNoteState({ noteId: id, partnerId, drafterId: actor.id, supersedes: null, current: revisionFacts(content, 1, hash, actor.id), policy });
      // The note exists for no one until its execution does; no transaction or lock waits on Temporal.
      const note = { id, partnerId, drafterId: actor.id, supersedes: null, content, contentSha256: hash };
      try {
        await sql.begin((tx) => insertNote(tx, { ...note, started: false }));
      } catch (error) {
        // Another note for the partner, made at the same moment, came first.
        if (isSecondCurrentNote(error)) throw secondNote((await currentNoteOf(sql, partnerId))?.id);
        throw error;
      }
      try {
        await notes.start(state);
      } catch (error) {
        // Whether it started is unknown: a later read of this id asks Temporal (`readableNote`).
        if (error instanceof ApiError) throw error;
        throw new ApiError(503, 'Temporal did not confirm the note’s start in time; try again, or read the note, which exists if it started', { id });
      }
      await sql.begin((tx) => markStarted(tx, note));
      return { id, status: 'DRAFT' as const, revision: 1 };
    },

    async saveDraft(actor: Actor, id: string, { content, baseRevision }: { content: NoteContent; baseRevision: number }) {
      const note = await open(actor, id);
      if (actor.id !== note.drafterId) throw new ApiError(403, 'only the note’s drafter may revise it');
      if (baseRevision !== note.revision) throw new ApiError(409, `revision ${baseRevision} is not the latest (${note.revision})`, { latestRevision: note.revision });
      const revision = note.revision + 1;
      const hash = contentSha256(content);
      // Saved pending, then offered to the workflow, whose projection accepts it: the note shows its
      // current revision throughout, and of two saves of one base the workflow takes one.
      const saved = await insertRevision(sql, { noteId: note.id, revision, content, contentSha256: hash, authorId: actor.id, accepted: false });
      try {
        await notes.update(note.id, reviseUpdate, { actor, facts: revisionFacts(content, revision, hash, actor.id) });
      } catch (error) {
        // Refused, it was never the note's text; after an unknown outcome it may yet be, so it stays (pending, unseen).
        if (saved && error instanceof ApiError && error.status < 500) await dropPendingRevision(sql, note.id, revision, hash);
        throw error;
      }
      return show(actor, note.id, 'draft response');
    },

    async submit(actor: Actor, id: string, revision?: number) {
      const note = await open(actor, id);
      if (actor.id !== note.drafterId) throw new ApiError(403, 'only the note’s drafter may submit it');
      const submitted = revision ?? note.revision;
      const stored = await findRevision(sql, note.id, submitted);
      if (stored) {
        const gaps = findGaps(stored.content, { now: new Date(), maxAheadMs: reviewDateMaxMs });
        if (gaps.length) throw new ApiError(422, `revision ${submitted} is incomplete`, gaps);
      }
      // The partner's SRM priority as it goes into review sets, with its risk, when the adopted note is reviewed.
      const partnerPriority = (await findPartner(sql, note.partnerId))?.srmPriority ?? null;
      await notes.update(note.id, submitUpdate, { actor, revision: submitted, partnerPriority });
      return stateAfter(actor, note.id);
    },

    /** `decisionId`: a review link's own id, which the workflow accepts once, so that the link works once. */
    async decide(actor: Actor, id: string, { comment, ...decision }: DecisionInput, decisionId: string = randomUUID()) {
      const note = await open(actor, id);
      // Comments are content: they stay in PostgreSQL, the workflow sees only the decision's id.
      await withText(decisionId, comment, () => notes.update(note.id, decideUpdate, { decisionId, actor, ...decision }));
      return stateAfter(actor, note.id);
    },

    async withdraw(actor: Actor, id: string, reason: string) {
      const note = await open(actor, id);
      const eventId = randomUUID();
      await withText(eventId, reason, () => notes.update(note.id, withdrawUpdate, { eventId, actor }));
      return stateAfter(actor, note.id);
    },

    async reassess(actor: Actor, id: string, reason: string): Promise<{ id: string }> {
      const note = await open(actor, id);
      const eventId = randomUUID();
      const { noteId } = await withText(eventId, reason, () => notes.update(note.id, reassessUpdate, { eventId, actor }));
      return { id: noteId };
    },
  };
}
export type NoteService = ReturnType<typeof noteService>;
