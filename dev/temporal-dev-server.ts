import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

/**
 * Flags for every dev server we start. The dev server has one history shard whose transfer-queue
 * reader allows 20 loads/s; past that, an Update that awaits an activity steps from ~25 ms to
 * 100 ms for every workflow on the server. Eager activity execution saves a further round trip.
 */
export const DEV_SERVER_FLAGS = [
  '--dynamic-config-value',
  'history.transferProcessorMaxPollRPS=10000',
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
];

const { IndexedValueType } = temporal.api.enums.v1;
const INDEXED_TYPE = { KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME } as const;
const CLI_TYPE = { KEYWORD: 'Keyword', DATETIME: 'Datetime' } as const;
type KeyType = keyof typeof CLI_TYPE;

export interface DevServerOptions {
  cliPath: string;
  host: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** A SQLite file, so executions survive a restart of `npm start`. */
  dbFile: string;
  /** The API's codec endpoint, which the UI calls to show payloads decoded to an operator. */
  codecEndpoint: string;
}

/** `temporal server start-dev` with its UI, a persistent database and the product's search attributes. */
export function startDevServer(options: DevServerOptions): ChildProcess {
  mkdirSync(dirname(options.dbFile), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', options.host,
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--ui-codec-endpoint', options.codecEndpoint,
    '--namespace', options.namespace,
    '--db-filename', options.dbFile,
    '--log-level', 'error',
    ...DEV_SERVER_FLAGS,
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type as KeyType]}`]),
  ];
  // A process group of its own: a terminal's Ctrl-C is for `npm start`, which stops the server last.
  return spawn(options.cliPath, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
}

/** Connects, retrying while a server is still starting; undefined when nothing answers in time. */
export async function connectWithin(address: string, ms: number): Promise<Connection | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await Connection.connect({ address, connectTimeout: '1s' });
    } catch {
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Registers on a server we did not start whichever of the product's search attributes it lacks. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTE_KEYS.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPE[key.type as KeyType]])),
    });
  }
  return missing.map((key) => key.name);
}
