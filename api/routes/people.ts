import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Person, PersonChange, PersonInput } from '../../domain/people';
import { PersonId } from '../../domain/roles';
import type { AppDeps } from '../app-deps';
import { peopleService, PeopleQuery } from '../people-service';
import { errorResponses, ListOf, withExamples } from '../schemas';

const tags = ['people'];
const params = z.object({ id: PersonId });

/** People and their roles, the admin's alone: the rules are the people service's (`api/people-service.ts`). */
export const peopleRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  const people = peopleService({ sql });

  app.post(
    '/people',
    { schema: { tags, summary: 'Add a person, active, with their roles', body: withExamples(PersonInput, { id: 'lena.vos', name: 'Lena Vos', email: 'lena.vos@mivd.example', roles: ['legal'] }), response: { 201: Person, ...errorResponses(400, 401, 403, 409, 503) } } },
    async (request, reply) => reply.code(201).send(await people.create(request.actor, request.body)),
  );

  app.get(
    '/people',
    { schema: { tags, summary: 'People by id, active or not', querystring: PeopleQuery, response: { 200: ListOf(Person), ...errorResponses(400, 401, 403, 503) } } },
    async (request) => people.list(request.actor, request.query),
  );

  app.get('/people/:id', { schema: { tags, summary: 'One person', params, response: { 200: Person, ...errorResponses(400, 401, 403, 404, 503) } } }, async (request) =>
    people.show(request.actor, request.params.id),
  );

  app.patch(
    '/people/:id',
    {
      schema: {
        tags,
        summary: 'Change a person’s name, email or roles; `active: false` deactivates (their tokens stop working at once)',
        params,
        body: withExamples(PersonChange, { roles: ['legal', 'team_lead'], active: true }),
        response: { 200: Person, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => (await people.update(request.actor, request.params.id, request.body)).person,
  );
};
