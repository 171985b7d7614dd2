import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { appendAudit } from '../../db/audit';
import { countActiveAdmins, findPerson, findPersonByEmail, insertPerson, listPeople, lockPeople, updatePerson } from '../../db/people';
import { checkAdminRemains, Person, PersonChange, PersonInput } from '../../domain/people';
import { PersonId, Role } from '../../domain/roles';
import type { AppDeps } from '../app-deps';
import { requireRole } from '../auth';
import { ApiError } from '../errors';
import { errorResponses, ListOf, Page, withExamples } from '../schemas';

const tags = ['people'];
const params = z.object({ id: PersonId });

/** What the trail keeps of a person before and after a change: who they are and may be, no note content. */
const onRecord = ({ name, email, roles, active }: Person) => ({ name, email, roles, active });

/** An email names one person: the table holds it unique. */
async function refuseEmailInUse(tx: Tx, email: string, personId: string): Promise<void> {
  const holder = await findPersonByEmail(tx, email);
  if (holder && holder.id !== personId) throw new ApiError(409, `the email ${email} belongs to ${holder.id}`);
}

/**
 * People and their roles, the admin's alone (DOMAIN.md). Every change is on the trail with the person
 * before and after, in the transaction that makes it; reads are not, people not being note content.
 */
export const peopleRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { sql }) => {
  app.post(
    '/people',
    { schema: { tags, summary: 'Add a person, active, with their roles', body: withExamples(PersonInput, { id: 'lena.vos', name: 'Lena Vos', email: 'lena.vos@mivd.example', roles: ['legal'] }), response: { 201: Person, ...errorResponses(400, 401, 403, 409, 503) } } },
    async (request, reply) => {
      requireRole(request.actor, 'admin');
      const person: Person = { ...request.body, active: true };
      await sql.begin(async (tx) => {
        await lockPeople(tx);
        if (await findPerson(tx, person.id)) throw new ApiError(409, `a person with the id ${person.id} exists`);
        await refuseEmailInUse(tx, person.email, person.id);
        await insertPerson(tx, person);
        const details = { personId: person.id, before: null, after: onRecord(person) };
        await appendAudit(tx, { eventKey: `person/${person.id}/created`, at: new Date(), actorId: request.actor.id, action: 'person.created', noteId: null, details });
      });
      return reply.code(201).send(person);
    },
  );

  app.get(
    '/people',
    {
      schema: {
        tags,
        summary: 'People by id, active or not',
        querystring: Page.extend({ role: Role.optional(), active: z.enum(['true', 'false']).transform((value) => value === 'true').optional() }).strict(),
        response: { 200: ListOf(Person), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      requireRole(request.actor, 'admin');
      return listPeople(sql, request.query);
    },
  );

  app.get('/people/:id', { schema: { tags, summary: 'One person', params, response: { 200: Person, ...errorResponses(400, 401, 403, 404, 503) } } }, async (request) => {
    requireRole(request.actor, 'admin');
    const person = await findPerson(sql, request.params.id);
    if (!person) throw new ApiError(404, 'no such person');
    return person;
  });

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
    async (request) => {
      requireRole(request.actor, 'admin');
      return sql.begin(async (tx) => {
        await lockPeople(tx);
        const before = await findPerson(tx, request.params.id);
        if (!before) throw new ApiError(404, 'no such person');
        const after: Person = { ...before, ...request.body };
        if (JSON.stringify(onRecord(after)) === JSON.stringify(onRecord(before))) return before;
        checkAdminRemains(before, after, await countActiveAdmins(tx));
        if (request.body.email) await refuseEmailInUse(tx, request.body.email, before.id);
        await updatePerson(tx, after);
        const details = { personId: before.id, before: onRecord(before), after: onRecord(after) };
        await appendAudit(tx, { eventKey: `person/${before.id}/updated/${randomUUID()}`, at: new Date(), actorId: request.actor.id, action: 'person.updated', noteId: null, details });
        return after;
      });
    },
  );
};
