import { z } from 'zod';

/*
 * What every execution a workflow thread runs shares, loaded once with the thread and then frozen
 * (`worker/workflow-bundle`): modules that hold no execution's state. Each other module is evaluated
 * anew for every execution. zod is named here, not preloaded by its own name: the package declares
 * itself free of side effects, so the bundler would drop a bare preload of it.
 */

// Frozen with zod are its own patterns, and zod resets a pattern's `lastIndex` as it checks: a format
// that checks with one of them (`z.iso.date`, `z.email`, `z.guid`, durations, addresses, `.lowercase`
// and the like) throws when a workflow parses with it. Such a check takes a pattern of its own there,
// as the review date's does (`domain/pipeline-requests`); `z.uuid` and `z.iso.datetime` build theirs.

// zod completes its global configuration (its messages' locale, the memoizer its objects parse with)
// as it builds and runs its first schemas. Frozen, the configuration could not be completed later, so
// one schema is built and refused here, before the freeze.
z.object({ loaded: z.literal(true) }).safeParse({});

export { z };
