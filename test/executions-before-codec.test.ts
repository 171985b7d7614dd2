import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '../codec/encryption-codec';
import { contentSha256, insertNote } from '../db/notes';
import { SEED_PARTNERS } from '../dev/seed-data';
import { NoteContent } from '../domain/note-content';
import { DEFAULT_POLICY, newNoteState, type RevisionFacts } from '../domain/pipeline';
import { noteWorkflowId, stateQuery } from '../workflows';
import { completeContent } from './support/notes';
import { useStack } from './support/stack';

const suite = useStack();

/**
 * An execution started by the code before the codec: its start input is a plain payload, and its
 * state carries the permitted forms themselves. The current worker and API, with the codec, must
 * take it to its end; from then on its state names no forms and its payloads are encrypted.
 */
describe('a note whose execution began before the payload codec', () => {
  it('is taken through every stage, the minister’s included, by the current code, and holds no forms from then on', async () => {
    const id = randomUUID();
    const content = NoteContent.parse(completeContent({ permittedCooperation: ['evaluated_intelligence_exchange', 'assistance_requests'] }));
    const hash = contentSha256(content);
    await suite.stack.sql.begin((tx) => insertNote(tx, { id, partnerId: SEED_PARTNERS[0]!.id, drafterId: 'anna.devries', supersedes: null, content, contentSha256: hash }));
    const legacyFacts = { revision: 1, contentSha256: hash, authorId: 'anna.devries', overallRisk: content.overallRisk, permittedCooperation: content.permittedCooperation, reviewDate: content.reviewDate };
    const state = newNoteState({ noteId: id, partnerId: SEED_PARTNERS[0]!.id, drafterId: 'anna.devries', supersedes: null, current: legacyFacts as unknown as RevisionFacts, policy: DEFAULT_POLICY });
    // A client without the codec, as every client was before it.
    const before = new Client({ connection: suite.stack.client.connection });
    await before.workflow.start('noteApproval', { workflowId: noteWorkflowId(id), taskQueue: suite.stack.taskQueue, args: [{ state }] });

    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await suite.http.decide(reviewer, id, 'approve')).statusCode).toBe(200);
    // The forms routed it to the minister, as they did before.
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ status: 'IN_REVIEW', stage: 'MINISTER' });
    expect((await suite.http.decide('hanna.deboer', id, 'approve')).json()).toMatchObject({ status: 'ACTIVE' });

    const handle = suite.stack.client.workflow.getHandle(noteWorkflowId(id));
    const now = await handle.query(stateQuery);
    expect(now.current).toEqual({ revision: 1, contentSha256: hash, authorId: 'anna.devries', overallRisk: 'medium', ministerialForms: true, reviewDate: content.reviewDate });

    const events = (await handle.fetchHistory()).events ?? [];
    const encoding = (p: { metadata?: Record<string, Uint8Array> | null } | undefined) => Buffer.from(p?.metadata?.encoding ?? []).toString();
    const [start] = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    expect(encoding(start)).toBe('json/plain');
    const updates = events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
    expect(updates.length).toBe(5);
    for (const payload of updates) expect(encoding(payload)).toBe(ENCRYPTED_ENCODING);
  });
});
