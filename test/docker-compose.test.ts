import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '..');
const composeFile = path.join(repo, 'docker-compose.yml');

const SERVICES = ['postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'mailpit', 'migrate', 'worker', 'api'];
const APP_SERVICES = ['worker', 'api'];
const APP_ENV = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'PUBLIC_BASE_URL', 'PAYLOAD_KEYS', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'TEMPORAL_UI_ORIGINS'];
const PUBLISHED: Record<string, number> = { api: 3000, 'temporal-ui': 8080, mailpit: 8025 };
const HEALTHCHECKED = ['postgres', 'temporal', 'mailpit', 'api'];
const SEARCH_ATTRIBUTES = ['NoteStage=Keyword', 'NoteStatus=Keyword', 'PartnerId=Keyword', 'OverallRisk=Keyword', 'StageDueTime=Datetime'];

/** The parts of `docker compose config --format json` this test reads. */
interface RenderedService {
  build?: { context?: string };
  ports?: { published?: string | number }[];
  healthcheck?: { test?: string[] };
  environment?: Record<string, string | null>;
}

const hasDockerCompose = spawnSync('docker', ['compose', 'version']).status === 0;

function render(): Record<string, RenderedService> {
  const run = spawnSync('docker', ['compose', '-f', composeFile, 'config', '--format', 'json'], { encoding: 'utf8' });
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 }); // shows stderr on failure
  return (JSON.parse(run.stdout) as { services: Record<string, RenderedService> }).services;
}

describe('docker-compose.yml', () => {
  it('names every service and registers every search attribute', () => {
    expect(existsSync(composeFile)).toBe(true);
    const text = readFileSync(composeFile, 'utf8');
    for (const name of SERVICES) expect(text).toMatch(new RegExp(`^  ${name}:$`, 'm'));
    for (const attribute of SEARCH_ATTRIBUTES) expect(text).toContain(attribute);
  });

  it('builds the app from the repo, publishes its ports, health-checks and configures it', () => {
    if (!hasDockerCompose) {
      // No docker client here: check the same facts in the text.
      const text = readFileSync(composeFile, 'utf8');
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
      expect(services[name]?.build?.context).toBe(repo);
      expect(Object.keys(services[name]?.environment ?? {})).toEqual(expect.arrayContaining(APP_ENV));
    }
    for (const [name, port] of Object.entries(PUBLISHED)) {
      expect(services[name]?.ports?.map((p) => String(p.published))).toContain(String(port));
    }
    for (const name of HEALTHCHECKED) expect(services[name]?.healthcheck?.test?.length).toBeGreaterThan(0);
    expect(services.api?.environment?.HOST).toBe('0.0.0.0');
    expect(services.worker?.environment?.HOST).toBeUndefined();
    expect(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT).toBe('http://127.0.0.1:3000/codec');
  });
});
