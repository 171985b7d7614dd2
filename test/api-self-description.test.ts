import { randomUUID } from 'node:crypto';
import { contentSha256, insertNote, isSecondCurrentNote } from '../db/notes';
import { NoteContent } from '../domain/note-content';
import { DEFAULT_POLICY, newNoteState, revisionFacts } from '../domain/pipeline';
import { noteRef } from '../domain/wording';
import { noteApproval, noteWorkflowId } from '../workflows';
import { completeContent, newPartner } from './support/notes';
import { eventually } from './support/poll';
import { useStack } from './support/stack';

/**
 * An API that describes itself (issue 10): its document lists every route's error responses and an
 * example of every request body; every list has one shape; a note says what lies ahead of it and its
 * history what happened, in words; and a partner has one current note.
 */
const suite = useStack();

interface Operation {
  parameters?: { in: string }[];
  requestBody?: { content: Record<string, { example?: unknown; examples?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
}

interface RouteStage {
  stage: string;
  quorum: number;
  state: string;
  approvals: { actorId: string; actorName: string; revision: number }[];
  voidedApprovals: { actorId: string; revision: number; voidedBy: string }[];
}
interface Note {
  status: string;
  approvals: { actorId: string; revision: number }[];
  voidedApprovals: { actorId: string; revision: number; voidedBy: string }[];
  route: RouteStage[];
  ministerRequired: { required: boolean; reasons: { rule: string; form?: string; text: string }[]; summary: string };
}
interface Entry {
  action: string;
  summary: string;
  actorName: string | null;
  stage: string | null;
  revision: number | null;
  outcome: string | null;
  comment: string | null;
  relatedNoteId: string | null;
}

const note = async (id: string) => (await suite.http.note('ivo.peters', id)).json<Note>();
const history = async (id: string) => (await suite.http.call('ivo.peters', 'GET', `/notes/${id}/history`)).json<Entry[]>();
const approve = async (id: string, reviewers: string[], revision = 1) => {
  for (const reviewer of reviewers) expect((await suite.http.decide(reviewer, id, 'approve', revision)).statusCode).toBe(200);
};
const adopt = async (id: string) => {
  await suite.http.submit('anna.devries', id);
  await approve(id, ['carla.bakker', 'daan.visser', 'gert.mulder']);
};
const create = (partnerId: string) => suite.http.call('anna.devries', 'POST', '/notes', { partnerId, content: completeContent() });
const notesOf = async (partnerId: string) => (await suite.stack.sql<{ id: string }[]>`select id from notes where partner_id = ${partnerId} order by created_at`).map((n) => n.id);

describe('the OpenAPI document', () => {
  it('gives every operation its error responses in the error shape, and every request body an example', async () => {
    const { paths } = (await suite.stack.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, Operation>> }>();
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        const has = (status: string) => status in op.responses || missing.push(`${name}: no ${status}`);
        if (path !== '/health') has('401');
        if (op.requestBody || op.parameters?.length) has('400');
        if (path.includes('{id}')) has('404');
        // /health answers its own state, not an error, when a service is down.
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && path !== '/health' && !response.content?.['application/json']?.schema.properties?.error) missing.push(`${name}: ${status} not in the error shape`);
        }
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          if (media.example === undefined && media.examples === undefined) missing.push(`${name}: no example of its ${type} body`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(paths['/notes']!.post!.responses).toHaveProperty('409');
    expect(paths['/notes/{id}/submit']!.post!.responses).toHaveProperty('422');
  });
});

describe('lists', () => {
  it('answer { items, total } with limit and offset, `total` counting every match past the page too', async () => {
    const partnerId = (await newPartner(suite.stack.sql)).id;
    // Twelve notes of one partner: each withdrawn before the next, a partner having one current note.
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      if (ids.length) expect((await suite.http.call('anna.devries', 'POST', `/notes/${ids.at(-1)}/withdraw`, { reason: 'Next.' })).statusCode).toBe(200);
      ids.push(await suite.http.createNote('anna.devries', completeContent(), partnerId));
    }
    // In review, so that the team lead's inbox holds a task.
    await suite.http.submit('anna.devries', ids.at(-1)!);
    const list = async (query: string) => (await suite.http.call('gert.mulder', 'GET', `/notes?partnerId=${partnerId}&${query}`)).json<{ items: { id: string }[]; total: number }>();
    expect(await list('limit=3&offset=11')).toEqual({ items: [expect.objectContaining({ id: ids[0] })], total: 12 });
    expect(await list('limit=3&offset=12')).toEqual({ items: [], total: 12 });
    expect((await list('limit=5&offset=0')).items.map((n) => n.id)).toEqual(ids.slice(-5).reverse());

    for (const [who, url] of [['carla.bakker', '/tasks'], ['eva.smit', '/partners'], ['ivo.peters', `/audit?noteId=${ids[0]}`]] as const) {
      const res = await suite.http.call(who, 'GET', `${url}${url.includes('?') ? '&' : '?'}limit=1`);
      expect([url, res.statusCode]).toEqual([url, 200]);
      const page = res.json<{ items: unknown[]; total: number }>();
      expect([url, page.items.length, page.total >= 1]).toEqual([url, 1, true]);
    }
    const past = (await suite.http.call('ivo.peters', 'GET', `/audit?noteId=${ids[0]}&offset=1000`)).json<{ items: unknown[]; total: number }>();
    expect(past.items).toEqual([]);
    // Its creation and its withdrawal at least, though the page past them is empty.
    expect(past.total).toBeGreaterThanOrEqual(2);
    expect((await suite.http.call('eva.smit', 'GET', '/partners?limit=0')).statusCode).toBe(400);
  });
});

describe('what lies ahead of a note', () => {
  it('routes a high-risk note through the minister, says why, and shows each stage’s quorum, state and approvals', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }));
    const draft = await note(id);
    expect(draft.ministerRequired).toEqual({
      required: true,
      reasons: [{ rule: 'high_overall_risk', text: 'the overall risk is high' }],
      summary: 'The minister decides after the head of service: the overall risk is high.',
    });
    expect(draft.route.map((s) => [s.stage, s.quorum, s.state])).toEqual([
      ['TEAM_REVIEW', 1, 'ahead'],
      ['LEGAL_REVIEW', 2, 'ahead'],
      ['HEAD_OF_SERVICE', 1, 'ahead'],
      ['MINISTER', 1, 'ahead'],
    ]);

    await suite.http.submit('anna.devries', id);
    await approve(id, ['carla.bakker', 'daan.visser']);
    const inReview = await note(id);
    expect(inReview.route.map((s) => s.state)).toEqual(['done', 'open', 'ahead', 'ahead']);
    expect(inReview.route[0]!.approvals).toEqual([expect.objectContaining({ actorId: 'carla.bakker', actorName: 'Carla Bakker', revision: 1 })]);
    expect(inReview.route[1]!.approvals).toEqual([expect.objectContaining({ actorId: 'daan.visser', actorName: 'Daan Visser' })]);
    expect(inReview.approvals.map((a) => a.actorId)).toEqual(['carla.bakker', 'daan.visser']);
  });

  it('names each permitted form that needs the minister, and says why the head of service decides otherwise', async () => {
    const forms = await note(await suite.http.createNote('anna.devries', completeContent({ permittedCooperation: ['evaluated_intelligence_exchange', 'unevaluated_data_provision', 'assistance_requests'] })));
    expect(forms.ministerRequired).toEqual({
      required: true,
      reasons: [
        { rule: 'ministerial_form', form: 'unevaluated_data_provision', text: 'the permitted forms include provision of unevaluated data' },
        { rule: 'ministerial_form', form: 'assistance_requests', text: 'the permitted forms include requests for assistance from the partner' },
      ],
      summary: 'The minister decides after the head of service: the permitted forms include provision of unevaluated data and requests for assistance from the partner.',
    });
    const mandate = await note(await suite.http.createNote('anna.devries'));
    expect(mandate.ministerRequired).toMatchObject({ required: false, reasons: [], summary: expect.stringMatching(/^The head of service decides under mandate/) });
    expect(mandate.route.map((s) => [s.stage, s.quorum])).toEqual([['TEAM_REVIEW', 1], ['LEGAL_REVIEW', 1], ['HEAD_OF_SERVICE', 1]]);
  });

  it('shows approvals voided by changes requested, and then by a newer revision, as void and never as approvals', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    await approve(id, ['carla.bakker']);
    await suite.http.decide('daan.visser', id, 'request_changes', 1, { comment: 'Sharpen the data-protection findings.' });
    const returned = await note(id);
    expect(returned.approvals).toEqual([]);
    expect(returned.voidedApprovals).toEqual([expect.objectContaining({ actorId: 'carla.bakker', revision: 1, voidedBy: 'changes_requested' })]);
    expect(returned.route.map((s) => s.state)).toEqual(['ahead', 'ahead', 'ahead']);

    await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Revised.' }) });
    await suite.http.submit('anna.devries', id, 2);
    await approve(id, ['carla.bakker'], 2);
    const again = await note(id);
    expect(again.approvals).toEqual([expect.objectContaining({ actorId: 'carla.bakker', revision: 2 })]);
    expect(again.route[0]).toMatchObject({
      state: 'done',
      approvals: [expect.objectContaining({ actorId: 'carla.bakker', revision: 2 })],
      voidedApprovals: [expect.objectContaining({ actorId: 'carla.bakker', revision: 1, voidedBy: 'newer_revision' })],
    });
    expect(again.route[1]).toMatchObject({ state: 'open', approvals: [] });

    await suite.http.decide('daan.visser', id, 'reject', 2, { comment: 'Out of scope.' });
    expect((await note(id)).route.map((s) => s.state)).toEqual(['done', 'ended', 'ended']);
  });
});

describe('a note’s history in words', () => {
  it('says who did what to which revision at which stage, with the adoption, the re-assessment and the supersession as entries of their own', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    await approve(id, ['carla.bakker']);
    await suite.http.decide('daan.visser', id, 'request_changes', 1, { comment: 'Sharpen the data-protection findings.' });
    await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Revised.' }) });
    await suite.http.submit('anna.devries', id, 2);
    await approve(id, ['carla.bakker', 'daan.visser', 'gert.mulder'], 2);

    const story = await history(id);
    expect(story.map((e) => e.summary)).toEqual([
      'Anna de Vries created the note (revision 1).',
      'Anna de Vries submitted revision 1 for team review.',
      'Carla Bakker approved revision 1 at team review. Legal review is open.',
      'Daan Visser requested changes to revision 1 at legal review. The note is back with its drafter.',
      'Anna de Vries saved revision 2.',
      'Anna de Vries submitted revision 2 for team review.',
      'Carla Bakker approved revision 2 at team review. Legal review is open.',
      'Daan Visser approved revision 2 at legal review. Head of service review is open.',
      'Gert Mulder approved revision 2 at head of service review.',
      'The note was adopted at revision 2 and is ACTIVE.',
    ]);
    expect(story[3]).toMatchObject({ action: 'note.decided', actorName: 'Daan Visser', stage: 'LEGAL_REVIEW', revision: 1, outcome: 'request_changes', comment: 'Sharpen the data-protection findings.' });
    expect(story.at(-1)).toMatchObject({ action: 'note.adopted', stage: 'HEAD_OF_SERVICE', revision: 2, actorName: null, outcome: null, relatedNoteId: null });

    const fresh = (await suite.http.call('anna.devries', 'POST', `/notes/${id}/reassess`, { reason: 'Change of government.' })).json<{ id: string }>().id;
    expect((await history(id)).at(-1)).toMatchObject({
      action: 'note.reassessment_started',
      summary: `Anna de Vries started the re-assessment ${noteRef(fresh)}.`,
      relatedNoteId: fresh,
      comment: 'Change of government.',
    });
    expect((await history(fresh))[0]).toMatchObject({ action: 'note.created', summary: `Anna de Vries started this note as the re-assessment of ${noteRef(id)}.`, relatedNoteId: id });

    await adopt(fresh);
    expect((await history(fresh)).at(-1)).toMatchObject({ action: 'note.adopted', summary: `The note was adopted at revision 1 and is ACTIVE; it supersedes ${noteRef(id)}.`, relatedNoteId: id });
    const superseded = await eventually(async () => (await history(id)).find((e) => e.action === 'note.superseded'), 'the supersession in the old note’s history');
    expect(superseded).toMatchObject({ summary: `Superseded by ${noteRef(fresh)}, its re-assessment, on that note’s adoption.`, relatedNoteId: fresh, actorName: null });
  });
});

describe('one current note per partner', () => {
  it('refuses a second note while the partner has one in progress or ACTIVE, naming it, and changes nothing', async () => {
    const partnerId = (await newPartner(suite.stack.sql)).id;
    const first = await suite.http.createNote('anna.devries', completeContent(), partnerId);
    const refused = await suite.http.call('bram.jansen', 'POST', '/notes', { partnerId, content: completeContent() });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ error: { code: 'conflict', message: expect.stringContaining(first), details: { noteId: first } } });
    expect(await notesOf(partnerId)).toEqual([first]);

    // Once the note has ended, the partner may have a new one.
    await suite.http.call('anna.devries', 'POST', `/notes/${first}/withdraw`, { reason: 'Started over.' });
    const second = await suite.http.createNote('anna.devries', completeContent(), partnerId);
    await adopt(second);
    expect((await create(partnerId)).json()).toMatchObject({ error: { details: { noteId: second } } });

    // The ACTIVE note's re-assessment is the way to assess the partner anew; while it runs, a new note names it.
    const reassessed = await suite.http.call('anna.devries', 'POST', `/notes/${second}/reassess`, { reason: 'Incident abroad.' });
    expect(reassessed.statusCode).toBe(201);
    const fresh = reassessed.json<{ id: string }>().id;
    const during = await create(partnerId);
    expect([during.statusCode, during.json()]).toEqual([409, expect.objectContaining({ error: expect.objectContaining({ details: { noteId: fresh } }) })]);
    expect(await notesOf(partnerId)).toEqual([first, second, fresh]);
  });

  it('is held by the database: of notes made at the same moment one is created, and a second insert is refused', async () => {
    const partnerId = (await newPartner(suite.stack.sql)).id;
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(partnerId)));
    expect(answers.map((res) => res.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    const [created] = await notesOf(partnerId);
    for (const res of answers.filter((r) => r.statusCode === 409)) expect(res.json()).toMatchObject({ error: { code: 'conflict', details: { noteId: created } } });

    const content = NoteContent.parse(completeContent());
    const second = suite.stack.sql.begin((tx) => insertNote(tx, { id: randomUUID(), partnerId, drafterId: 'bram.jansen', supersedes: null, content, contentSha256: contentSha256(content) }));
    const error = await second.then(() => undefined, (e: unknown) => e);
    expect(isSecondCurrentNote(error)).toBe(true);
  });

  it('counts a note whose creating request never heard back while it may be starting or has started, and not once it is known never to have', async () => {
    const content = NoteContent.parse(completeContent());
    const hash = contentSha256(content);
    const unstarted = async (ageSeconds: number) => {
      const [partnerId, id] = [(await newPartner(suite.stack.sql)).id, randomUUID()];
      await suite.stack.sql.begin((tx) => insertNote(tx, { id, partnerId, drafterId: 'anna.devries', supersedes: null, content, contentSha256: hash, started: false }));
      await suite.stack.sql`update notes set created_at = now() - ${ageSeconds} * interval '1 second' where id = ${id}`;
      return { partnerId, id };
    };

    const starting = await unstarted(0);
    expect((await create(starting.partnerId)).json()).toMatchObject({ error: { details: { noteId: starting.id } } });

    const started = await unstarted(3_600);
    const state = newNoteState({ noteId: started.id, partnerId: started.partnerId, drafterId: 'anna.devries', supersedes: null, current: revisionFacts(content, 1, hash, 'anna.devries'), policy: DEFAULT_POLICY });
    await suite.stack.client.workflow.start(noteApproval, { workflowId: noteWorkflowId(started.id), taskQueue: suite.stack.taskQueue, args: [{ state }] });
    expect((await create(started.partnerId)).json()).toMatchObject({ error: { details: { noteId: started.id } } });

    const never = await unstarted(3_600);
    const res = await create(never.partnerId);
    expect(res.statusCode).toBe(201);
    expect(await notesOf(never.partnerId)).toEqual([res.json<{ id: string }>().id]);
  });
});
