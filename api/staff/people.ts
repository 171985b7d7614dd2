import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Person, PersonChange, PersonInput } from '../../domain/people';
import { PersonId, ROLES } from '../../domain/roles';
import { ROLE_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import { PeopleQuery, peopleService } from '../people-service';
import { field, fieldErrors, type FieldErrors, type PostedForm, postedForm, refusalOf, refusalSummary } from './forms';
import { pagerOf } from './paging';
import { sendStaffPage, STAFF_PREFIX } from './render';

const PEOPLE = `${STAFF_PREFIX}/people`;
const Params = z.object({ id: PersonId });
/** The list's filters as a browser sends them, an empty choice being none; and what a redirect confirms. */
const ListForm = z.object({
  role: z.string().catch(''),
  active: z.string().catch(''),
  limit: z.string().optional().catch(undefined),
  offset: z.string().optional().catch(undefined),
  done: z.enum(['added', 'saved', 'unchanged']).optional().catch(undefined),
  id: PersonId.optional().catch(undefined),
});

/** What each field asks for, said beside it when the form is refused there. */
const HELP: Record<string, string> = {
  id: 'Give an id in lowercase like first.last: letters and digits, in parts joined by a dot or a hyphen.',
  name: 'Give the name: 2 to 200 characters, on one line.',
  email: 'Give an email address, like first.last@mivd.example.',
  roles: 'Tick at least one role.',
  active: 'Tick the box or leave it empty.',
};

/** The form as typed (or as stored, before any typing). */
interface Typed {
  id: string;
  name: string;
  email: string;
  roles: string[];
  active: boolean;
}
const typedOf = (form: PostedForm, id?: string): Typed => ({
  id: id ?? form.text('id'),
  name: form.text('name'),
  email: form.text('email'),
  roles: form.ticked('roles'),
  active: form.text('active') === 'yes',
});

/** A person who is gone by the time the confirmation would name them is not named. */
const unlessGone = (error: unknown) => {
  if (error instanceof ApiError && error.status === 404) return undefined;
  throw error;
};

const rolesInWords = (person: Pick<Person, 'roles'>) => person.roles.map((role) => ROLE_NAME[role]).join(', ');

/**
 * People and their roles, the admin's alone (to anyone else, there is no such page): the list with
 * its filters, adding a person and changing one, through the people service the JSON API calls too
 * (the last admin, a unique email, the id's form).
 */
export const peoplePages: FastifyPluginAsync<RouteDeps> = async (app, { sql }) => {
  const people = peopleService({ sql });

  app.addHook('preHandler', async (request) => {
    if (!people.mayManage(request.staff.actor)) throw new ApiError(404, 'no such page');
  });

  function formPage(reply: FastifyReply, request: FastifyRequest, page: { person?: Person; typed: Typed; errors: FieldErrors; status?: number }) {
    const { person, typed, errors } = page;
    const at = (name: 'id' | 'name' | 'email') => ({ value: typed[name], errors });
    return sendStaffPage(reply, request.staff, {
      title: person ? `Change ${person.name}` : 'Add a person',
      view: 'people-form',
      status: page.status,
      data: {
        action: person ? `${PEOPLE}/${person.id}/edit` : `${PEOPLE}/new`,
        submit: person ? 'Save the changes' : 'Add the person',
        person: person && { id: person.id },
        ...refusalSummary(errors),
        fields: [
          ...(person ? [] : [field('id', 'Id', at('id'), { hint: 'How they are known to the system for good, like first.last; it cannot be changed later.' })]),
          field('name', 'Name', at('name')),
          field('email', 'Email', at('email'), { inputmode: 'email' }),
        ],
        roles: {
          error: errors.roles,
          options: ROLES.map((role) => ({ value: role, label: ROLE_NAME[role], checked: typed.roles.includes(role) })),
        },
        active: person && { checked: typed.active, error: errors.active },
      },
    });
  }

  app.get('/people', { schema: { hide: true } }, async (request, reply) => {
    const { actor } = request.staff;
    const { done, id, ...typed } = ListForm.parse(request.query ?? {});
    const filters = Object.fromEntries(Object.entries(typed).filter(([, value]) => value));
    const query = PeopleQuery.safeParse(filters);
    if (!query.success) throw new ApiError(400, 'The filters asked for do not exist: choose them from the lists on the page.');
    const [list, confirmed] = await Promise.all([people.list(actor, query.data), done && id ? people.show(actor, id).catch(unlessGone) : undefined]);
    const confirmation =
      confirmed &&
      {
        added: `${confirmed.name} (${confirmed.id}) is added, active, as ${rolesInWords(confirmed)}.`,
        saved: `Your changes to ${confirmed.name} (${confirmed.id}) are saved.`,
        unchanged: `Nothing was changed: the form held what was stored for ${confirmed.name} already.`,
      }[done!];
    return sendStaffPage(reply, request.staff, {
      title: 'People',
      view: 'people',
      data: {
        confirmation,
        filters: [
          field('role', 'Role', { value: typed.role, errors: {} }, { options: [['', 'Any role'], ...ROLES.map((role): [string, string] => [role, ROLE_NAME[role]])] }),
          field('active', 'Active', { value: typed.active, errors: {} }, { options: [['', 'Active or not'], ['true', 'Active only'], ['false', 'Deactivated only']] }),
        ],
        people: list.items.map((person) => ({ ...person, roles: rolesInWords(person), href: `${PEOPLE}/${person.id}/edit` })),
        pager: pagerOf(PEOPLE, { role: typed.role, active: typed.active }, query.data, list),
      },
    });
  });

  app.get('/people/new', { schema: { hide: true } }, async (request, reply) => formPage(reply, request, { typed: { id: '', name: '', email: '', roles: [], active: true }, errors: {} }));

  app.post('/people/new', { schema: { hide: true } }, async (request, reply) => {
    const typed = typedOf(postedForm(request.body));
    const input = PersonInput.safeParse({ id: typed.id, name: typed.name, email: typed.email, roles: typed.roles });
    if (!input.success) return formPage(reply, request, { typed, errors: fieldErrors(input.error, HELP), status: 400 });
    try {
      const person = await people.create(request.staff.actor, input.data);
      return reply.redirect(`${PEOPLE}?${new URLSearchParams({ done: 'added', id: person.id })}`, 303);
    } catch (error) {
      return formPage(reply, request, { typed, ...refusalOf(error) });
    }
  });

  const personOf = async (request: FastifyRequest) => {
    const params = Params.safeParse(request.params);
    if (!params.success) throw new ApiError(404, 'no such person');
    return people.show(request.staff.actor, params.data.id);
  };

  app.get('/people/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const person = await personOf(request);
    return formPage(reply, request, { person, typed: person, errors: {} });
  });

  app.post('/people/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const person = await personOf(request);
    const typed = typedOf(postedForm(request.body), person.id);
    const change = PersonChange.safeParse({ name: typed.name, email: typed.email, roles: typed.roles, active: typed.active });
    if (!change.success) return formPage(reply, request, { person, typed, errors: fieldErrors(change.error, HELP), status: 400 });
    try {
      const { person: after, changed } = await people.update(request.staff.actor, person.id, change.data);
      // An admin who gave up their own admin role has no list of people to return to.
      const stillManages = after.id !== request.staff.actor.id || (after.active && people.mayManage(after));
      return reply.redirect(stillManages ? `${PEOPLE}?${new URLSearchParams({ done: changed ? 'saved' : 'unchanged', id: person.id })}` : `${STAFF_PREFIX}/`, 303);
    } catch (error) {
      return formPage(reply, request, { person, typed, ...refusalOf(error) });
    }
  });
};
