import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { consentStandingOf } from '../../db/consents';
import { ConsentContent, mayAskConsent, mayReviseConsent, ORGANISATIONS } from '../../domain/consent';
import { COOPERATION_FORMS } from '../../domain/note-content';
import { COOPERATION_FORM_NAME, consentRef, ORGANISATION_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { partnerService } from '../partner-service';
import { consentIdOf, consentPath } from './consent-rows';
import { field, fieldErrors, type FieldErrors, postedForm, refusalOf, refusalSummary } from './forms';
import { sendStaffPage, STAFF_PREFIX } from './render';

/**
 * The forms of a consent request: a new one (from the list, or a partner's page, which names the
 * partner the information came from), and a new revision of a draft. Checked by the schema the JSON
 * API uses; a refusal of the service (the recipient may not receive it) lands beside its field.
 */

/** The form's fields as typed (or as stored, before any typing). */
type Typed = { originatorId: string; recipient: string; informationRef: string; form: string; justification: string };
const BLANK: Typed = { originatorId: '', recipient: '', informationRef: '', form: '', justification: '' };

/** What each field asks for, said beside it when the form is refused there. */
const HELP: Record<keyof Typed, string> = {
  originatorId: 'Choose the partner service the information came from.',
  recipient: 'Choose the recipient: another partner service, NATO or the EU.',
  informationRef: 'Give the information’s reference, such as a report number: 2 to 120 characters on one line. Never the information itself.',
  form: 'Choose the form of cooperation the sharing falls under.',
  justification: 'Say why the information should go to the recipient.',
};

const NewQuery = z.object({ originator: z.uuid().optional() }).catch({});

const typedOf = (body: unknown): Typed => {
  const form = postedForm(body);
  return { originatorId: form.text('originatorId'), recipient: form.text('recipient'), informationRef: form.text('informationRef'), form: form.text('form'), justification: form.text('justification') };
};

export const consentFormPages: FastifyPluginAsync<RouteDeps> = async (app, { sql, consentService }) => {
  const partners = partnerService({ sql });

  /** The form, for a new request (`id` absent) or a new revision of a draft; the partners to choose from read on the record. */
  async function formPage(reply: FastifyReply, request: FastifyRequest, page: { id?: string; revision?: number; typed: Typed; errors: FieldErrors; status?: number }) {
    const { typed, errors } = page;
    const choose: [string, string] = ['', 'Choose…'];
    const services = (await partners.list(request.staff.actor, { limit: 1_000, offset: 0 })).items.map((p): [string, string] => [p.id, `${p.name}, ${p.country}`]);
    const at = (name: keyof Typed) => ({ value: typed[name], errors });
    const ref = page.id && consentRef(page.id);
    return sendStaffPage(reply, request.staff, {
      title: ref ? `Revise consent request ${ref}` : 'Ask a partner’s consent to share its information',
      view: 'consent-form',
      status: page.status,
      data: {
        action: page.id ? `${consentPath(page.id)}/edit` : `${STAFF_PREFIX}/consents/new`,
        cancel: page.id ? consentPath(page.id) : `${STAFF_PREFIX}/consents`,
        submit: page.id ? 'Save the new revision' : 'Create the request',
        baseRevision: page.revision,
        ...refusalSummary(errors),
        originator: page.id ? undefined : field('originatorId', 'Originating partner', at('originatorId'), { hint: 'The partner service the information came from.', options: [choose, ...services] }),
        fields: [
          field('recipient', 'Recipient', at('recipient'), {
            hint: 'A partner service receives it only where its active weighing note permits the form of cooperation. NATO and the EU have no weighing note: legal review is the check there.',
            options: [choose, ...ORGANISATIONS.map((o): [string, string] => [o, ORGANISATION_NAME[o]]), ...services],
          }),
          field('informationRef', 'Information (reference)', at('informationRef'), { hint: 'A report number or another identifier: never the information itself.' }),
          field('form', 'Form of cooperation', at('form'), { options: [choose, ...COOPERATION_FORMS.map((f): [string, string] => [f, COOPERATION_FORM_NAME[f]])] }),
        ],
        justification: { value: typed.justification, error: errors.justification },
      },
    });
  }

  const contentOf = (typed: Typed) => ConsentContent.safeParse({ recipient: typed.recipient, informationRef: typed.informationRef, form: typed.form, justification: typed.justification });

  const mayCreate = (request: FastifyRequest) => {
    if (!mayAskConsent(request.staff.actor)) throw new ApiError(404, 'no such page');
  };

  app.get('/consents/new', { schema: { hide: true } }, async (request, reply) => {
    mayCreate(request);
    return formPage(reply, request, { typed: { ...BLANK, originatorId: NewQuery.parse(request.query).originator ?? '' }, errors: {} });
  });

  app.post('/consents/new', { schema: { hide: true } }, async (request, reply) => {
    mayCreate(request);
    const typed = typedOf(request.body);
    const content = contentOf(typed);
    const originator = z.uuid().safeParse(typed.originatorId);
    if (!content.success || !originator.success) {
      const errors = { ...(content.success ? {} : fieldErrors(content.error, HELP)), ...(originator.success ? {} : { originatorId: HELP.originatorId }) };
      return formPage(reply, request, { typed, errors, status: 400 });
    }
    try {
      const { id } = await consentService.create(request.staff.actor, { originatorId: originator.data, content: content.data });
      return reply.redirect(`${consentPath(id)}?done=created`, 303);
    } catch (error) {
      return formPage(reply, request, { typed, ...refusalOf(error) });
    }
  });

  /** The draft to revise: 404 to anyone who may not read it, 409 where it cannot be revised now. */
  async function draftOf(request: FastifyRequest) {
    const current = await consentService.show(request.staff.actor, consentIdOf(request.params), 'draft form');
    if (!mayReviseConsent(request.staff.actor, consentStandingOf(current))) throw new ApiError(409, 'Only its drafter can revise the request, and only while it is a draft.');
    return current;
  }

  app.get('/consents/:id/edit', { schema: { hide: true }, exposeHeadRoute: false }, async (request, reply) => {
    const current = await draftOf(request);
    const { recipient, informationRef, form, justification } = current.content;
    return formPage(reply, request, { id: current.id, revision: current.revision, typed: { originatorId: current.originatorId, recipient, informationRef, form, justification }, errors: {} });
  });

  app.post('/consents/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const current = await draftOf(request);
    const typed = typedOf(request.body);
    const content = contentOf(typed);
    const baseRevision = z.coerce.number().int().positive().safeParse(postedForm(request.body).text('baseRevision'));
    const page = { id: current.id, revision: current.revision, typed };
    if (!baseRevision.success) return formPage(reply, request, { ...page, errors: { form: 'This form does not say which revision it revises. Open the draft again and make your changes there.' }, status: 400 });
    if (!content.success) return formPage(reply, request, { ...page, errors: fieldErrors(content.error, HELP), status: 400 });
    try {
      await consentService.saveDraft(request.staff.actor, current.id, { content: content.data, baseRevision: baseRevision.data });
      return reply.redirect(`${consentPath(current.id)}?done=saved`, 303);
    } catch (error) {
      return formPage(reply, request, { ...page, ...refusalOf(error) });
    }
  });
};
