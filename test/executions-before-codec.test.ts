import { randomUUID } from 'node:crypto';
import { Client, WorkflowUpdateStage } from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '../codec/encryption-codec';
import { Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '../codec/data-converter';
import { PayloadKeys } from '../codec/payload-keys';
import { contentSha256, insertNote, insertRevision } from '../db/notes';
import { NoteContent } from '../domain/note-content';
import { DEFAULT_POLICY, newNoteState, type RevisionFacts } from '../domain/pipeline';
import { noteWorkflowId, stateQuery } from '../workflows';
import { completeContent, newPartner } from './support/notes';
import { eventually } from './support/poll';
import { runEnv } from './support/run-env';
import { TEST_PAYLOAD_KEYS, useStack } from './support/stack';

const suite = useStack();

/**
 * An execution started by the code before the codec: its start input is a plain payload, and its
 * state carries the permitted forms themselves. The current worker and API, with the codec, must
 * take it to its end; from then on its state names no forms and its payloads are encrypted.
 */
describe('a note whose execution began before the payload codec', () => {
  it('is taken through every stage, the minister’s included, by the current code, and holds no forms from then on; its history replays', async () => {
    const id = randomUUID();
    const content = NoteContent.parse(completeContent({ permittedCooperation: ['evaluated_intelligence_exchange', 'assistance_requests'] }));
    const hash = contentSha256(content);
    const partnerId = (await newPartner(suite.stack.sql)).id;
    await suite.stack.sql.begin((tx) => insertNote(tx, { id, partnerId, drafterId: 'anna.devries', supersedes: null, content, contentSha256: hash }));
    const legacyFacts = { revision: 1, contentSha256: hash, authorId: 'anna.devries', overallRisk: content.overallRisk, permittedCooperation: content.permittedCooperation, reviewDate: content.reviewDate };
    const state = newNoteState({ noteId: id, partnerId, drafterId: 'anna.devries', supersedes: null, current: legacyFacts as unknown as RevisionFacts, policy: DEFAULT_POLICY });
    // A client without the codec, as every client was before it.
    const before = new Client({ connection: suite.stack.client.connection });
    await before.workflow.start('noteApproval', { workflowId: noteWorkflowId(id), taskQueue: suite.stack.taskQueue, args: [{ state }] });

    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    expect((await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: 'More on legal powers.' })).statusCode).toBe(200);
    // A revision saved as the API before the codec did: the forms themselves in the revise Update.
    const revised = NoteContent.parse(completeContent({ weighing: 'Revised weighing.', permittedCooperation: ['evaluated_intelligence_exchange', 'assistance_requests'] }));
    const hash2 = contentSha256(revised);
    await insertRevision(suite.stack.sql, { noteId: id, revision: 2, content: revised, contentSha256: hash2, authorId: 'anna.devries', accepted: false });
    const legacyRevise = { actor: { id: 'anna.devries', roles: ['drafter'] }, facts: { ...legacyFacts, revision: 2, contentSha256: hash2 } };
    // Its answer is encrypted now, which this client cannot read: wait for the revision in the read model instead.
    await before.workflow.getHandle(noteWorkflowId(id)).startUpdate('revise', { args: [legacyRevise], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await eventually(async () => ((await suite.http.note('anna.devries', id)).json<{ revision: number }>().revision === 2 ? true : undefined), 'revision 2 recorded');

    expect((await suite.http.submit('anna.devries', id, 2)).statusCode).toBe(200);
    for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await suite.http.decide(reviewer, id, 'approve', 2)).statusCode).toBe(200);
    // The forms routed it to the minister, as they did before.
    expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ status: 'IN_REVIEW', stage: 'MINISTER' });
    expect((await suite.http.decide('hanna.deboer', id, 'approve', 2)).json()).toMatchObject({ status: 'ACTIVE' });

    const handle = suite.stack.client.workflow.getHandle(noteWorkflowId(id));
    const now = await handle.query(stateQuery);
    expect(now.current).toEqual({ revision: 2, contentSha256: hash2, authorId: 'anna.devries', overallRisk: 'medium', ministerialForms: true, reviewDate: content.reviewDate });

    // A worker that picks it up again replays it all, the revise with the forms included.
    const dataConverter = encryptingDataConverter(PayloadKeys.parse(TEST_PAYLOAD_KEYS));
    await Worker.runReplayHistory({ workflowBundle: { codePath: runEnv().TEST_WORKFLOW_BUNDLE }, dataConverter }, await handle.fetchHistory(), noteWorkflowId(id));

    const events = (await handle.fetchHistory()).events ?? [];
    const encoding = (p: { metadata?: Record<string, Uint8Array> | null } | undefined) => Buffer.from(p?.metadata?.encoding ?? []).toString();
    const [start] = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    expect(encoding(start)).toBe('json/plain');
    const updates = events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
    expect(updates.length).toBe(8);
    const plain = updates.filter((payload) => encoding(payload) !== ENCRYPTED_ENCODING);
    expect(plain.map((payload) => JSON.parse(Buffer.from(payload.data!).toString()))).toEqual([legacyRevise]);
  });
});
