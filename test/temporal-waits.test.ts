import { randomUUID } from 'node:crypto';
import { contentSha256, insertNote } from '../db/notes';
import { NoteContent } from '../domain/note-content';
import { DEFAULT_POLICY, newNoteState, revisionFacts } from '../domain/pipeline';
import { noteApproval, noteWorkflowId, stateQuery } from '../workflows';
import { completeContent, newPartner } from './support/notes';
import { eventually } from './support/poll';
import { useStack } from './support/stack';

/**
 * What the API does while Temporal cannot answer (here: no worker, so no Update completes): it holds
 * no transaction, lock or pooled connection for the wait, answers 503 with Retry-After once its
 * deadline passes, and keeps every note readable; and when the answer comes late, the note follows it.
 */
const suite = useStack({ temporalCallTimeout: '2s' });

describe('requests that wait on Temporal', () => {
  it('answer 503 after the deadline without stalling anyone, and the note shows the revision the workflow took once it can', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.stack.stopWorker();
    try {
      // More saves than the pool has connections: none may hold one while it waits.
      const saves = Array.from({ length: 12 }, (_, i) =>
        suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: `Save ${i}.` }) }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      const read = await suite.http.note('gert.mulder', id);
      expect([read.statusCode, read.json<{ revision: number }>().revision]).toEqual([200, 1]);
      expect(Date.now() - started).toBeLessThan(1_500);
      const audited = await suite.http.call('ivo.peters', 'GET', `/audit?noteId=${id}`);
      expect(audited.statusCode).toBe(200);

      for (const res of await Promise.all(saves)) {
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
      }
    } finally {
      await suite.stack.startWorker();
    }
    // Nobody heard back about those saves: the server may yet hand one to the workflow as the worker
    // returns, or drop them all. Either way the note then shows exactly the revision the workflow
    // holds, and the drafter's next save of base 1 is taken or refused accordingly.
    const shown = await eventually(async () => {
      const res = await suite.http.call('anna.devries', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Saved once the worker was back.' }) });
      if (res.statusCode !== 200 && res.statusCode !== 409) return undefined;
      // Refused because a late save was taken: its projection may still be on its way.
      const note = (await suite.http.note('anna.devries', id)).json<{ revision: number; contentSha256: string; content: { weighing: string } }>();
      return note.revision === 2 ? note : undefined;
    }, 'an answer once the worker is back');
    const state = await suite.stack.client.workflow.getHandle(noteWorkflowId(id)).query(stateQuery);
    expect(state.current).toMatchObject({ revision: 2, contentSha256: shown.contentSha256 });
    expect(shown.content.weighing).toMatch(/^(Save \d+|Saved once the worker was back)\.$/);
    expect(await suite.stack.sql`select content_sha256 from note_revisions where note_id = ${id} and revision = 2 and accepted`).toEqual([{ contentSha256: shown.contentSha256 }]);
  });

  it('answers a reviewer’s decision on the review page with a 503 page while it cannot be confirmed, and a retry then works', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
    const mail = await eventually(async () => suite.stack.mail.messages().find((m) => m.subject.includes(ref) && m.to.includes('carla.bakker@mivd.example')), 'the review mail');
    const link = new URL(mail.text.match(/https?:\/\/\S+\/review\/\S+/)![0]).pathname;
    const post = () =>
      suite.stack.app.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ outcome: 'reject', comment: 'Out of scope.' }).toString() });
    await suite.stack.stopWorker();
    let first;
    try {
      first = await post();
    } finally {
      await suite.stack.startWorker();
    }
    expect([first.statusCode, first.headers['content-type'], first.headers['retry-after']]).toEqual([503, 'text/html; charset=utf-8', '5']);
    expect(first.body).toContain('Open this link again in a moment');
    // Once an attempt can no longer be in flight, a retry is heard: recorded now, or found recorded by the
    // late one. On a starved machine the returning worker may need longer than the deadline again: that
    // retry answers 503 too, and the next, as late, is heard.
    let retry;
    for (let attempt = 1; attempt <= 5 && (!retry || retry.statusCode === 503); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      retry = await post();
    }
    expect([200, 409]).toContain(retry!.statusCode);
    expect(retry!.body).not.toContain('being recorded already');
    await eventually(async () => ((await suite.http.note('gert.mulder', id)).json<{ status: string }>().status === 'REJECTED' ? true : undefined), 'the rejection recorded');
    expect(await suite.stack.sql`select outcome from decisions where note_id = ${id}`).toEqual([{ outcome: 'reject' }]);
    const history = (await suite.http.call('ivo.peters', 'GET', `/notes/${id}/history`)).json<{ action: string; comment: string | null }[]>();
    expect(history.find((h) => h.action === 'note.decided')).toMatchObject({ comment: 'Out of scope.' });
  });

  it('finds a note whose creating request never heard back: it exists if its execution does, and not otherwise', async () => {
    const content = NoteContent.parse(completeContent());
    const hash = contentSha256(content);
    const partnerId = (await newPartner(suite.stack.sql)).id;
    const make = async (partner: string) => {
      const id = randomUUID();
      await suite.stack.sql.begin((tx) => insertNote(tx, { id, partnerId: partner, drafterId: 'anna.devries', supersedes: null, content, contentSha256: hash, started: false }));
      return id;
    };
    const [started, never] = [await make(partnerId), await make((await newPartner(suite.stack.sql)).id)];
    const state = newNoteState({ noteId: started, partnerId, drafterId: 'anna.devries', supersedes: null, current: revisionFacts(content, 1, hash, 'anna.devries'), policy: DEFAULT_POLICY });
    await suite.stack.client.workflow.start(noteApproval, { workflowId: noteWorkflowId(started), taskQueue: suite.stack.taskQueue, args: [{ state }] });

    expect((await suite.http.note('anna.devries', never)).statusCode).toBe(404);
    expect((await suite.http.call('gert.mulder', 'GET', '/notes?limit=200')).json<{ items: { id: string }[] }>().items.map((n) => n.id)).not.toContain(started);
    expect((await suite.http.note('anna.devries', started)).statusCode).toBe(200);
    expect((await suite.http.call('gert.mulder', 'GET', '/notes?limit=200')).json<{ items: { id: string }[] }>().items.map((n) => n.id)).toContain(started);
    await suite.http.note('anna.devries', started);
    const created = await suite.stack.sql`select actor_id from audit_log where note_id = ${started} and action = 'note.created'`;
    expect(created).toEqual([{ actorId: 'anna.devries' }]);
    expect((await suite.http.submit('anna.devries', started)).statusCode).toBe(200);
  });
});
