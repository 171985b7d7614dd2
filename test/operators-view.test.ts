import { SEED_PARTNERS } from '../dev/seed-data';
import { noteWorkflowId } from '../workflows';
import { eventually } from './support/poll';
import { completeContent } from './support/notes';
import { useStack } from './support/stack';

const suite = useStack();

/** Every string in a history, with each payload's bytes decoded: what an operator could read in the UI. */
function readable(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(readable).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(readable).join('\n');
  return String(value);
}

describe('what operators see in Temporal', () => {
  it('finds notes by stage, partner and overall risk through a visibility query', async () => {
    const partnerId = SEED_PARTNERS[2]!.id;
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }), partnerId);
    await suite.http.submit('anna.devries', id);
    const query = `NoteStage = 'TEAM_REVIEW' AND PartnerId = '${partnerId}' AND OverallRisk = 'high' AND NoteStatus = 'IN_REVIEW'`;
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const execution of suite.stack.client.workflow.list({ query })) ids.push(execution.workflowId);
      return ids.includes(noteWorkflowId(id)) ? ids : undefined;
    }, 'the note in a visibility query');
    expect(found).toContain(noteWorkflowId(id));
    const description = await suite.stack.client.workflow.getHandle(noteWorkflowId(id)).describe();
    expect(description.typedSearchAttributes.get({ name: 'StageDueTime', type: 'DATETIME' } as never)).toBeInstanceOf(Date);
  });

  it('holds no note content and no comment in any payload of a finished execution’s history', async () => {
    const secret = {
      interest: 'Secret interest: the northern corridor sensors',
      weighing: 'Secret weighing about the liaison officer',
      comment: 'Secret comment naming the liaison officer',
      reason: 'Secret reason for withdrawal',
    };
    const id = await suite.http.createNote('anna.devries', completeContent({ nationalSecurityInterest: secret.interest, weighing: secret.weighing }));
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: secret.comment });
    await suite.http.call('anna.devries', 'POST', `/notes/${id}/withdraw`, { reason: secret.reason });
    const handle = suite.stack.client.workflow.getHandle(noteWorkflowId(id));
    expect((await handle.result()).status).toBe('WITHDRAWN');
    const text = readable(await handle.fetchHistory());
    expect(text).toContain(id);
    for (const value of Object.values(secret)) expect(text).not.toContain(value);
    for (const value of Object.values(completeContent().criteria!)) expect(text).not.toContain(value!.findings!);
  });
});
