import { randomUUID } from 'node:crypto';
import { SEED_PARTNERS } from '../dev/seed-data';
import { completeContent } from './support/notes';
import { useStack } from './support/stack';

/**
 * Who may do what to a note, in every state that matters: one table, written out by hand from
 * DOMAIN.md's need to know and the pipeline's rules, against the real API. A note is read by its
 * drafter, the reviewers of the stages it has reached, the head of service, the minister once it
 * reaches the minister, and the auditor; to anyone else it does not exist (404).
 */

const suite = useStack();

const PEOPLE = {
  own: 'anna.devries', // the note's drafter
  drafter: 'bram.jansen', // another drafter
  team_lead: 'carla.bakker',
  legal: 'daan.visser',
  head: 'gert.mulder',
  minister: 'hanna.deboer',
  auditor: 'ivo.peters',
  admin: 'joke.hendriks',
  operator: 'karel.smits',
} as const;
const COLUMNS = Object.keys(PEOPLE) as (keyof typeof PEOPLE)[];

const STATES = ['DRAFT', 'TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE', 'MINISTER', 'ACTIVE', 'RETURNED', 'WITHDRAWN'] as const;
type State = (typeof STATES)[number];
// RETURNED: back in DRAFT after legal review asked for changes (it has reached team and legal review).
// WITHDRAWN: withdrawn at the head of service's stage (final).

const ENDPOINTS = ['GET /notes/:id', 'GET /notes/:id/history', 'GET /notes/:id/workflow-state', 'PUT /notes/:id/draft', 'POST /notes/:id/submit', 'POST /notes/:id/decisions', 'POST /notes/:id/withdraw', 'POST /notes/:id/reassess', 'GET /notes', 'GET /tasks'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/** Reading a note, its history or its workflow state: who may, state by state. */
// prettier-ignore
const READS: Record<State, string> = {
  //                                 own drafter team_lead legal head minister auditor admin operator
  DRAFT:                            '200 404 404 404 200 404 200 404 404',
  TEAM_REVIEW:                      '200 404 200 404 200 404 200 404 404',
  LEGAL_REVIEW:                     '200 404 200 200 200 404 200 404 404',
  HEAD_OF_SERVICE:                  '200 404 200 200 200 404 200 404 404',
  MINISTER:                         '200 404 200 200 200 200 200 404 404',
  ACTIVE:                           '200 404 200 200 200 200 200 404 404',
  RETURNED:                         '200 404 200 200 200 404 200 404 404',
  WITHDRAWN:                        '200 404 200 200 200 404 200 404 404',
};

/** Expected answer per person; `in`/`out`: a list that answers 200 with or without the note. */
// prettier-ignore
const TABLE: Record<Endpoint, Record<State, string>> = {
  'GET /notes/:id': READS,
  'GET /notes/:id/history': READS,
  'GET /notes/:id/workflow-state': READS,
  //                                   own drafter team_lead legal head minister auditor admin operator
  'PUT /notes/:id/draft': {
    DRAFT:                            '200 404 404 404 403 404 403 404 404',
    TEAM_REVIEW:                      '409 404 403 404 403 404 403 404 404',
    LEGAL_REVIEW:                     '409 404 403 403 403 404 403 404 404',
    HEAD_OF_SERVICE:                  '409 404 403 403 403 404 403 404 404',
    MINISTER:                         '409 404 403 403 403 403 403 404 404',
    ACTIVE:                           '409 404 403 403 403 403 403 404 404',
    RETURNED:                         '200 404 403 403 403 404 403 404 404',
    WITHDRAWN:                        '409 404 409 409 409 404 409 404 404',
  },
  'POST /notes/:id/submit': {
    DRAFT:                            '200 404 404 404 403 404 403 404 404',
    TEAM_REVIEW:                      '409 404 403 404 403 404 403 404 404',
    LEGAL_REVIEW:                     '409 404 403 403 403 404 403 404 404',
    HEAD_OF_SERVICE:                  '409 404 403 403 403 404 403 404 404',
    MINISTER:                         '409 404 403 403 403 403 403 404 404',
    ACTIVE:                           '409 404 403 403 403 403 403 404 404',
    RETURNED:                         '409 404 403 403 403 404 403 404 404',
    WITHDRAWN:                        '409 404 409 409 409 404 409 404 404',
  },
  'POST /notes/:id/decisions': {
    DRAFT:                            '409 404 404 404 409 404 409 404 404',
    TEAM_REVIEW:                      '403 404 200 404 403 404 403 404 404',
    LEGAL_REVIEW:                     '403 404 403 200 403 404 403 404 404',
    HEAD_OF_SERVICE:                  '403 404 403 403 200 404 403 404 404',
    MINISTER:                         '403 404 403 403 403 200 403 404 404',
    ACTIVE:                           '409 404 409 409 409 409 409 404 404',
    RETURNED:                         '409 404 409 409 409 404 409 404 404',
    WITHDRAWN:                        '409 404 409 409 409 404 409 404 404',
  },
  'POST /notes/:id/withdraw': {
    DRAFT:                            '200 404 404 404 200 404 403 404 404',
    TEAM_REVIEW:                      '200 404 403 404 200 404 403 404 404',
    LEGAL_REVIEW:                     '200 404 403 403 200 404 403 404 404',
    HEAD_OF_SERVICE:                  '200 404 403 403 200 404 403 404 404',
    MINISTER:                         '200 404 403 403 200 403 403 404 404',
    ACTIVE:                           '409 404 403 403 409 403 403 404 404',
    RETURNED:                         '200 404 403 403 200 404 403 404 404',
    WITHDRAWN:                        '409 404 409 409 409 404 409 404 404',
  },
  'POST /notes/:id/reassess': {
    DRAFT:                            '409 404 404 404 409 404 403 404 404',
    TEAM_REVIEW:                      '409 404 403 404 409 404 403 404 404',
    LEGAL_REVIEW:                     '409 404 403 403 409 404 403 404 404',
    HEAD_OF_SERVICE:                  '409 404 403 403 409 404 403 404 404',
    MINISTER:                         '409 404 403 403 409 403 403 404 404',
    ACTIVE:                           '201 404 403 403 201 403 403 404 404',
    RETURNED:                         '409 404 403 403 409 404 403 404 404',
    WITHDRAWN:                        '409 404 409 409 409 404 409 404 404',
  },
  'GET /notes': {
    DRAFT:                            'in  out out out in  out in  out out',
    TEAM_REVIEW:                      'in  out in  out in  out in  out out',
    LEGAL_REVIEW:                     'in  out in  in  in  out in  out out',
    HEAD_OF_SERVICE:                  'in  out in  in  in  out in  out out',
    MINISTER:                         'in  out in  in  in  in  in  out out',
    ACTIVE:                           'in  out in  in  in  in  in  out out',
    RETURNED:                         'in  out in  in  in  out in  out out',
    WITHDRAWN:                        'in  out in  in  in  out in  out out',
  },
  'GET /tasks': {
    DRAFT:                            '403 403 out out out out 403 403 403',
    TEAM_REVIEW:                      '403 403 in  out out out 403 403 403',
    LEGAL_REVIEW:                     '403 403 out in  out out 403 403 403',
    HEAD_OF_SERVICE:                  '403 403 out out in  out 403 403 403',
    MINISTER:                         '403 403 out out out in  403 403 403',
    ACTIVE:                           '403 403 out out out out 403 403 403',
    RETURNED:                         '403 403 out out out out 403 403 403',
    WITHDRAWN:                        '403 403 out out out out 403 403 403',
  },
};

// Routed through the minister (a ministerial form), at medium risk: one approval per stage.
const CONTENT = completeContent({ permittedCooperation: ['evaluated_intelligence_exchange', 'unevaluated_data_provision'] });

/** Steps from a new draft, in order; a state is reached after its number of them. */
const STEPS_TO: Record<State, number> = { DRAFT: 0, TEAM_REVIEW: 1, LEGAL_REVIEW: 2, HEAD_OF_SERVICE: 3, MINISTER: 4, ACTIVE: 5, RETURNED: 3, WITHDRAWN: 4 };

async function noteIn(state: State): Promise<string> {
  const { http } = suite;
  // Each for a partner of its own: a partner has one current note.
  const id = await http.createNote(PEOPLE.own, CONTENT);
  const steps = [
    () => http.submit(PEOPLE.own, id),
    () => http.decide(PEOPLE.team_lead, id, 'approve'),
    () => (state === 'RETURNED' ? http.decide(PEOPLE.legal, id, 'request_changes', 1, { comment: 'More on data protection.' }) : http.decide(PEOPLE.legal, id, 'approve')),
    () => (state === 'WITHDRAWN' ? http.call(PEOPLE.own, 'POST', `/notes/${id}/withdraw`, { reason: 'Overtaken by events.' }) : http.decide(PEOPLE.head, id, 'approve')),
    () => http.decide(PEOPLE.minister, id, 'approve'),
  ];
  for (const step of steps.slice(0, STEPS_TO[state])) {
    const res = await step();
    if (res.statusCode >= 300) throw new Error(`driving a note to ${state}: ${res.statusCode} ${res.body}`);
  }
  return id;
}

/** One note per state for the requests that change nothing; a fresh one for each that succeeds. */
const fixtures = new Map<State, Promise<string>>();
const fixture = (state: State) => {
  if (!fixtures.has(state)) fixtures.set(state, noteIn(state));
  return fixtures.get(state)!;
};

async function answer(endpoint: Endpoint, state: State, who: keyof typeof PEOPLE, expected: string): Promise<string> {
  const { http } = suite;
  const [method, route] = endpoint.split(' ') as ['GET' | 'POST' | 'PUT', string];
  const changes = method !== 'GET' && /^2/.test(expected);
  const id = await (changes ? noteIn(state) : fixture(state));
  const person = PEOPLE[who];
  if (route === '/notes' || route === '/tasks') {
    const [note] = await suite.stack.sql<{ partnerId: string }[]>`select partner_id from notes where id = ${id}`;
    const url = route === '/notes' ? `/notes?partnerId=${note!.partnerId}` : '/tasks';
    const res = await http.call(person, 'GET', url);
    if (res.statusCode !== 200) return String(res.statusCode);
    return (await http.all<{ id: string }>(person, url)).some((n) => n.id === id) ? 'in' : 'out';
  }
  const note = await suite.stack.sql<{ revision: number; stage: string | null }[]>`select current_revision as revision, stage from notes where id = ${id}`;
  const { revision, stage } = note[0]!;
  const body: Record<string, unknown> = {
    'PUT /notes/:id/draft': { content: CONTENT, baseRevision: revision },
    'POST /notes/:id/decisions': { outcome: 'approve', revision, stage: stage ?? 'TEAM_REVIEW' },
    'POST /notes/:id/withdraw': { reason: 'Need-to-know table.' },
    'POST /notes/:id/reassess': { reason: 'Need-to-know table.' },
  };
  const res = await http.call(person, method, route.replace(':id', id), body[endpoint]);
  return String(res.statusCode);
}

describe('need to know: every role × every note endpoint × the states that matter', () => {
  const rows = ENDPOINTS.flatMap((endpoint) => STATES.map((state) => [endpoint, state] as const));
  it.each(rows)('%s on a note in %s', async (endpoint, state) => {
    const expected = TABLE[endpoint][state].trim().split(/\s+/);
    const actual: string[] = [];
    for (const [i, who] of COLUMNS.entries()) actual.push(await answer(endpoint, state, who, expected[i]!));
    expect(actual.join(' ')).toBe(expected.join(' '));
  });
});

/** The rest of the API, by role (notes aside, nothing here depends on a note's state). */
// prettier-ignore
const OTHERS: Record<string, string> = {
  //                                   own drafter team_lead legal head minister auditor admin operator
  'GET /partners':                    '200 200 200 200 200 200 200 200 403',
  'GET /partners/:id':                '200 200 200 200 200 200 200 200 403',
  'POST /partners':                   '201 201 403 403 403 403 403 201 403',
  'GET /partners/:id/srm-priority':   '200 200 200 200 200 200 200 200 403',
  'GET /portfolio':                   '403 403 403 403 200 200 200 403 403',
  'GET /portfolio.csv':               '403 403 403 403 200 200 200 403 403',
  'GET /audit':                       '403 403 403 403 403 403 200 403 403',
  'GET /audit/verify':                '403 403 403 403 403 403 200 403 403',
  'POST /codec/decode':               '403 403 403 403 403 403 403 403 200',
  'POST /codec/encode':               '403 403 403 403 403 403 403 403 200',
};

describe('the rest of the API by role', () => {
  it.each(Object.entries(OTHERS))('%s', async (endpoint, row) => {
    const [method, route] = endpoint.split(' ') as ['GET' | 'POST', string];
    const actual: string[] = [];
    for (const who of COLUMNS) {
      const body = route === '/partners' && method === 'POST'
        ? { name: `Table Service ${randomUUID().slice(0, 8)}`, country: 'Tableland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] }
        : route.startsWith('/codec') ? { payloads: [] } : undefined;
      const res = await suite.http.call(PEOPLE[who], method, route.replace(':id', SEED_PARTNERS[0]!.id), body);
      actual.push(String(res.statusCode));
    }
    expect(actual.join(' ')).toBe(row.trim().split(/\s+/).join(' '));
  });
});
