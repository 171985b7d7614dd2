import { noteWorkflowId, stateQuery } from '../workflows';
import { completeContent } from './support/notes';
import { useStack } from './support/stack';

/**
 * A double click, a retrying client, a crowd: decisions sent at once on one note. Exactly what the
 * rules allow counts, every request answers (and soon), and the read model, the decisions and the
 * workflow agree. A race, so it is run many times over.
 */
// Every answer within a minute, on a loaded two-core machine; a 503 would mean the deadline passed first.
const suite = useStack({ temporalCallTimeout: '60s' });
const ROUNDS = Array.from({ length: 8 }, (_, i) => i + 1);

async function agree(id: string) {
  const state = await suite.stack.client.workflow.getHandle(noteWorkflowId(id)).query(stateQuery);
  const [note] = await suite.stack.sql<{ stage: string; version: number }[]>`select stage, version from notes where id = ${id}`;
  const decisions = await suite.stack.sql<{ id: string }[]>`select id from decisions where note_id = ${id}`;
  expect(note).toEqual({ stage: state.stage, version: state.version });
  expect(decisions.map((d) => d.id).sort()).toEqual(state.decisions.map((d) => d.decisionId).sort());
  return state;
}

describe('decisions sent at once', () => {
  it.each(ROUNDS)('round %i: 20 approvals by one team lead count once, and all answer', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const answers = await Promise.all(Array.from({ length: 20 }, () => suite.http.decide('carla.bakker', id, 'approve', 1, { stage: 'TEAM_REVIEW' })));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 403 && s !== 409)).toEqual([]);
    const state = await agree(id);
    expect(state).toMatchObject({ stage: 'LEGAL_REVIEW', decisions: [{ actorId: 'carla.bakker' }] });
  });

  it.each(ROUNDS)('round %i: 50 approvals by three legal advisers at high risk: exactly the quorum of two counts', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }));
    await suite.http.submit('anna.devries', id);
    await suite.http.decide('carla.bakker', id, 'approve', 1, { stage: 'TEAM_REVIEW' });
    const legal = ['daan.visser', 'eva.smit', 'frank.meijer'];
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => suite.http.decide(legal[i % 3]!, id, 'approve', 1, { stage: 'LEGAL_REVIEW' })));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s !== 200 && s !== 403 && s !== 409)).toEqual([]);
    const state = await agree(id);
    expect(state.stage).toBe('HEAD_OF_SERVICE');
    expect(state.decisions.filter((d) => d.stage === 'LEGAL_REVIEW')).toHaveLength(2);
  });
});
