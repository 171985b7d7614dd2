import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { buildApp } from '../api/app';
import { appDeps } from '../api/app-deps';
import { createTemporalClient } from '../clients/temporal-client';
import { loadConfig } from '../config/env';
import { createSql } from '../db/client';

/**
 * `npm run docs:api`: writes `docs/api.md`, the HTTP API as people read it, from the OpenAPI document
 * the API serves (`/openapi.json`), so the two cannot drift apart (a test compares them). Builds the
 * app without reaching any service: the clients it is given connect only when used.
 */

export const API_DOCS = join(__dirname, '..', 'docs', 'api.md');

interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  format?: string;
  example?: unknown;
  examples?: unknown[];
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string; required?: boolean; description?: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { description?: string }>;
}
export interface OpenApiDocument {
  info: { title: string; description?: string };
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
}

/** The document as the API serves it. */
export async function openApiDocument(): Promise<OpenApiDocument> {
  const config = loadConfig({ NODE_ENV: 'development' });
  const sql = createSql(config.DATABASE_URL);
  const app = await buildApp(appDeps(config, sql, createTemporalClient(Connection.lazy({ address: config.TEMPORAL_ADDRESS }), config.TEMPORAL_NAMESPACE, config.PAYLOAD_KEYS)));
  try {
    return (await app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
  } finally {
    await app.close();
    await sql.end();
  }
}

const typeOf = (schema: Schema): string => {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (type === 'array' && schema.items) return `array of ${typeOf(schema.items)}`;
  return schema.format ? `${type} (${schema.format})` : type;
};
const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function fieldTable(schema: Schema): string[] {
  const properties = Object.entries(schema.properties ?? {});
  if (!properties.length) return [];
  return [
    '| field | type | required | meaning |',
    '|---|---|---|---|',
    ...properties.map(([name, field]) => `| \`${name}\` | ${cell(typeOf(field))} | ${schema.required?.includes(name) ? 'yes' : ''} | ${cell(field.description)} |`),
  ];
}

function exampleOf(body: NonNullable<Operation['requestBody']>['content'][string]): unknown {
  return body.example ?? Object.values(body.examples ?? {})[0]?.value ?? body.schema.example ?? body.schema.examples?.[0];
}

function operationDoc(method: string, path: string, op: Operation, document: OpenApiDocument): string[] {
  const lines = [`### \`${method.toUpperCase()} ${path}\``, '', op.summary ?? ''];
  if (op.description) lines.push('', op.description);
  const open = (op.security ?? document.security)?.length === 0;
  lines.push('', open ? 'No bearer token needed.' : 'Needs `Authorization: Bearer <JWT>`.');
  const parameters = op.parameters ?? [];
  if (parameters.length) {
    lines.push('', '| parameter | in | type | required | meaning |', '|---|---|---|---|---|');
    for (const p of parameters) lines.push(`| \`${p.name}\` | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : ''} | ${cell(p.description ?? p.schema.description)} |`);
  }
  const [type, body] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  if (type && body) {
    lines.push('', `Body (\`${type}\`):`, '', ...fieldTable(body.schema));
    const example = exampleOf(body);
    if (example !== undefined) lines.push('', 'Example:', '', '```json', JSON.stringify(example, null, 2), '```');
  }
  lines.push('', '| status | meaning |', '|---|---|');
  for (const [status, response] of Object.entries(op.responses)) lines.push(`| ${status} | ${cell(response.description)} |`);
  return [...lines, ''];
}

export function renderApiDocs(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...operationDoc(method, path, op, document)]);
    }
  }
  return [
    `# ${document.info.title}: the HTTP API`,
    '',
    '<!-- Written by `npm run docs:api` from the OpenAPI document the API serves (`GET /openapi.json`, browsable at `/docs`); edit the routes, not this file. -->',
    '',
    document.info.description ?? '',
    '',
    'Errors are JSON `{ "error": { "code", "message", "details"? } }`; `details` lists each field of a 400 and each gap of a 422. A 503 carries `Retry-After`.',
    '',
    ...[...byTag].flatMap(([tag, lines]) => [`## ${tag}`, '', ...lines]),
  ].join('\n');
}

if (require.main === module) {
  openApiDocument()
    .then((document) => {
      writeFileSync(API_DOCS, renderApiDocs(document));
      console.log(`wrote ${API_DOCS}`);
    })
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
