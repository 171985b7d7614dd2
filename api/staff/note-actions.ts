import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Outcome, Revision, Stage } from '../../domain/pipeline';
import { freeText } from '../../domain/text';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { notePath } from './note-rows';
import { type ActionForm, type Done, noteIdOf, sendNotePage } from './note-page';
import { refusalInWords } from './refusal-words';

/**
 * What a person can do on a note's page, each a form posting here: decide, withdraw, start a
 * re-assessment. Each goes through the note service, exactly as the JSON API's routes do; a form the
 * service or the form's own checks refuse shows the note's page again with the sentence beside the
 * field (or above the forms) and what was typed kept. Done, it redirects to the note's page, which
 * says in words what was done.
 */

const TEXT_MAX = 20_000;
const Text = freeText(TEXT_MAX).trim();
const Seen = z.object({ stage: Stage, revision: z.coerce.number().pipe(Revision) });

/** What was typed into a text field, to show again: text only. */
const typed = (value: unknown) => (typeof value === 'string' ? value : '');

/** Free text of a form, or why it cannot be recorded. */
function formText(value: unknown): { text: string } | { problem: string } {
  const parsed = Text.safeParse(value ?? '');
  if (parsed.success) return { text: parsed.data };
  if (parsed.error.issues.some((issue) => issue.code === 'too_big')) return { problem: `The text is too long: at most ${TEXT_MAX.toLocaleString('en')} characters.` };
  return { problem: 'The text holds characters that cannot be recorded (control characters or broken text); remove them and try again.' };
}

type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body => (request.body && typeof request.body === 'object' ? (request.body as Body) : {});

export const noteActionRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { noteService } = deps;

  /** Runs the action; on success to the address it returns, refused the page again with the refusal in words. */
  async function act(request: FastifyRequest, reply: FastifyReply, id: string, form: Omit<ActionForm, 'refusal'>, run: () => Promise<string>) {
    if (form.problem) return sendNotePage(reply, deps, request.staff, id, { form, status: 400 });
    try {
      return reply.redirect(await run(), 303);
    } catch (error) {
      // A note this person may not read stays a 404; what the service could not confirm is the error page's.
      if (!(error instanceof ApiError) || error.status === 404 || error.status >= 500) throw error;
      return sendNotePage(reply, deps, request.staff, id, { form: { ...form, refusal: refusalInWords(error.message) }, status: error.status });
    }
  }

  const back = (id: string, done: Done) => `${notePath(id)}?done=${done}`;

  app.post('/notes/:id/decide', { schema: { hide: true } }, async (request, reply) => {
    const id = noteIdOf(request.params);
    const body = bodyOf(request);
    const values = { outcome: typed(body.outcome), comment: typed(body.comment) };
    const seen = Seen.safeParse(body);
    if (!seen.success) {
      return sendNotePage(reply, deps, request.staff, id, { form: { action: 'decide', values, refusal: 'This form does not say which stage and revision you decided on. Read the note again, then decide.' }, status: 400 });
    }
    const outcome = Outcome.safeParse(body.outcome);
    const comment = formText(body.comment);
    const problem =
      !outcome.success ? { field: 'outcome' as const, text: 'Choose an outcome: approve, request changes or reject.' }
      : 'problem' in comment ? { field: 'comment' as const, text: comment.problem }
      : outcome.data !== 'approve' && !comment.text ? { field: 'comment' as const, text: 'A comment is required to reject or request changes.' }
      : undefined;
    return act(request, reply, id, { action: 'decide', values, problem }, async () => {
      await noteService.decide(request.staff.actor, id, { ...seen.data, outcome: outcome.data!, comment: 'text' in comment && comment.text ? comment.text : undefined });
      return back(id, 'decided');
    });
  });

  /** A form whose one field is a required reason. */
  function reasonOf(request: FastifyRequest, missing: string) {
    const reason = formText(bodyOf(request).reason);
    const problem = 'problem' in reason ? reason.problem : !reason.text ? missing : undefined;
    return { values: { reason: typed(bodyOf(request).reason) }, problem: problem ? { field: 'reason' as const, text: problem } : undefined, text: 'text' in reason ? reason.text : '' };
  }

  app.post('/notes/:id/withdraw', { schema: { hide: true } }, async (request, reply) => {
    const id = noteIdOf(request.params);
    const { text, ...form } = reasonOf(request, 'Give the reason for withdrawing the note.');
    return act(request, reply, id, { action: 'withdraw', ...form }, async () => {
      await noteService.withdraw(request.staff.actor, id, text);
      return back(id, 'withdrawn');
    });
  });

  app.post('/notes/:id/reassess', { schema: { hide: true } }, async (request, reply) => {
    const id = noteIdOf(request.params);
    const { text, ...form } = reasonOf(request, 'Give the reason for re-assessing the note now.');
    return act(request, reply, id, { action: 'reassess', ...form }, async () => {
      const { id: reassessment } = await noteService.reassess(request.staff.actor, id, text);
      return back(reassessment, 'reassessed');
    });
  });
};
