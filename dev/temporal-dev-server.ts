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

/** `--search-attribute Name=Type` pairs in the CLI's spelling of the types. */
export function searchAttributeFlags(): string[] {
  const cliType = { KEYWORD: 'Keyword', DATETIME: 'Datetime' } as const;
  return SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type as keyof typeof cliType]}`]);
}
