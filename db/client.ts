import postgres from 'postgres';

export type Sql = postgres.Sql;
/** A transaction handle; the same query interface as Sql. */
export type Tx = postgres.TransactionSql | postgres.Sql;
/** Only a transaction: for work whose locks must last until commit. */
export type InTransaction = postgres.TransactionSql;

export function createSql(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    // Fail fast when the database is unreachable, so /health answers 503 instead of hanging.
    connect_timeout: 5,
    // Column names only: jsonb values (note content, audit details) come back exactly as stored.
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
  });
}

/**
 * Closes a pool that has served a long time: queries still running get a few seconds. Without the
 * bound, postgres.js can wait for ever on a connection left over from a server restart.
 */
export function closeSql(sql: Sql): Promise<void> {
  return sql.end({ timeout: 5 });
}
