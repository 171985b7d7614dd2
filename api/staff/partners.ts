import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Partner, PartnerInput } from '../../domain/partner';
import { dayInWords, PARTNER_KIND_NAME, RELATIONSHIP_NAME, srmPriorityName } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { partnerService } from '../partner-service';
import { Page } from '../schemas';
import { field, fieldErrors, type FieldErrors, type PostedForm, postedForm, refusalOf, refusalSummary } from './forms';
import { pagerOf } from './paging';
import { sendStaffPage, STAFF_PREFIX } from './render';

const PARTNERS = `${STAFF_PREFIX}/partners`;
const Params = z.object({ id: z.uuid() });
/** What the page after a change confirms, by the redirect's `done`. */
const Done = z.object({ done: z.enum(['registered', 'saved', 'unchanged']).optional().catch(undefined) });

const KINDS = PartnerInput.shape.kind.options;
const RELATIONSHIPS = PartnerInput.shape.relationship.options;
const PRIORITIES = [1, 2, 3, 4, 5];

/** What each field asks for, said beside it when the form is refused there. */
const HELP: Record<keyof PartnerInput, string> = {
  name: 'Give the service’s name: 2 to 200 characters, on one line.',
  country: 'Give the country: 2 to 100 characters, on one line.',
  kind: 'Choose the kind of service.',
  relationship: 'Choose the relationship.',
  srmPriority: 'Choose an SRM priority from 1 (highest) to 5 (lowest).',
};

/** The form's fields as typed (or as stored, before any typing). */
type Typed = Record<keyof PartnerInput, string>;
const typedOf = (form: PostedForm): Typed => ({ name: form.text('name'), country: form.text('country'), kind: form.text('kind'), relationship: form.text('relationship'), srmPriority: form.text('srmPriority') });
const storedOf = (partner: Partner): Typed => ({ ...partner, srmPriority: String(partner.srmPriority) });
const BLANK: Typed = { name: '', country: '', kind: '', relationship: '', srmPriority: '' };

/** The typed form as the API's body: a priority is a number, a choice left open is none. */
const inputOf = (typed: Typed) => PartnerInput.safeParse({ ...typed, srmPriority: typed.srmPriority === '' ? undefined : Number(typed.srmPriority) });

function formFields(typed: Typed, errors: FieldErrors) {
  const choose: [string, string] = ['', 'Choose…'];
  const at = (name: keyof Typed) => ({ value: typed[name], errors });
  return [
    field('name', 'Name of the service', at('name')),
    field('country', 'Country', at('country')),
    field('kind', 'Kind', at('kind'), { options: [choose, ...KINDS.map((kind): [string, string] => [kind, PARTNER_KIND_NAME[kind]])] }),
    field('relationship', 'Relationship', at('relationship'), { options: [choose, ...RELATIONSHIPS.map((r): [string, string] => [r, RELATIONSHIP_NAME[r]])] }),
    field('srmPriority', 'SRM priority', at('srmPriority'), {
      hint: 'The partner’s priority in Strategic Relationship Management: 1 is the highest.',
      options: [choose, ...PRIORITIES.map((p): [string, string] => [String(p), srmPriorityName(p)])],
    }),
  ];
}

/** A partner as the pages show it: codes in words. */
const shown = (partner: Partner) => ({
  id: partner.id,
  name: partner.name,
  country: partner.country,
  kind: PARTNER_KIND_NAME[partner.kind],
  relationship: RELATIONSHIP_NAME[partner.relationship],
  srmPriority: srmPriorityName(partner.srmPriority),
  href: `${PARTNERS}/${partner.id}`,
});

/**
 * The partner services: the list, one partner, and registering and changing one (admin and drafters),
 * through the partner service the JSON API calls too, so that the same rules hold and the same reads
 * are on the record.
 */
export const partnerPages: FastifyPluginAsync<RouteDeps> = async (app, { sql }) => {
  const partners = partnerService({ sql });

  // The pages exist for those who may read partners (the operator reads none of the service's business);
  // the forms for those who may change them. To anyone else, there is no such page.
  app.addHook('preHandler', async (request) => {
    if (!partners.mayRead(request.staff.actor)) throw new ApiError(404, 'no such page');
  });
  const mayChange = (request: FastifyRequest) => {
    if (!partners.mayChange(request.staff.actor)) throw new ApiError(404, 'no such page');
  };
  const idOf = (request: FastifyRequest) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw new ApiError(404, 'no such partner');
    return params.data.id;
  };

  function formPage(reply: FastifyReply, request: FastifyRequest, page: { partner?: Partner; typed: Typed; errors: FieldErrors; status?: number }) {
    const { partner, typed, errors } = page;
    return sendStaffPage(reply, request.staff, {
      title: partner ? `Change ${partner.name}` : 'Register a partner service',
      view: 'partners-form',
      status: page.status,
      data: {
        action: partner ? `${PARTNERS}/${partner.id}/edit` : `${PARTNERS}/new`,
        submit: partner ? 'Save the changes' : 'Register the partner',
        cancel: partner ? `${PARTNERS}/${partner.id}` : PARTNERS,
        ...refusalSummary(errors),
        fields: formFields(typed, errors),
      },
    });
  }

  app.get('/partners', { schema: { hide: true } }, async (request, reply) => {
    const query = Page.safeParse(request.query);
    if (!query.success) throw new ApiError(400, 'The page of the list asked for does not exist.');
    const list = await partners.list(request.staff.actor, query.data);
    return sendStaffPage(reply, request.staff, {
      title: 'Partner services',
      view: 'partners',
      data: { partners: list.items.map(shown), pager: pagerOf(PARTNERS, {}, query.data, list), mayChange: partners.mayChange(request.staff.actor) },
    });
  });

  app.get('/partners/new', { schema: { hide: true } }, async (request, reply) => {
    mayChange(request);
    return formPage(reply, request, { typed: BLANK, errors: {} });
  });

  app.post('/partners/new', { schema: { hide: true } }, async (request, reply) => {
    mayChange(request);
    const typed = typedOf(postedForm(request.body));
    const input = inputOf(typed);
    if (!input.success) return formPage(reply, request, { typed, errors: fieldErrors(input.error, HELP), status: 400 });
    try {
      const partner = await partners.create(request.staff.actor, input.data);
      return reply.redirect(`${PARTNERS}/${partner.id}?done=registered`, 303);
    } catch (error) {
      return formPage(reply, request, { typed, ...refusalOf(error) });
    }
  });

  app.get('/partners/:id', { schema: { hide: true } }, async (request, reply) => {
    const partner = await partners.show(request.staff.actor, idOf(request));
    const { done } = Done.parse(request.query);
    const confirmation = done && { registered: `${partner.name} is registered.`, saved: `Your changes to ${partner.name} are saved.`, unchanged: 'Nothing was changed: the form held what was stored already.' }[done];
    return sendStaffPage(reply, request.staff, {
      title: partner.name,
      view: 'partners-show',
      data: { partner: { ...shown(partner), registered: dayInWords(partner.createdAt) }, confirmation, mayChange: partners.mayChange(request.staff.actor) },
    });
  });

  app.get('/partners/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    mayChange(request);
    const partner = await partners.show(request.staff.actor, idOf(request));
    return formPage(reply, request, { partner, typed: storedOf(partner), errors: {} });
  });

  app.post('/partners/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    mayChange(request);
    const id = idOf(request);
    const typed = typedOf(postedForm(request.body));
    const input = inputOf(typed);
    // The page's title names the partner as stored, whatever was typed.
    const stored = async () => partners.show(request.staff.actor, id);
    if (!input.success) return formPage(reply, request, { partner: await stored(), typed, errors: fieldErrors(input.error, HELP), status: 400 });
    try {
      const { changed } = await partners.update(request.staff.actor, id, input.data);
      return reply.redirect(`${PARTNERS}/${id}?done=${changed ? 'saved' : 'unchanged'}`, 303);
    } catch (error) {
      const refused = refusalOf(error);
      return formPage(reply, request, { partner: await stored(), typed, ...refused });
    }
  });
};
