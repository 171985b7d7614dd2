import { loadConfig } from '../config/env';
import { createSql } from '../db/client';
import { seed } from './seed';

/** `npm run seed`: the development cast and partners (idempotent), for a stack started without `npm start`. */
const sql = createSql(loadConfig().DATABASE_URL, { max: 1 });
seed(sql)
  .then(() => console.log('seeded people and partners'))
  .catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(() => sql.end());
