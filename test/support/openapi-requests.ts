import fc from 'fast-check';

/**
 * Requests made from an OpenAPI 3.0 document, for the API fuzzer (test/api-fuzz.test.ts): every
 * operation, its path parameters, query and headers, and a body generated from its schema and then,
 * most of the time, spoiled. Values the product holds (ids of real notes and partners, a genuine
 * review link) are mixed in, so that requests get past "no such note" to the checks behind it.
 */

/** The part of JSON Schema (OpenAPI 3.0's dialect) that the document uses. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
}

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: JsonSchema;
}

interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
export type Paths = Record<string, Record<string, OperationObject>>;

export interface Operation {
  /** As the document names it: `POST /notes/{id}/submit`. */
  name: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** The media type and schema of its body, when it takes one. */
  body?: { type: string; schema: JsonSchema };
  /** The media type it answers in, from the responses it declares. */
  answers: string;
}

export function operationsOf(paths: Paths): Operation[] {
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      const answers = Object.values(op.responses ?? {}).flatMap((response) => Object.keys(response.content ?? {}))[0] ?? 'application/json';
      return { name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: type && media ? { type, schema: media.schema } : undefined, answers };
    }),
  );
}

export type Body =
  /** A value, encoded as its content type says (JSON, or a form); `undefined` sends no body. */
  | { kind: 'value'; value: unknown; type: string }
  /** Text sent as it is: malformed JSON, an empty body, anything. */
  | { kind: 'text'; text: string; type: string }
  /** One byte past the largest body limit of any route; made when sent, so a failure's report stays short. */
  | { kind: 'oversized'; type: string };

export interface FuzzRequest {
  operation: string;
  /** Who sends it: a name the test maps to an Authorization header, or to none. */
  caller: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Body;
}

export interface Sources {
  /** Values the product holds: ids of notes and partners, a review link's token. */
  known: string[];
  /** People the API knows, by the names the test gives their tokens. */
  callers: string[];
  /** Callers it must refuse (no token, forged ones): a quarter of the requests, so that most get past authentication. */
  strangers: string[];
}

/** A request to any of the operations, each as likely as the others. */
export function requestsTo(operations: Operation[], sources: Sources): fc.Arbitrary<FuzzRequest> {
  const hostile = hostileValues(sources.known);
  return fc.oneof(...operations.map((operation) => requestTo(operation, sources, hostile)));
}

function requestTo(operation: Operation, { known, callers, strangers }: Sources, hostile: Hostile): fc.Arbitrary<FuzzRequest> {
  const conforming = (schema: JsonSchema) => conformingTo(schema, known);
  const inPlace = (where: Parameter['in']) => operation.parameters.filter((p) => p.in === where);
  const pathNames = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const segment = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known).map(urlEncode) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...known).map((value) => urlEncode(value.toUpperCase())) },
    { weight: 2, arbitrary: hostile.string.map(urlEncode) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
  const path = fc.tuple(...pathNames.map(() => segment)).map((segments) => segments.reduce((url, value, i) => url.replace(`{${pathNames[i]}}`, value), operation.path));

  // Each documented key absent, as documented, hostile or repeated; now and then a key nobody documented.
  const queryValue = (schema: JsonSchema) => fc.oneof(conforming(schema).map(String), schema.type === 'integer' ? fc.oneof(fc.constantFrom(...PAGING), hostile.string) : hostile.string);
  const queryPairs = inPlace('query').map(({ name, schema }) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 4, arbitrary: queryValue(schema).map((value) => [[name, value]]) },
      { weight: 1, arbitrary: fc.array(queryValue(schema), { minLength: 2, maxLength: 3 }).map((values) => values.map((value) => [name, value])) },
    ),
  );
  const unknownPair = fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.tuple(hostile.key, hostile.string).map((pair) => [pair]) });
  const query = fc.tuple(unknownPair, ...queryPairs).map((parts) => {
    const pairs = parts.flat() as [string, string][];
    return pairs.length ? `?${pairs.map(([key, value]) => `${urlEncode(key)}=${urlEncode(value)}`).join('&')}` : '';
  });

  const headerPairs = inPlace('header').map(({ name, schema }) =>
    fc.oneof(fc.constant([]), fc.oneof(conforming(schema).map(String), hostile.string).map((value) => [[name, headerSafe(value)]])),
  );
  const headers = fc.tuple(...headerPairs).map((parts) => Object.fromEntries(parts.flat() as [string, string][]));

  const type = operation.body?.type ?? 'application/json';
  const valid = operation.body ? conforming(operation.body.schema) : fc.constant(undefined);
  const body: fc.Arbitrary<Body> = fc.oneof(
    { weight: 2, arbitrary: valid.map((value) => ({ kind: 'value' as const, value, type })) },
    { weight: 7, arbitrary: fc.tuple(valid, fc.array(hostile.mutation, { minLength: 1, maxLength: 3 })).map(([value, mutations]) => ({ kind: 'value' as const, value: mutate(value, mutations), type })) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...WRONG_TYPES)).map(([value, wrong]) => ({ kind: 'value' as const, value, type: wrong })) },
    { weight: 1, arbitrary: malformed(valid).map((text) => ({ kind: 'text' as const, text, type })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'oversized' as const, type }) },
  );

  return fc
    .record({ caller: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...callers) }, { weight: 1, arbitrary: fc.constantFrom(...strangers) }), path, query, headers, body })
    .map(({ caller, path: url, query: search, headers: extra, body: sent }) => ({ operation: operation.name, caller, method: operation.method, url: url + search, headers: extra, body: sent }));
}

/** What the schema accepts (mostly: a value the product holds may not fit where it is put). */
function conformingTo(schema: JsonSchema, known: string[]): fc.Arbitrary<unknown> {
  const conforming = (inner: JsonSchema) => conformingTo(inner, known);
  const value = ((): fc.Arbitrary<unknown> => {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'object': {
        const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
        if (!schema.properties && extra) return fc.dictionary(fc.string({ maxLength: 12 }), conforming(extra), { maxKeys: 3 });
        const fields = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, conforming(inner)]));
        return fc.record(fields, { requiredKeys: schema.required ?? [] });
      }
      case 'array':
        return fc.array(conforming(schema.items ?? {}), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
      case 'integer': {
        const min = (schema.minimum ?? -(2 ** 31)) + (schema.exclusiveMinimum ? 1 : 0);
        const max = schema.maximum ?? 2 ** 31;
        // Mostly near the bottom, where the product's own values are (revision 1, priority 1), and anywhere in range.
        return fc.oneof(fc.integer({ min, max: Math.min(max, min + 3) }), fc.integer({ min, max }));
      }
      case 'number':
        return fc.double({ min: schema.minimum, max: schema.maximum, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'string':
        return stringFor(schema, known);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return schema.nullable ? fc.oneof(value, fc.constant(null)) : value;
}

function stringFor(schema: JsonSchema, known: string[]): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...known), fc.uuid());
  if (schema.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern), { maxLength: 40 });
  const text = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
  return fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom(...known) });
}

/** A change to one node of a value (picked by `at`, modulo the value's number of nodes). */
type Mutation = { kind: 'replace'; at: number; by: unknown } | { kind: 'remove'; at: number } | { kind: 'add'; at: number; key: string; value: unknown };

interface Hostile {
  string: fc.Arbitrary<string>;
  key: fc.Arbitrary<string>;
  mutation: fc.Arbitrary<Mutation>;
}

const SQLISH = ["' OR '1'='1", "'; DROP TABLE notes; --", '1; SELECT pg_sleep(5)', "\\'", '$1', '$$', '%', '_', '/*', "E'\\x00'", '" OR ""="', '\\N', "'::uuid", 'null'];
const MARKUP = ['<script>alert(1)</script>', '<%= it %>', '<%~ process.exit() %>', '{{7*7}}', '${7*7}', '../../etc/passwd', '&amp;<>"\'', 'javascript:alert(1)'];
const UNICODE = ['\u202Eevil', 'a\u200Bb', '\uFEFF', 'Se\u0301curite\u0301', '𝕏🏳️‍🌈👩‍👩‍👧', 'İı', 'ß'.repeat(64), '\uFFFF', '\uD83D\uDE00'];
/** C0 and C1, with DEL. */
const CONTROL_CHARACTERS = [...Array.from({ length: 0x20 }, (_, c) => c), ...Array.from({ length: 0x21 }, (_, c) => 0x7f + c)].map((c) => String.fromCharCode(c));
const NUMBERS = [-1, 0, -0, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, 5e-324];
/** Past each maxLength of the document (100 to 50,000), and longer; under the body limit. */
const LENGTHS = [101, 201, 2_001, 20_001, 50_001, 200_000];
const KEYS = ['__proto__', 'constructor', 'prototype', '', 'id', 'status', 'stage', 'revision', 'actorId', 'drafterId', 'roles'];
/** Paging past its limits, and text that only looks like a number. */
const PAGING = ['-1', '0', '1', '200', '201', '9007199254740991', '9007199254740992', '1e21', '-0', '1.5', 'abc', '', ' ', '0x10', '1e3', 'Infinity', 'NaN', '+5', '5 ', '٣', '00000000001'];
/** Path segments sent as they are: malformed escapes, bytes that are no UTF-8 (a lone surrogate's), an encoded NUL, dot segments. */
const RAW_SEGMENTS = ['%E0%A4%A', '%ED%A0%80', '%FF', '%00', '%', '..', '.', '%2e%2e', '%2F', 'a%0Ab'];
const WRONG_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=fuzz', 'application/xml', 'application/json; charset=utf-16', 'application/jsonx', 'text/html', '*/*', ';'];
const MALFORMED_JSON = ['', ' ', '{', '{"a":', '{"a" 1}', "{'a': 1}", '[1,]', 'NaN', 'undefined', '{"a":1}}', '\u0000', '"\\ud800"', '1e999999', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"admin": true}}}', '\uFEFF{}'];

function hostileValues(known: string[]): Hostile {
  const control = fc.string({ unit: fc.constantFrom(...CONTROL_CHARACTERS), minLength: 1, maxLength: 3 });
  const string = fc.oneof(
    fc.constantFrom('', ' ', '\n', '\t', ...SQLISH, ...MARKUP, ...UNICODE, ...known),
    fc.constantFrom(...LENGTHS).map((n) => 'x'.repeat(n)),
    fc.tuple(fc.string({ maxLength: 8 }), control, fc.string({ maxLength: 8 })).map((parts) => parts.join('')),
    fc.string({ unit: 'binary', maxLength: 20 }),
    // UTF-16 code units one by one: lone surrogates among them.
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 8 }),
  );
  const nested = fc.constantFrom(64, 512).map((depth) => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 0));
  const value = fc.oneof(string, fc.constantFrom<unknown>(...NUMBERS, true, false, null, [], {}), fc.integer(), fc.double(), fc.jsonValue({ maxDepth: 2 }), nested);
  const key = fc.oneof(fc.constantFrom(...KEYS), string);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), by: value }),
    fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key, value }),
  );
  return { string, key, mutation };
}

function malformed(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...MALFORMED_JSON),
    // A valid body cut short.
    fc.tuple(valid, fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value) ?? '';
      return text.slice(0, cut % Math.max(text.length, 1));
    }),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

type Path = (string | number)[];
type Container = Record<string | number, unknown>;
const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;
const at = (value: unknown, path: Path): unknown => path.reduce<unknown>((node, key) => (node as Container)[key], value);
/** Every node of a value, the value itself first. */
const nodesOf = (value: unknown, path: Path = []): Path[] =>
  [path, ...(isContainer(value) ? Object.keys(value).flatMap((key) => nodesOf(value[key], [...path, Array.isArray(value) ? Number(key) : key])) : [])];
// As an own property, even `__proto__`, which plain assignment would take for the prototype.
const put = (target: Container, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });

export function mutate(value: unknown, mutations: Mutation[]): unknown {
  return mutations.reduce<unknown>((current, mutation) => {
    const nodes = nodesOf(current);
    if (mutation.kind === 'add') {
      const containers = nodes.filter((path) => isContainer(at(current, path)));
      const target = containers.length ? (at(current, containers[mutation.at % containers.length]!) as Container) : undefined;
      if (Array.isArray(target)) target.push(structuredClone(mutation.value));
      else if (target) put(target, mutation.key, mutation.value);
      return current;
    }
    const path = nodes[mutation.at % nodes.length]!;
    // The whole body replaced, or gone.
    if (!path.length) return mutation.kind === 'replace' ? structuredClone(mutation.by) : undefined;
    const parent = at(current, path.slice(0, -1)) as Container;
    const key = path.at(-1)!;
    if (mutation.kind === 'replace') put(parent, key, mutation.by);
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return current;
  }, structuredClone(value));
}

/** A lone surrogate has no UTF-8 form to escape; RAW_SEGMENTS sends one's bytes instead. */
const urlEncode = (value: string) => encodeURIComponent(value.toWellFormed());
/** Header values are bytes a client can send: what HTTP forbids there (control characters, non-Latin-1) becomes '?'. */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '?');

/** The body as sent: its bytes and content type, or neither. */
export function payloadOf(body: Body, oversized: () => Buffer): { payload?: string | Buffer; type?: string } {
  if (body.kind === 'oversized') return { payload: oversized(), type: body.type };
  if (body.kind === 'text') return { payload: body.text, type: body.type };
  if (body.value === undefined) return {};
  return { payload: body.type.startsWith('application/x-www-form-urlencoded') ? formOf(body.value) : JSON.stringify(body.value), type: body.type };
}

function formOf(value: unknown): string {
  if (!isContainer(value)) return String(value);
  const field = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  const pairs = Object.entries(value).flatMap(([key, v]): [string, string][] => (Array.isArray(v) ? v.map((each) => [key, field(each)]) : [[key, field(v)]]));
  return new URLSearchParams(pairs).toString();
}
