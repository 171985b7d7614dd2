import type { AddressInfo } from 'node:net';
import { Connection } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Sql } from '../db/client';
import { createTemporalClient } from '../clients/temporal-client';
import { appDeps } from './app-deps';
import { buildApp } from './app';
import { apiLogger } from './hardening';

export interface RunningApi {
  url: string;
  /** The address it listens on, as bound: loopback unless HOST says otherwise. */
  address: string;
  close(): Promise<void>;
}

/** The API with its own Temporal client, listening on HOST:PORT (loopback unless HOST says otherwise). */
export async function startApi(config: Config, sql: Sql, level: Config['LOG_LEVEL'] = 'info'): Promise<RunningApi> {
  // Lazy: the API starts while Temporal is still coming up, and /health says so meanwhile.
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const temporal = createTemporalClient(connection, config.TEMPORAL_NAMESPACE, config.PAYLOAD_KEYS);
  const app = await buildApp(appDeps(config, sql, temporal), { logger: apiLogger(level), trustProxy: config.TRUST_PROXY ?? false });
  await app.listen({ port: config.PORT, host: config.HOST });
  const { address } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${config.PORT}`,
    address,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
