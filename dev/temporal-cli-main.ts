import { findOrGetTemporalCli } from './temporal-cli';

/** `npm run temporal:cli`: makes sure the Temporal CLI is here (building it if need be) and prints its path. */
findOrGetTemporalCli()
  .then(({ path, source }) => console.log(`temporal CLI (${source}): ${path}`))
  .catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
