import { randomUUID } from 'node:crypto';
import type * as PipelineRules from '../domain/pipeline-rules';
import type * as Workflows from '../workflows';

/**
 * Workflow code evaluates every module it imports once per execution, replays included: the workflows'
 * modules build no schema when they load. Their Updates' validators load the schemas they need on
 * first use (`domain/parse-or-refuse`).
 */
describe('the workflows’ modules', () => {
  /** Loads a module in a registry of its own, where loading zod fails. */
  const withoutZod = <T>(path: string): T => {
    let loaded: T | undefined;
    jest.isolateModules(() => {
      jest.doMock('zod', () => {
        throw new Error('zod was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded inside the isolated registry
      loaded = require(path) as T;
    });
    jest.dontMock('zod');
    return loaded!;
  };

  it('load without zod, so that no execution builds a schema as it starts or replays', () => {
    const workflows = withoutZod<typeof Workflows>('../workflows');
    expect(typeof workflows.noteApproval).toBe('function');
    expect(typeof workflows.noteConditions).toBe('function');
    expect(typeof workflows.consentRequest).toBe('function');
  });

  it('load the request schemas when a validator first runs, and refuse a malformed request with them', () => {
    const { DEFAULT_POLICY, NotePipeline, newNoteState } = withoutZod<typeof PipelineRules>('../domain/pipeline-rules');
    const facts = { revision: 1, contentSha256: 'a'.repeat(64), authorId: 'anna.devries', overallRisk: 'low' as const, ministerialForms: false, reviewDate: null };
    const pipeline = new NotePipeline(newNoteState({ noteId: randomUUID(), partnerId: randomUUID(), drafterId: 'anna.devries', supersedes: null, current: facts, policy: DEFAULT_POLICY }));
    expect(() => pipeline.checkSubmit({ actor: { id: 'anna.devries', roles: ['drafter'] }, revision: 0 })).toThrow(/malformed request: .*revision/s);
    expect(() => pipeline.checkSubmit({ actor: { id: 'anna.devries', roles: ['drafter'] }, revision: 1 })).not.toThrow();
  });
});
