import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Partner, PartnerInput, PartnerKind, RELATIONSHIP_KINDS, type RelationshipKind, type SrmPriorityEntry, SrmPriorityInput } from '../../domain/partner';
import { dayInWords, PARTNER_KIND_NAME, RELATIONSHIP_NAME, relationshipsInWords, srmPriorityName, utcMinute } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { partnerService } from '../partner-service';
import { Page } from '../schemas';
import { consentFormFor } from './consent-rows';
import { dossierAction } from './dossier';
import { field, fieldErrors, type FieldErrors, type PostedForm, postedForm, refusalOf, refusalSummary } from './forms';
import { pagerOf } from './paging';
import { sendStaffPage, STAFF_PREFIX } from './render';

const PARTNERS = `${STAFF_PREFIX}/partners`;
const Params = z.object({ id: z.uuid() });
/** What the page after a change confirms, by the redirect's `done`. */
const Done = z.object({ done: z.enum(['registered', 'saved', 'unchanged', 'priority', 'priority-unchanged']).optional().catch(undefined) });

const PRIORITIES = [1, 2, 3, 4];
/** The settings of the priority a partner's page shows, newest first. */
const HISTORY_SHOWN = 50;

/** The date field of each kind of relationship. */
const sinceField = (kind: RelationshipKind) => `since-${kind}`;

/** What each field asks for, said beside it when the form is refused there. */
const HELP: Record<string, string> = {
  name: 'Give the service’s name: 2 to 200 characters, on one line.',
  country: 'Give the country: 2 to 100 characters, on one line.',
  kind: 'Choose the kind of service.',
  relationships: 'Give the day at least one relationship began.',
  since: 'Give the day it began: on or before today, as 2026-11-28.',
  priority: 'Choose an SRM priority from 1 (highest) to 4 (lowest).',
  justification: 'Say why the partner has this priority: up to 5,000 characters.',
};

/** The form's fields as typed (or as stored, before any typing); a relationship is the day it began, empty where there is none. */
interface Typed {
  name: string;
  country: string;
  kind: string;
  since: Record<RelationshipKind, string>;
}
const sinceOf = (day: (kind: RelationshipKind) => string) => Object.fromEntries(RELATIONSHIP_KINDS.map((kind) => [kind, day(kind)])) as Record<RelationshipKind, string>;
const typedOf = (form: PostedForm): Typed => ({ name: form.text('name'), country: form.text('country'), kind: form.text('kind'), since: sinceOf((kind) => form.text(sinceField(kind)).trim()) });
const storedOf = (partner: Partner): Typed => ({ ...partner, since: sinceOf((kind) => partner.relationships.find((r) => r.kind === kind)?.since ?? '') });
const BLANK: Typed = { name: '', country: '', kind: '', since: sinceOf(() => '') };

/** The kinds of relationship given a day, in the order the form lists them. */
const givenKinds = (typed: Typed) => RELATIONSHIP_KINDS.filter((kind) => typed.since[kind] !== '');
/** The typed form as the API's body: each relationship given a day, a choice left open none. */
const inputOf = (typed: Typed) => PartnerInput.safeParse({ name: typed.name, country: typed.country, kind: typed.kind, relationships: givenKinds(typed).map((kind) => ({ kind, since: typed.since[kind] })) });

/** The refusals of the partner form: a day refused beside its field, none given beside the group. */
function partnerFormErrors(error: z.ZodError, typed: Typed): FieldErrors {
  const errors = fieldErrors(error, HELP);
  delete errors.relationships;
  const given = givenKinds(typed);
  for (const { path } of error.issues) {
    if (path[0] !== 'relationships') continue;
    const kind = typeof path[1] === 'number' ? given[path[1]] : undefined;
    if (kind) errors[sinceField(kind)] ??= HELP.since;
    else errors.relationships ??= HELP.relationships;
  }
  return errors;
}

function formFields(typed: Typed, errors: FieldErrors) {
  const choose: [string, string] = ['', 'Choose…'];
  const at = (value: string) => ({ value, errors });
  return {
    fields: [
      field('name', 'Name of the service', at(typed.name)),
      field('country', 'Country', at(typed.country)),
      field('kind', 'Kind', at(typed.kind), { options: [choose, ...PartnerKind.options.map((kind): [string, string] => [kind, PARTNER_KIND_NAME[kind]])] }),
    ],
    relationships: {
      error: errors.relationships,
      fields: RELATIONSHIP_KINDS.map((kind) => field(sinceField(kind), `${RELATIONSHIP_NAME[kind]}, since`, at(typed.since[kind]), { date: true })),
    },
  };
}

/** A partner as the pages show it: codes in words. */
const shown = (partner: Partner) => ({
  id: partner.id,
  name: partner.name,
  country: partner.country,
  kind: PARTNER_KIND_NAME[partner.kind],
  relationships: relationshipsInWords(partner.relationships),
  srmPriority: srmPriorityName(partner.srmPriority),
  href: `${PARTNERS}/${partner.id}`,
});

/** A setting of the priority as a row of its history. */
const settingRow = (entry: SrmPriorityEntry) => ({
  at: utcMinute(entry.setAt),
  by: entry.setByName ?? (entry.setBy === null ? 'The system' : entry.setBy),
  from: entry.previous === null ? '—' : srmPriorityName(entry.previous),
  to: srmPriorityName(entry.priority),
  why: entry.justification,
});

/** The priority form as typed, or blank. */
interface TypedPriority {
  priority: string;
  justification: string;
}
const priorityInputOf = (typed: TypedPriority) => SrmPriorityInput.safeParse({ priority: typed.priority === '' ? undefined : Number(typed.priority), justification: typed.justification });

/**
 * The partner services: the list, one partner with the history of its SRM priority, registering and
 * changing one (admin and drafters), and setting its priority (the head of service), through the
 * partner service the JSON API calls too, so that the same rules hold and the same reads are on the record.
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
        ...formFields(typed, errors),
      },
    });
  }

  /** A partner's page: the partner, its priority's history, and for the head of service the form to set it (as typed, when refused). */
  async function partnerPage(reply: FastifyReply, request: FastifyRequest, id: string, view: { confirmation?: (partner: Partner) => string; typed?: TypedPriority; errors?: FieldErrors; status?: number } = {}) {
    const { actor } = request.staff;
    const partner = await partners.show(actor, id);
    const history = await partners.priorityHistory(actor, id, { limit: HISTORY_SHOWN, offset: 0 });
    const errors = view.errors ?? {};
    const typed = view.typed ?? { priority: '', justification: '' };
    const choose: [string, string] = ['', 'Choose…'];
    return sendStaffPage(reply, request.staff, {
      title: partner.name,
      view: 'partners-show',
      status: view.status,
      data: {
        partner: { ...shown(partner), registered: dayInWords(partner.createdAt) },
        confirmation: view.confirmation?.(partner),
        mayChange: partners.mayChange(actor),
        askConsent: consentFormFor(actor, partner.id),
        dossier: dossierAction(actor, 'partners', partner.id),
        history: { rows: history.items.map(settingRow), total: history.total },
        priorityForm: partners.maySetPriority(actor) && {
          action: `${PARTNERS}/${partner.id}/srm-priority`,
          ...refusalSummary(errors),
          priority: field('priority', 'New SRM priority', { value: typed.priority, errors }, { options: [choose, ...PRIORITIES.map((p): [string, string] => [String(p), srmPriorityName(p)])] }),
          justification: { value: typed.justification, error: errors.justification },
        },
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
    if (!input.success) return formPage(reply, request, { typed, errors: partnerFormErrors(input.error, typed), status: 400 });
    try {
      const partner = await partners.create(request.staff.actor, input.data);
      return reply.redirect(`${PARTNERS}/${partner.id}?done=registered`, 303);
    } catch (error) {
      return formPage(reply, request, { typed, ...refusalOf(error) });
    }
  });

  app.get('/partners/:id', { schema: { hide: true } }, async (request, reply) => {
    const { done } = Done.parse(request.query);
    const confirmations: Record<NonNullable<typeof done>, (partner: Partner) => string> = {
      registered: (p) => `${p.name} is registered. It has no SRM priority until the head of service sets one.`,
      saved: (p) => `Your changes to ${p.name} are saved.`,
      unchanged: () => 'Nothing was changed: the form held what was stored already.',
      priority: (p) => `The SRM priority of ${p.name} is now ${srmPriorityName(p.srmPriority)}.`,
      'priority-unchanged': (p) => `Nothing was changed: ${p.name} has SRM priority ${srmPriorityName(p.srmPriority)} already.`,
    };
    return partnerPage(reply, request, idOf(request), { confirmation: done && confirmations[done] });
  });

  app.post('/partners/:id/srm-priority', { schema: { hide: true } }, async (request, reply) => {
    if (!partners.maySetPriority(request.staff.actor)) throw new ApiError(404, 'no such page');
    const id = idOf(request);
    const form = postedForm(request.body);
    const typed = { priority: form.text('priority'), justification: form.text('justification') };
    const input = priorityInputOf(typed);
    if (!input.success) return partnerPage(reply, request, id, { typed, errors: fieldErrors(input.error, HELP), status: 400 });
    const { changed } = await partners.setPriority(request.staff.actor, id, input.data);
    return reply.redirect(`${PARTNERS}/${id}?done=${changed ? 'priority' : 'priority-unchanged'}`, 303);
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
    if (!input.success) return formPage(reply, request, { partner: await stored(), typed, errors: partnerFormErrors(input.error, typed), status: 400 });
    try {
      const { changed } = await partners.update(request.staff.actor, id, input.data);
      return reply.redirect(`${PARTNERS}/${id}?done=${changed ? 'saved' : 'unchanged'}`, 303);
    } catch (error) {
      const refused = refusalOf(error);
      return formPage(reply, request, { partner: await stored(), typed, ...refused });
    }
  });
};
