import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contentSha256, type NoteView } from '../../db/notes';
import { findPartner } from '../../db/partners';
import { NoteContent } from '../../domain/note-content';
import { draftRefusal, Revision } from '../../domain/pipeline';
import { cadenceInWords, noteRef } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError, isUnavailable } from '../errors';
import { partnerService } from '../partner-service';
import { type EditorPage, editorPath, type FormSettings, type Message, notePath, sendEditor, sendNewNote, standingInWords, versionsView } from './draft-page';
import { type FieldProblem, formValues, NoteFormBody, type NoteFormValues, readContent } from './note-form';
import { carriedConditionsView } from './conditions';
import { refusalInWords } from './refusal-words';
import { STAFF_PREFIX } from './render';

/**
 * The draft editor, a new note, and submitting: forms over the note service's `create`, `saveDraft`
 * and `submit`, which decide everything; these pages only keep what a person typed whenever one of
 * them refuses, and say why beside the field it is about.
 */

const Params = z.object({ id: z.uuid() });
const EditorQuery = z.object({ done: z.literal('saved').optional() }).catch({});
const NewNoteQuery = z.object({ partnerId: z.uuid().optional() }).catch({});
/** The revision the editor was loaded with: a save builds on it, or is refused as a conflict. */
const EditorForm = z.object({ baseRevision: z.coerce.number().pipe(Revision) });
/** A submit from the note's page: the revision it showed, or the current one. */
const SubmitForm = z.object({ revision: z.coerce.number().pipe(Revision).optional() });
const NewNoteForm = z.object({ partnerId: z.string().default('') });
/** The gaps a 422 of `submit` lists (`findGaps`). */
const Gaps = z.array(z.object({ field: z.string(), problem: z.string() }));

/** A form of ours that did not come as its page sends it (tampered with, or from an old page). */
function formOf<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, 'This form is not one this page sends. Reload the page and try again.');
  return parsed.data;
}

/** Pages, not API: left out of the OpenAPI document. */
const HIDDEN = { schema: { hide: true } };
const NOT_SAVED = 'Your text is below, as you typed it.';

export const draftRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { sql, noteService: service, reviewDateMaxMs, policy } = deps;
  const settings: FormSettings = { reviewDateMaxMs, cadence: cadenceInWords(policy) };
  const notFound = () => new ApiError(404, 'no such page');
  const noteId = (request: FastifyRequest) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw notFound();
    return params.data.id;
  };

  /** The note as the editor shows it, its content read on the record. */
  async function latestNote(request: FastifyRequest, id: string): Promise<NoteView & { partner: string }> {
    const note = await service.show(request.staff.actor, id, 'draft editor');
    const partner = await findPartner(sql, note.partnerId);
    return { ...note, partner: partner ? `${partner.name}, ${partner.country}` : 'unknown' };
  }

  // A re-assessment's editor shows the open conditions of the note it re-assesses; not on the page that says the service is unavailable.
  const editor = async (request: FastifyRequest, reply: FastifyReply, page: EditorPage) =>
    sendEditor(reply, request.staff, { ...page, carried: page.status === 503 ? undefined : await carriedConditionsView(deps, request.staff.actor, page.noteId) }, settings);
  const latestOf = (note: NoteView & { partner: string }) => ({ partner: note.partner, revision: note.revision });

  /** Why this person cannot edit the note now, as a page; undefined when they can. */
  function notEditable(request: FastifyRequest, reply: FastifyReply, note: NoteView & { partner: string }, typed?: NoteContent) {
    const refusal = draftRefusal(request.staff.actor, note, 'revise');
    if (!refusal) return undefined;
    const text =
      refusal.kind === 'forbidden'
        ? `Only the drafter of ${noteRef(note.id)} can edit it.`
        : `${noteRef(note.id)} is ${standingInWords(note)} now: only a draft can be edited or submitted.${typed ? ` What you typed was not saved. ${NOT_SAVED}` : ''}`;
    return editor(request, reply, {
      noteId: note.id,
      latest: latestOf(note),
      status: refusal.kind === 'forbidden' ? 403 : 409,
      messages: [{ text, kind: 'error', link: { href: notePath(note.id), label: 'Go to the note’s page.' } }],
      versions: typed && { title: 'What you typed, beside the latest revision', ...versionsView(typed, note) },
      alsoShown: typed ? [note.content.classification ?? '', typed.classification ?? ''] : [],
    });
  }

  /**
   * A save refused as a conflict: someone saved a newer revision since the editor was loaded, or the
   * note moved on. Both versions side by side where they differ, and, while it is a draft, the form
   * again with what was typed, now building on the latest revision.
   */
  async function conflict(request: FastifyRequest, reply: FastifyReply, id: string, values: NoteFormValues, typed: NoteContent, baseRevision: number, before: Message[] = []) {
    const note = await latestNote(request, id);
    const refused = notEditable(request, reply, note, typed);
    if (refused) return refused;
    const newer = note.revision !== baseRevision;
    return editor(request, reply, {
      noteId: id,
      latest: latestOf(note),
      status: 409,
      messages: [
        ...before,
        {
          kind: 'error',
          text: newer
            ? `Revision ${note.revision} was saved after you opened revision ${baseRevision}, so your text was not saved. Compare the two below; to make yours the latest, save it again.`
            : 'Your text was not saved: the note changed meanwhile. Compare it with the latest revision below, and save it again.',
        },
      ],
      versions: { title: 'What you typed, beside the latest revision', ...versionsView(typed, note) },
      form: { values, baseRevision: note.revision },
      alsoShown: [note.content.classification ?? ''],
    });
  }

  /** The service is briefly unavailable: nothing to read from either, so the form again as typed. */
  function unavailable(request: FastifyRequest, reply: FastifyReply, id: string, values: NoteFormValues, baseRevision: number) {
    reply.header('retry-after', '5');
    return editor(request, reply, {
      noteId: id,
      status: 503,
      messages: [{ kind: 'error', text: `Not saved: the service is briefly unavailable. ${NOT_SAVED} Try again in a moment.` }],
      form: { values, baseRevision },
    });
  }

  /** A save of what was typed as a new revision; the page to show instead when it is refused. */
  async function save(request: FastifyRequest, reply: FastifyReply, id: string, values: NoteFormValues, content: NoteContent, baseRevision: number, before?: Message[]) {
    try {
      return { saved: await service.saveDraft(request.staff.actor, id, { content, baseRevision }) };
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) return { page: await conflict(request, reply, id, values, content, baseRevision, before) };
      if (isUnavailable(error) || (error instanceof ApiError && error.status === 503)) return { page: unavailable(request, reply, id, values, baseRevision) };
      throw error;
    }
  }

  /**
   * Submits a revision the person has in front of them; a 422 shows the editor again with each gap
   * beside its field, a 409 says why in words (changes requested on it, or the note moved on).
   */
  async function submit(request: FastifyRequest, reply: FastifyReply, id: string, revision: number | undefined, savedFirst?: number) {
    const saidFirst: Message[] = savedFirst ? [{ kind: 'ok', text: `Your changes were saved as revision ${savedFirst}.` }] : [];
    try {
      await service.submit(request.staff.actor, id, revision);
      return reply.redirect(`${notePath(id)}?done=submitted`, 303);
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 422 && error.status !== 409)) throw error;
      const note = await latestNote(request, id);
      const refused = notEditable(request, reply, note);
      if (refused) return refused;
      const gaps = error.status === 422 ? Gaps.parse(error.details) : [];
      return editor(request, reply, {
        noteId: id,
        latest: latestOf(note),
        status: error.status,
        messages: [...saidFirst, ...(gaps.length ? [] : [{ kind: 'error' as const, text: `Not submitted. ${refusalInWords(error.message)}` }])],
        problems: gaps.length ? { title: `Not submitted: revision ${note.revision} is not complete yet`, list: gaps } : undefined,
        form: { values: formValues(note.content), baseRevision: note.revision },
      });
    }
  }

  /** The partners to choose from: the partner list, read on the record. */
  const partners = partnerService({ sql });
  const partnerChoices = async (request: FastifyRequest) => (await partners.list(request.staff.actor, { limit: 1_000, offset: 0 })).items;

  app.get('/notes/new', HIDDEN, async (request, reply) => {
    requireRole(request.staff.actor, 'drafter');
    const { partnerId } = NewNoteQuery.parse(request.query);
    return sendNewNote(reply, request.staff, { partners: await partnerChoices(request), partnerId: partnerId ?? '', values: formValues(NoteContent.parse({})) }, settings);
  });

  app.post('/notes/new', HIDDEN, async (request, reply) => {
    requireRole(request.staff.actor, 'drafter');
    const { partnerId } = formOf(NewNoteForm, request.body);
    const values = formOf(NoteFormBody, request.body);
    const read = readContent(values);
    const partnerProblems: FieldProblem[] = z.uuid().safeParse(partnerId).success ? [] : [{ field: 'partnerId', problem: 'Choose the partner service this note assesses.' }];
    const again = async (status: number, more: { problems?: FieldProblem[]; messages?: Message[] }) =>
      sendNewNote(reply, request.staff, { partners: await partnerChoices(request), partnerId, values, status, ...more }, settings);
    if ('problems' in read || partnerProblems.length) return again(400, { problems: [...partnerProblems, ...('problems' in read ? read.problems : [])] });
    try {
      const { id } = await service.create(request.staff.actor, { partnerId, content: read.content });
      return reply.redirect(`${editorPath(id)}?done=saved`, 303);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 404) return again(400, { problems: [{ field: 'partnerId', problem: 'This partner service is not registered. Choose another.' }] });
      if (error.status === 409) {
        const current = z.object({ noteId: z.uuid() }).safeParse(error.details).data?.noteId;
        const text = `The partner service has a current wegingsnotitie${current ? `, ${noteRef(current)}` : ''}: a partner has one at a time. To assess it anew, start that note’s re-assessment once it is active. Nothing was created.`;
        return again(409, { messages: [{ kind: 'error', text, ...(current ? { link: { href: notePath(current), label: `Go to ${noteRef(current)}.` } } : {}) }] });
      }
      if (error.status === 503) {
        reply.header('retry-after', '5');
        return again(503, { messages: [{ kind: 'error', text: 'The service did not confirm in time whether the note was created. Look for it among your notes before you try again.', link: { href: `${STAFF_PREFIX}/notes`, label: 'Your notes.' } }] });
      }
      throw error;
    }
  });

  app.get('/notes/:id/edit', HIDDEN, async (request, reply) => {
    const note = await latestNote(request, noteId(request));
    const { done } = EditorQuery.parse(request.query);
    return (
      notEditable(request, reply, note) ??
      editor(request, reply, {
        noteId: note.id,
        latest: latestOf(note),
        messages: done === 'saved' ? [{ kind: 'ok', text: `Revision ${note.revision} saved.` }] : [],
        form: { values: formValues(note.content), baseRevision: note.revision },
      })
    );
  });

  app.post('/notes/:id/edit', HIDDEN, async (request, reply) => {
    const id = noteId(request);
    const { baseRevision } = formOf(EditorForm, request.body);
    const values = formOf(NoteFormBody, request.body);
    const read = readContent(values);
    if ('problems' in read) {
      return editor(request, reply, { noteId: id, status: 400, problems: { title: 'Not saved: some of what you typed cannot be kept as it is', list: read.problems }, form: { values, baseRevision } });
    }
    const outcome = await save(request, reply, id, values, read.content, baseRevision);
    return 'page' in outcome ? outcome.page : reply.redirect(`${editorPath(id)}?done=saved`, 303);
  });

  /**
   * From the editor, the form's text is the person's: what differs from the latest revision is saved
   * as a revision first, and that revision submitted. From the note's page, the revision it showed.
   */
  app.post('/notes/:id/submit', HIDDEN, async (request, reply) => {
    const id = noteId(request);
    const fromEditor = EditorForm.safeParse(request.body);
    if (!fromEditor.success) return submit(request, reply, id, formOf(SubmitForm, request.body).revision);
    const { baseRevision } = fromEditor.data;
    const values = formOf(NoteFormBody, request.body);
    const read = readContent(values);
    if ('problems' in read) {
      return editor(request, reply, { noteId: id, status: 400, problems: { title: 'Not submitted, and not saved: some of what you typed cannot be kept as it is', list: read.problems }, form: { values, baseRevision } });
    }
    const latest = await service.show(request.staff.actor, id, 'draft editor');
    if (contentSha256(read.content) === latest.contentSha256) return submit(request, reply, id, latest.revision);
    const outcome = await save(request, reply, id, values, read.content, baseRevision, [{ kind: 'error', text: 'Nothing was submitted.' }]);
    return 'page' in outcome ? outcome.page : submit(request, reply, id, outcome.saved.revision, outcome.saved.revision);
  });
};
