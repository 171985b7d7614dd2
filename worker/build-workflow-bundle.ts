import { resolve } from 'node:path';
import { writeWorkflowBundle } from './workflow-bundle';

/** `npm run build:workflows [-- <file>]`: the workflow bundle a worker loads through WORKFLOW_BUNDLE. */
const target = resolve(process.argv[2] ?? 'build/workflow-bundle.js');
writeWorkflowBundle(target).then(
  () => console.log(`workflow bundle written to ${target}`),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
