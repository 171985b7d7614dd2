import { Client, Connection } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/env';
import { policyFrom } from '../config/policy';
import type { Sql } from '../db/client';
import { buildApp } from './app';
import { createTokenVerifier } from './auth';
import { noteWorkflows } from './note-workflow';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** The API with its own Temporal client, listening on PORT (all interfaces, so a container's port works). */
/** Request URLs are logged without the token of a review link, which is as good as a key. */
const redactedRequest = (request: FastifyRequest) => ({ method: request.method, url: request.url.replace(/\/review\/[^/?#]+/, '/review/[token]') });

export async function startApi(config: Config, sql: Sql, level: 'info' | 'warn' = 'info'): Promise<RunningApi> {
  // Lazy: the API starts while Temporal is still coming up, and /health says so meanwhile.
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = await buildApp(
    { sql, temporal, notes: noteWorkflows(temporal, config.TEMPORAL_TASK_QUEUE), verify: createTokenVerifier(config), policy: policyFrom(config), reviewLinkSecret: config.REVIEW_LINK_SECRET },
    { logger: { level, serializers: { req: redactedRequest } } },
  );
  await app.listen({ port: config.PORT, host: '0.0.0.0' });
  return {
    url: `http://127.0.0.1:${config.PORT}`,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
