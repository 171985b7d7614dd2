import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as Zod from 'zod';
import type * as PipelineRules from '../domain/pipeline-rules';
import type * as Workflows from '../workflows';

/**
 * Workflow code evaluates every module it imports once per execution, replays included, except zod,
 * which each workflow thread loads once and shares: the workflows' modules build no schema when they
 * load. Their Updates' validators load the schemas they need on first use (`domain/parse-or-refuse`).
 */
describe('the workflows’ modules', () => {
  /** Loads a module in a registry of its own, where building a schema with zod fails. */
  const withoutSchemas = <T>(path: string): T => {
    let loaded: T | undefined;
    jest.isolateModules(() => {
      jest.doMock('zod', () => {
        const actual = jest.requireActual<typeof Zod>('zod');
        const refuse = () => {
          throw new Error('a schema was built as a module loaded');
        };
        return { ...actual, z: new Proxy(actual.z, { get: (target, key: keyof typeof actual.z) => (typeof target[key] === 'function' ? refuse : target[key]) }) };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded inside the isolated registry
      loaded = require(path) as T;
    });
    jest.dontMock('zod');
    return loaded!;
  };

  it('build no schema as they load, so that an execution builds none until it checks an Update', () => {
    const workflows = withoutSchemas<typeof Workflows>('../workflows');
    expect(typeof workflows.noteApproval).toBe('function');
    expect(typeof workflows.noteConditions).toBe('function');
    expect(typeof workflows.consentRequest).toBe('function');
  });

  it('load the request schemas when a validator first runs, and refuse a malformed request with them', () => {
    const { DEFAULT_POLICY, NotePipeline, newNoteState } = withoutSchemas<typeof PipelineRules>('../domain/pipeline-rules');
    const facts = { revision: 1, contentSha256: 'a'.repeat(64), authorId: 'anna.devries', overallRisk: 'low' as const, ministerialForms: false, reviewDate: null };
    const pipeline = new NotePipeline(newNoteState({ noteId: randomUUID(), partnerId: randomUUID(), drafterId: 'anna.devries', supersedes: null, current: facts, policy: DEFAULT_POLICY }));
    expect(() => pipeline.checkSubmit({ actor: { id: 'anna.devries', roles: ['drafter'] }, revision: 0 })).toThrow(/malformed request: .*revision/s);
    expect(() => pipeline.checkSubmit({ actor: { id: 'anna.devries', roles: ['drafter'] }, revision: 1 })).not.toThrow();
  });

  it('are bundled with zod loaded once per workflow thread, before any execution', () => {
    // The bundle this run's workers load (the tests' global set-up writes it as the worker's own is written).
    const bundle = readFileSync(process.env.TEST_WORKFLOW_BUNDLE!, 'utf8');
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(bundle)?.[1];
    expect(preload).toMatch(/__webpack_require__\([^)]*"\.\/workflows\/shared-modules\.ts"\)/);
  });
});
