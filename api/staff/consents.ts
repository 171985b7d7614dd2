import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { consentStandingOf } from '../../db/consents';
import { findPerson } from '../../db/people';
import { AnswerInput, ANSWERS, CONSENT_STATUSES, ConsentStage, ConsentStatus, mayAskConsent, mayDecideConsent, mayRecordAnswer, mayReviseConsent, mayWithdrawConsent } from '../../domain/consent';
import { afterConsentDecision, type ConsentHistoryEntry, type ConsentStoryAction, consentOutcomes } from '../../domain/consent-story';
import { Outcome, Revision } from '../../domain/pipeline';
import { freeText } from '../../domain/text';
import { ANSWER_NAME, CONSENT_STATUS_NAME, consentRef, dayInWords, STAGE_NAME, utcMinute } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import type { ConsentService } from '../consent-service';
import { consentFacts, decisionLine, partnerNamesOf, partnersOf } from '../consent-words';
import { ApiError } from '../errors';
import { auditRefusals } from '../note-access';
import { Page } from '../schemas';
import type { StaffMember } from '../staff-session';
import { consentFormPages } from './consent-form';
import { consentIdOf, consentPath, consentRow } from './consent-rows';
import { pagerOf } from './paging';
import { refusalInWords } from './refusal-words';
import { sendStaffPage, STAFF_PREFIX } from './render';

/**
 * The staff pages of consent requests (the third-party rule): the list of those this person may read,
 * a request's page with where it stands, its content, its history and the actions this person may
 * take now, each a form posting here; and (`consent-form`) the forms to make and revise one. Every
 * action goes through the consent service, exactly as the JSON API's routes do.
 */

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const ListQuery = Page.extend({ status: optional(ConsentStatus) });
/** What the page was sent back after: a confirmation, shown when the request's story holds that step of this person's. */
const DONE: Record<string, { action: ConsentStoryAction; words: (h: ConsentHistoryEntry) => string }> = {
  created: { action: 'consent.created', words: () => 'You created the request. Submit it for legal review when it is ready.' },
  saved: { action: 'consent.revised', words: (h) => `You saved revision ${h.revision}.` },
  submitted: { action: 'consent.submitted', words: (h) => `You submitted revision ${h.revision} for legal review.` },
  decided: { action: 'consent.decided', words: (h) => `Your decision is recorded. ${afterConsentDecision(h.status!)}` },
  answered: { action: 'consent.answer_recorded', words: (h) => `You recorded the partner’s answer: ${ANSWER_NAME[h.answer!].toLowerCase()}.` },
  withdrawn: { action: 'consent.withdrawn', words: () => 'You withdrew the request.' },
};
export type ConsentDone = keyof typeof DONE;
const PageQuery = z.object({ done: z.enum(Object.keys(DONE) as [ConsentDone, ...ConsentDone[]]).optional().catch(undefined) });

/** An action form as the person last sent it: what they typed, with why it was refused. */
export interface ConsentActionForm {
  action: 'decide' | 'answer' | 'withdraw' | 'submit';
  values: Record<string, string>;
  /** The sentence beside the field it concerns. */
  problem?: { field: string; text: string };
  /** Why the action as a whole was refused, in words. */
  refusal?: string;
}

/** A refusal of the consent service as a sentence for a page: the request's statuses in words, then as for notes. */
const consentRefusalInWords = (message: string) => refusalInWords(message.replace(/\b[A-Z]+(?:_[A-Z]+)*\b/g, (code) => CONSENT_STATUS_NAME[code as ConsentStatus]?.toLowerCase() ?? code));

/** Renders a request's page for this person: 404 (as for none at all) when they may not read it. */
export async function sendConsentPage(reply: FastifyReply, consentService: ConsentService, deps: Pick<RouteDeps, 'sql'>, staff: StaffMember, id: string, view: { query?: unknown; form?: ConsentActionForm; status?: number } = {}) {
  const { actor } = staff;
  const request = await consentService.show(actor, id, 'consent page');
  const [names, drafter, history] = await Promise.all([partnerNamesOf(deps.sql, partnersOf(request)), findPerson(deps.sql, request.drafterId), consentService.history(actor, id)]);
  const { done } = PageQuery.parse(view.query ?? {});
  const mine = done && [...history].reverse().find((h) => h.action === DONE[done]!.action && h.actorId === actor.id);
  const standing = consentStandingOf(request);
  const form = view.form;
  const formFor = (action: ConsentActionForm['action']) => (form?.action === action ? form : undefined);
  const sentBack = request.decisions.some((d) => d.revision === request.revision && d.outcome === 'request_changes');
  const ref = consentRef(request.id);
  const answer = request.answerRecord;
  const now = Date.now();
  return sendStaffPage(reply, staff, {
    title: `Consent request ${ref}`,
    view: 'consent',
    // What a partner gave is handled as Stg. Geheim, as a note not yet classified.
    classification: 'stg_geheim',
    status: view.status,
    data: {
      path: consentPath(request.id),
      done: mine && DONE[done!]!.words(mine),
      refusal: form?.refusal,
      facts: {
        ref,
        status: CONSENT_STATUS_NAME[request.status],
        stage: request.stage && { name: STAGE_NAME[request.stage], due: request.stageDueAt && utcMinute(request.stageDueAt), overdue: !!request.stageDueAt && Date.parse(request.stageDueAt) < now },
        requested: request.requestedAt && {
          at: utcMinute(request.requestedAt),
          answerDue: utcMinute(request.answerDueAt!),
          lapses: utcMinute(request.lapsesAt!),
          overdue: request.status === 'REQUESTED' && Date.parse(request.answerDueAt!) < now,
        },
        revision: request.revision,
        drafter: drafter?.name ?? request.drafterId,
        created: utcMinute(request.createdAt),
        content: consentFacts(request, names),
      },
      justification: request.content.justification,
      answer: answer && { kind: ANSWER_NAME[answer.answer], givenOn: dayInWords(answer.givenOn), conditions: answer.conditions, by: answer.recordedByName, at: utcMinute(answer.recordedAt) },
      decisions: request.decisions.map(decisionLine),
      history: history.map((h) => ({ at: utcMinute(h.at), summary: h.summary, comment: h.comment })),
      actions: {
        edit: mayReviseConsent(actor, standing) && `${consentPath(request.id)}/edit`,
        submit: mayReviseConsent(actor, standing) && { revision: request.revision, sentBack, problem: formFor('submit')?.problem },
        decide: mayDecideConsent(actor, standing) && {
          stage: request.stage!,
          stageName: STAGE_NAME[request.stage!].toLowerCase(),
          revision: request.revision,
          outcomes: consentOutcomes(request.stage!).map(([value, label]) => ({ value, label, checked: formFor('decide')?.values.outcome === value })),
          comment: formFor('decide')?.values.comment ?? '',
          problem: formFor('decide')?.problem,
        },
        answer: mayRecordAnswer(actor, standing) && {
          answers: ANSWERS.map((value) => ({ value, label: ANSWER_NAME[value], checked: formFor('answer')?.values.answer === value })),
          givenOn: formFor('answer')?.values.givenOn ?? '',
          conditions: formFor('answer')?.values.conditions ?? '',
          problem: formFor('answer')?.problem,
        },
        withdraw: mayWithdrawConsent(actor, standing) && { reason: formFor('withdraw')?.values.reason ?? '', problem: formFor('withdraw')?.problem },
      },
    },
  });
}

const TEXT_MAX = 20_000;
const Text = freeText(TEXT_MAX).trim();
const Seen = z.object({ stage: ConsentStage, revision: z.coerce.number().pipe(Revision) });
type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body => (request.body && typeof request.body === 'object' ? (request.body as Body) : {});
/** What was typed into a field, to show again: text only. */
const typed = (value: unknown) => (typeof value === 'string' ? value : '');
const TEXT_PROBLEM = 'The text holds characters that cannot be recorded (control characters or broken text), or is too long; correct it and try again.';

export const consentPages: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { sql, consentService } = deps;
  // A request's page or action refused (404 above all) is on the record, as on the API's routes.
  app.addHook('onSend', auditRefusals(sql, 'consent'));
  await app.register(consentFormPages, deps);

  app.get('/consents', { schema: { hide: true } }, async (request, reply) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) throw new ApiError(400, 'The list cannot be shown that way. Choose the filter in the form, or start again from the list.');
    const query = parsed.data;
    const { actor } = request.staff;
    const page = await consentService.list(actor, { status: query.status, limit: query.limit, offset: query.offset });
    const names = await partnerNamesOf(sql, page.items.map((c) => c.originatorId));
    return sendStaffPage(reply, request.staff, {
      title: 'Consent requests',
      view: 'consents',
      data: {
        rows: page.items.map((c) => consentRow(c, names)),
        pager: pagerOf(`${STAFF_PREFIX}/consents`, { status: query.status }, query, page),
        statuses: CONSENT_STATUSES.map((value) => ({ value, label: CONSENT_STATUS_NAME[value], selected: value === query.status })),
        filtered: !!query.status,
        mayCreate: mayAskConsent(actor),
      },
    });
  });

  // No HEAD twin: a HEAD would count as a read of the content, and show nothing.
  app.get('/consents/:id', { schema: { hide: true }, exposeHeadRoute: false }, async (request, reply) =>
    sendConsentPage(reply, consentService, deps, request.staff, consentIdOf(request.params), { query: request.query }),
  );

  /** Runs the action; done, to the request's page saying so; refused, the page again with the refusal in words beside the form. */
  async function act(request: FastifyRequest, reply: FastifyReply, form: Omit<ConsentActionForm, 'refusal'>, done: ConsentDone, run: (id: string) => Promise<unknown>) {
    const id = consentIdOf(request.params);
    if (form.problem) return sendConsentPage(reply, consentService, deps, request.staff, id, { form, status: 400 });
    try {
      await run(id);
      return reply.redirect(`${consentPath(id)}?done=${done}`, 303);
    } catch (error) {
      // A request this person may not read stays a 404; what the service could not confirm is the error page's.
      if (!(error instanceof ApiError) || error.status === 404 || error.status >= 500) throw error;
      return sendConsentPage(reply, consentService, deps, request.staff, id, { form: { ...form, refusal: consentRefusalInWords(error.message) }, status: error.status });
    }
  }

  app.post('/consents/:id/submit', { schema: { hide: true } }, async (request, reply) => {
    const revision = z.coerce.number().pipe(Revision).safeParse(bodyOf(request).revision);
    const problem = revision.success ? undefined : { field: 'revision', text: 'This form does not say which revision to submit. Read the request again, then submit it.' };
    return act(request, reply, { action: 'submit', values: {}, problem }, 'submitted', (id) => consentService.submit(request.staff.actor, id, revision.data));
  });

  app.post('/consents/:id/decide', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    const values = { outcome: typed(body.outcome), comment: typed(body.comment) };
    const seen = Seen.safeParse(body);
    const outcome = Outcome.safeParse(body.outcome);
    const comment = Text.safeParse(body.comment ?? '');
    const problem = !seen.success
      ? { field: 'outcome', text: 'This form does not say which stage and revision you decided on. Read the request again, then decide.' }
      : !outcome.success
        ? { field: 'outcome', text: 'Choose an outcome: approve, request changes or reject.' }
        : !comment.success
          ? { field: 'comment', text: TEXT_PROBLEM }
          : outcome.data !== 'approve' && !comment.data
            ? { field: 'comment', text: 'A comment is required to reject or request changes.' }
            : undefined;
    return act(request, reply, { action: 'decide', values, problem }, 'decided', (id) =>
      consentService.decide(request.staff.actor, id, { ...seen.data!, outcome: outcome.data!, comment: comment.data || undefined }),
    );
  });

  app.post('/consents/:id/answer', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    const values = { answer: typed(body.answer), givenOn: typed(body.givenOn), conditions: typed(body.conditions) };
    const conditions = values.conditions.trim();
    const parsed = AnswerInput.safeParse({ answer: body.answer, givenOn: values.givenOn, conditions: body.answer === 'granted_with_conditions' || conditions ? conditions : undefined });
    const field = parsed.success ? undefined : String(parsed.error.issues[0]!.path[0]);
    const HELP: Record<string, string> = {
      answer: 'Choose the partner’s answer.',
      givenOn: 'Give the day the partner answered.',
      conditions: body.answer === 'granted_with_conditions' ? 'Give the partner’s conditions.' : 'Conditions go with an answer granted with conditions only.',
    };
    const problem = field ? { field, text: HELP[field] ?? TEXT_PROBLEM } : undefined;
    return act(request, reply, { action: 'answer', values, problem }, 'answered', (id) => consentService.recordAnswer(request.staff.actor, id, parsed.data!));
  });

  app.post('/consents/:id/withdraw', { schema: { hide: true } }, async (request, reply) => {
    const reason = Text.safeParse(bodyOf(request).reason ?? '');
    const text = !reason.success ? TEXT_PROBLEM : !reason.data ? 'Give the reason for withdrawing the request.' : undefined;
    return act(request, reply, { action: 'withdraw', values: { reason: typed(bodyOf(request).reason) }, problem: text ? { field: 'reason', text } : undefined }, 'withdrawn', (id) =>
      consentService.withdraw(request.staff.actor, id, reason.data!),
    );
  });
};
