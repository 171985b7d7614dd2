import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { decodeJwt } from 'jose';
import { devToken } from '../dev/dev-token';
import { SEED_PEOPLE } from '../dev/seed-data';
import { checkAdminRemains, type Person, PersonChange, PersonInput } from '../domain/people';
import { Refusal } from '../domain/refusal';
import type { Role } from '../domain/roles';
import { PRODUCTION_ENV } from './support/production-env';
import { TEST_JWT_SECRET, useStack } from './support/stack';

const ROOT = join(__dirname, '..');
const ADMIN = 'joke.hendriks';

const person = (change: Partial<Person> = {}): Person => ({ id: 'lena.vos', name: 'Lena Vos', email: 'lena.vos@mivd.example', roles: ['admin'], active: true, ...change });

describe('the last active admin', () => {
  const refused = (before: Person, after: Person, activeAdmins: number) => {
    try {
      checkAdminRemains(before, after, activeAdmins);
      return undefined;
    } catch (error) {
      return error instanceof Refusal ? error.kind : error;
    }
  };

  it('keeps the admin role and stays active', () => {
    expect(refused(person(), person({ roles: ['drafter'] }), 1)).toBe('conflict');
    expect(refused(person(), person({ active: false }), 1)).toBe('conflict');
    expect(refused(person({ roles: ['admin', 'drafter'] }), person({ roles: ['drafter'], active: false }), 1)).toBe('conflict');
  });

  it('may change otherwise, and any admin may go while another remains', () => {
    expect(refused(person(), person({ roles: ['drafter', 'admin'], name: 'Lena de Vos' }), 1)).toBeUndefined();
    expect(refused(person(), person({ roles: ['drafter'] }), 2)).toBeUndefined();
    expect(refused(person(), person({ active: false }), 2)).toBeUndefined();
    expect(refused(person({ roles: ['drafter'] }), person({ active: false }), 1)).toBeUndefined();
    expect(refused(person({ active: false }), person({ active: false, roles: ['drafter'] }), 1)).toBeUndefined();
  });
});

describe('a person as the admin enters one', () => {
  const input = (change: Record<string, unknown> = {}) => ({ id: 'lena.vos', name: 'Lena Vos', email: 'lena.vos@mivd.example', roles: ['legal'], ...change });

  it.each(['anna.devries', 'jan-willem.van.dijk', 'lena.vos2'])('takes the id %j', (id) => {
    expect(PersonInput.safeParse(input({ id })).success).toBe(true);
  });

  it.each(['Anna.Devries', 'anna', 'anna..devries', '.anna', 'anna.', 'anna devries', '2anna.x', 'anna.devries\u0000', 'anna.dévries', `${'a'.repeat(40)}.${'b'.repeat(40)}`])(
    'refuses the id %j',
    (id) => {
      expect(PersonInput.safeParse(input({ id })).success).toBe(false);
    },
  );

  it('stores the email in lower case and the roles once each, in a fixed order', () => {
    expect(PersonInput.parse(input({ email: 'Lena.Vos@MIVD.example', roles: ['team_lead', 'drafter', 'team_lead'] }))).toMatchObject({
      email: 'lena.vos@mivd.example',
      roles: ['drafter', 'team_lead'],
    });
  });

  it.each([
    ['no roles', { roles: [] }],
    ['an unknown role', { roles: ['king'] }],
    ['a malformed email', { email: 'lena.vos' }],
    ['a control character in the name', { name: 'Lena\u001b[31mVos' }],
    ['a one-letter name', { name: ' L ' }],
    ['a field it does not know', { password: 'x' }],
  ])('refuses %s', (_what, change) => {
    expect(PersonInput.safeParse(input(change)).success).toBe(false);
  });

  it('refuses a change that names nothing to change', () => {
    expect(PersonChange.safeParse({}).success).toBe(false);
    expect(PersonChange.safeParse({ active: false }).success).toBe(true);
  });
});

describe('/people', () => {
  // Its own database: the people it adds hold reviewing roles, and would be mailed in other suites' notes.
  const suite = useStack({ ownDatabase: 'weighing_notes_people' });
  const as = async (id: string, roles: Role[]) => ({ authorization: `Bearer ${await devToken(TEST_JWT_SECRET, { id, roles })}` });
  const call = async (headers: { authorization: string }, method: InjectOptions['method'], url: string, payload?: object) =>
    suite.stack.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const admin = async (method: InjectOptions['method'], url: string, payload?: object) => call(await suite.stack.auth(ADMIN), method, url, payload);
  const create = async (body: object) => {
    const res = await admin('POST', '/people', body);
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
    return res.json<Person>();
  };
  /** Every person and every entry about one on the trail: what a refused request must leave as it was. */
  const state = async () =>
    (
      await suite.stack.sql`
        select (select json_agg(p order by id) from people p) as people,
               (select count(*)::int from audit_log where action like 'person.%') as audited`
    )[0];
  const trail = (personId: string) =>
    suite.stack.sql<{ actorId: string; action: string; details: object }[]>`
      select actor_id, action, details from audit_log where details->>'personId' = ${personId} order by seq`;

  it('are added by the admin, active, read one by one and listed by role, each addition on the record', async () => {
    const lena = { id: 'lena.vos', name: 'Lena Vos', email: 'Lena.Vos@mivd.example', roles: ['team_lead'] };
    const created = await admin('POST', '/people', lena);
    expect(created.statusCode).toBe(201);
    const expected = { ...lena, email: 'lena.vos@mivd.example', active: true };
    expect(created.json()).toEqual(expected);
    expect((await admin('GET', '/people/lena.vos')).json()).toEqual(expected);

    const teamLeads = (await suite.stack.sql<{ n: number }[]>`select count(*)::int as n from people where 'team_lead' = any(roles)`)[0]!.n;
    expect(teamLeads).toBeGreaterThanOrEqual(2);
    const list = await admin('GET', '/people?role=team_lead');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: teamLeads, items: expect.arrayContaining([expected, expect.objectContaining({ id: 'carla.bakker' })]) });
    expect((await admin('GET', '/people?role=team_lead&limit=1')).json()).toMatchObject({ total: teamLeads, items: [expect.anything()] });
    expect((await admin('GET', '/people?role=team_lead&offset=1000')).json()).toEqual({ total: teamLeads, items: [] });

    expect(await trail('lena.vos')).toEqual([
      { actorId: ADMIN, action: 'person.created', details: { personId: 'lena.vos', before: null, after: { name: 'Lena Vos', email: 'lena.vos@mivd.example', roles: ['team_lead'], active: true } } },
    ]);
  });

  it('refuse a taken id or email (409), malformed input (400) and an unknown person (404), and change nothing', async () => {
    await create({ id: 'mark.dekker', name: 'Mark Dekker', email: 'mark.dekker@mivd.example', roles: ['legal'] });
    const before = await state();
    const takenEmail = { id: 'anna.dekker', name: 'Anna Dekker', email: 'ANNA.DEVRIES@mivd.example', roles: ['drafter'] };
    const refusals: [InjectOptions['method'], string, object | undefined, number][] = [
      ['POST', '/people', { id: 'mark.dekker', name: 'Another Mark', email: 'mark2@mivd.example', roles: ['legal'] }, 409],
      ['POST', '/people', takenEmail, 409],
      ['PATCH', '/people/mark.dekker', { email: 'anna.devries@mivd.example' }, 409],
      ['POST', '/people', { id: 'Mark.Dekker', name: 'Mark Dekker', email: 'mark3@mivd.example', roles: ['legal'] }, 400],
      ['POST', '/people', { id: 'mark.dekker3', name: 'Mark Dekker', email: 'not an email', roles: ['legal'] }, 400],
      ['POST', '/people', { id: 'mark.dekker3', name: 'Mark Dekker', email: 'mark3@mivd.example', roles: [] }, 400],
      ['POST', '/people', { id: 'mark.dekker3', name: 'Mark\u0000Dekker', email: 'mark3@mivd.example', roles: ['legal'] }, 400],
      ['POST', '/people', { id: 'mark.dekker3', name: 'Mark Dekker', email: 'mark3@mivd.example', roles: ['legal'], active: false }, 400],
      ['PATCH', '/people/mark.dekker', {}, 400],
      ['PATCH', '/people/mark.dekker', { active: 'no' }, 400],
      ['PATCH', '/people/mark.dekker', { roles: ['legal', 'king'] }, 400],
      ['PATCH', '/people/mark.dekker', { id: 'mark.other' }, 400],
      ['GET', '/people?active=maybe', undefined, 400],
      ['GET', '/people?role=king', undefined, 400],
      ['PATCH', '/people/nobody.here', { active: false }, 404],
      ['GET', '/people/nobody.here', undefined, 404],
    ];
    for (const [method, url, payload, status] of refusals) {
      const res = await admin(method, url, payload);
      expect({ method, url, payload, status: res.statusCode }).toEqual({ method, url, payload, status });
      expect(res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    // A refusal names the field it is about, which the staff pages show it beside.
    expect((await admin('POST', '/people', takenEmail)).json().error).toMatchObject({ message: 'the email anna.devries@mivd.example belongs to anna.devries', details: { field: 'email' } });
    expect(await state()).toEqual(before);
  });

  it('are the admin’s alone: everyone else, and a token claiming admin for someone who is not, gets 403 and changes nothing', async () => {
    const before = await state();
    const callers = [
      ...(await Promise.all(SEED_PEOPLE.filter((p) => p.id !== ADMIN).map((p) => suite.stack.auth(p.id)))),
      await as('anna.devries', ['drafter', 'admin']),
    ];
    const requests: [InjectOptions['method'], string, object | undefined][] = [
      ['POST', '/people', { id: 'sneaky.one', name: 'Sneaky One', email: 'sneaky@mivd.example', roles: ['admin'] }],
      ['GET', '/people', undefined],
      ['GET', `/people/${ADMIN}`, undefined],
      ['PATCH', '/people/anna.devries', { roles: ['drafter', 'admin'] }],
    ];
    for (const headers of callers) {
      for (const [method, url, payload] of requests) expect((await call(headers, method, url, payload)).statusCode).toBe(403);
    }
    expect(await state()).toEqual(before);
  });

  it('change roles and email on the record, before and after, and the roles in the database are the ones a token gets', async () => {
    await create({ id: 'olaf.kramer', name: 'Olaf Kramer', email: 'olaf.kramer@mivd.example', roles: ['legal'] });
    // The token claims more than Olaf holds: only what the database grants counts.
    const olaf = await as('olaf.kramer', ['legal', 'drafter']);
    const partner = (name: string) => call(olaf, 'POST', '/partners', { name, country: 'Kramerland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] });
    expect((await partner('Kramer Service One')).statusCode).toBe(403);

    const changed = await admin('PATCH', '/people/olaf.kramer', { roles: ['legal', 'drafter'], email: 'Olaf.Kramer@MinDef.example' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ id: 'olaf.kramer', name: 'Olaf Kramer', email: 'olaf.kramer@mindef.example', roles: ['drafter', 'legal'], active: true });
    expect((await partner('Kramer Service Two')).statusCode).toBe(201);

    // Setting what is so already is no change, and not on the record.
    expect((await admin('PATCH', '/people/olaf.kramer', { roles: ['legal', 'drafter'], active: true })).statusCode).toBe(200);
    expect(await trail('olaf.kramer')).toEqual([
      expect.objectContaining({ action: 'person.created' }),
      {
        actorId: ADMIN,
        action: 'person.updated',
        details: {
          personId: 'olaf.kramer',
          before: { name: 'Olaf Kramer', email: 'olaf.kramer@mivd.example', roles: ['legal'], active: true },
          after: { name: 'Olaf Kramer', email: 'olaf.kramer@mindef.example', roles: ['drafter', 'legal'], active: true },
        },
      },
    ]);
  });

  it('deactivate a person, whose tokens stop working at once; they stay, listed as inactive, and can be activated again', async () => {
    await create({ id: 'nina.bos', name: 'Nina Bos', email: 'nina.bos@mivd.example', roles: ['drafter'] });
    const nina = await as('nina.bos', ['drafter']);
    expect((await call(nina, 'GET', '/partners')).statusCode).toBe(200);

    expect((await admin('PATCH', '/people/nina.bos', { active: false })).json()).toMatchObject({ id: 'nina.bos', active: false });
    expect((await call(nina, 'GET', '/partners')).statusCode).toBe(401);
    expect((await admin('GET', '/people/nina.bos')).json()).toMatchObject({ active: false, roles: ['drafter'] });
    const ids = async (query: string) => (await admin('GET', `/people?${query}&limit=200`)).json<{ items: Person[] }>().items.map((p) => p.id);
    expect(await ids('active=false')).toContain('nina.bos');
    expect(await ids('active=true')).not.toContain('nina.bos');
    expect(await trail('nina.bos')).toContainEqual(
      expect.objectContaining({ action: 'person.updated', details: expect.objectContaining({ before: expect.objectContaining({ active: true }), after: expect.objectContaining({ active: false }) }) }),
    );

    expect((await admin('PATCH', '/people/nina.bos', { active: true })).statusCode).toBe(200);
    expect((await call(nina, 'GET', '/partners')).statusCode).toBe(200);
  });

  it('keep the last active admin an active admin (409), while an admin with another beside them may step down', async () => {
    await create({ id: 'olga.smit', name: 'Olga Smit', email: 'olga.smit@mivd.example', roles: ['admin'] });
    const olga = await as('olga.smit', ['admin']);
    expect((await call(olga, 'PATCH', '/people/olga.smit', { roles: ['drafter'] })).json()).toMatchObject({ roles: ['drafter'] });
    expect((await call(olga, 'GET', '/people')).statusCode).toBe(403);

    expect((await suite.stack.sql<{ id: string }[]>`select id from people where active and 'admin' = any(roles)`).map((row) => row.id)).toEqual([ADMIN]);
    const before = await state();
    for (const change of [{ roles: ['drafter'] }, { active: false }, { roles: ['operator'], active: false }]) {
      const res = await admin('PATCH', `/people/${ADMIN}`, change);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toMatch(/last active admin/);
    }
    expect(await state()).toEqual(before);
    expect((await admin('GET', '/people')).statusCode).toBe(200);
  });

  it('document an example of each request body and the statuses each route refuses with', async () => {
    const { paths } = (await suite.stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const body = (op: { requestBody: { content: Record<string, { example?: unknown }> } }) => op.requestBody.content['application/json']!.example;
    expect(PersonInput.parse(body(paths['/people'].post))).toMatchObject({ id: 'lena.vos' });
    expect(PersonChange.safeParse(body(paths['/people/{id}'].patch)).success).toBe(true);
    expect(Object.keys(paths['/people'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409']));
    expect(Object.keys(paths['/people/{id}'].patch.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409']));
    expect(paths['/people'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'offset', 'role', 'active']));
  });

  describe('npm run tokens', () => {
    const tokens = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        const base = { PATH: process.env.PATH!, HOME: process.env.HOME!, DATABASE_URL: suite.stack.config.DATABASE_URL, AUTH_JWT_SECRET: TEST_JWT_SECRET };
        execFile(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'dev', 'tokens.ts'), ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
        );
      });
    const tokenOf = (stdout: string, id: string) => stdout.split('\n').map((row) => row.trim().split(/\s+/)).find(([first]) => first === id)?.[2];

    it('mints a token for anyone in the database, with the roles they hold there, that the API accepts', async () => {
      await create({ id: 'piet.kok', name: 'Piet Kok', email: 'piet.kok@mivd.example', roles: ['legal'] });
      await admin('PATCH', '/people/piet.kok', { roles: ['legal', 'auditor'] });
      const run = await tokens(['piet.kok', 'anna.devries']);
      expect(run).toMatchObject({ status: 0, stderr: '' });
      const piet = tokenOf(run.stdout, 'piet.kok')!;
      expect(decodeJwt(piet)).toMatchObject({ sub: 'piet.kok', roles: ['legal', 'auditor'] });
      expect((await call({ authorization: `Bearer ${piet}` }, 'GET', '/audit/verify')).statusCode).toBe(200);
      expect((await call({ authorization: `Bearer ${tokenOf(run.stdout, 'anna.devries')!}` }, 'GET', '/partners')).statusCode).toBe(200);
    });

    it('prints the seeded cast without arguments', async () => {
      const run = await tokens([]);
      expect(run.status).toBe(0);
      for (const { id } of SEED_PEOPLE) expect(tokenOf(run.stdout, id)).toMatch(/^ey/);
    });

    it('refuses anyone not active in the database with one line and no token', async () => {
      await create({ id: 'rosa.kok', name: 'Rosa Kok', email: 'rosa.kok@mivd.example', roles: ['drafter'] });
      await admin('PATCH', '/people/rosa.kok', { active: false });
      const run = await tokens(['anna.devries', 'nobody.here', 'rosa.kok']);
      expect(run).toMatchObject({ status: 1, stdout: '' });
      expect(run.stderr.trim().split('\n')).toEqual(['no active person with the id nobody.here, rosa.kok in the database at DATABASE_URL']);
    });

    it.each([
      ['in production', { ...PRODUCTION_ENV, AUTH_JWT_SECRET: 'p'.repeat(40) }, /development only: with NODE_ENV=production/],
      ['without AUTH_JWT_SECRET', { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }, /development only: AUTH_JWT_SECRET is not set/],
    ])('refuses to run %s, with one line and no token', async (_what, env, message) => {
      const run = await tokens(['anna.devries'], env);
      expect(run).toMatchObject({ status: 1, stdout: '' });
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    });
  });
});
