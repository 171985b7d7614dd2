import { z } from 'zod';

/*
 * What every execution a workflow thread runs shares, loaded once with the thread and then frozen
 * (`worker/workflow-bundle`): modules that hold no execution's state. Each other module is evaluated
 * anew for every execution. zod is named here, not preloaded by its own name: the package declares
 * itself free of side effects, so the bundler would drop a bare preload of it.
 */

// zod completes its global configuration (its messages' locale, the memoizer its objects parse with)
// as it builds and runs its first schemas. Frozen, the configuration could not be completed later, so
// one schema is built and refused here, before the freeze.
z.object({ loaded: z.literal(true) }).safeParse({});

export { z };
