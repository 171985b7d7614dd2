import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../dev/in-process-stack';
import { eventually } from './support/poll';
import { runEnv } from './support/run-env';
import { TEST_PAYLOAD_KEYS } from './support/stack';

/**
 * `npm start` as a user runs it (on the run's Temporal server and database, which it finds running):
 * it prints what a person needs, starts a mail sink that the API's home page links to, supervises the
 * worker and the API it starts, so one killed is reported and started again; and Ctrl-C (SIGINT to
 * the whole process group, as a terminal sends it) stops the API first, then the worker, then the
 * rest, leaving nothing running.
 */
const ROOT = join(__dirname, '..');
let start: ChildProcess;
let printed = '';
let port: number;
let mailUi: string;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidsOf = (name: string) => [...printed.matchAll(new RegExp(`\\[start\\] ${name} started \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
const printedYet = (text: string) => async () => (printed.includes(text) ? true : undefined);

beforeAll(async () => {
  const env = runEnv();
  port = await freePort();
  mailUi = `http://127.0.0.1:${await freePort()}`;
  start = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'dev', 'start.ts')], {
    cwd: ROOT,
    // A process group of its own, as a terminal's: Ctrl-C below reaches all of it, and nothing else.
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS,
      DATABASE_URL: env.TEST_DATABASE_URL,
      TEMPORAL_TASK_QUEUE: `npm-start-${randomUUID()}`,
      PORT: String(port),
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
      MAIL_SINK_WEB_PORT: new URL(mailUi).port,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      // The worker's most talkative log, as a developer may set it: the bundler's report stays out even so.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  start.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  await eventually(printedYet('Weighing notes is running'), 'npm start up', 60_000);
}, 90_000);
afterAll(() => {
  if (start?.exitCode === null) process.kill(-start.pid!, 'SIGKILL');
});

describe('npm start', () => {
  it('prints what it started where and the URLs, and no bundler report', () => {
    expect(printed).toContain(`[start] mail sink (maildev) at ${mailUi}`);
    expect(printed).toMatch(new RegExp(`API +http://127\\.0\\.0\\.1:${port} `));
    expect(printed).toMatch(new RegExp(`Mail sink +${mailUi}\n`));
    // The worker bundles the workflows at start; webpack's report of it is for when bundling fails.
    expect(printed).not.toMatch(/webpack|asset workflow-bundle|modules by path|Workflow bundle created/);
  });

  it('answers at the root with a page that leads to the docs and the mail sink it started, which has its web UI', async () => {
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect([home.status, home.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const page = await home.text();
    for (const href of ['/docs', '/openapi.json', '/health', mailUi]) expect(page).toContain(`<a href="${href}">`);
    expect(await (await fetch(`${mailUi}/api/healthz`)).json()).toBe(true);
  });

  it('starts the worker and the API again when one is killed, and says so', async () => {
    for (const [name, ready] of [['worker', 'worker polling'], ['api', 'API listening on']] as const) {
      const [first] = pidsOf(name);
      process.kill(first!, 'SIGKILL');
      await eventually(printedYet(`[start] ${name} ended (SIGKILL); starting it again`), `${name} reported`, 20_000);
      await eventually(async () => (pidsOf(name).length === 2 && printed.split(`[start] ${name} started`).at(-1)!.includes(ready) ? true : undefined), `${name} back`, 60_000);
      expect(alive(pidsOf(name)[1]!)).toBe(true);
    }
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });

  it('stops on Ctrl-C in order, API first, then the worker, and leaves nothing running', async () => {
    const children = [...pidsOf('worker'), ...pidsOf('api')];
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    process.kill(-start.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    const order = [...printed.matchAll(/\[start\] stopping the (.+)/g)].map((m) => m[1]);
    expect(order).toEqual(['API', 'worker', 'mail sink']);
    expect(printed).toContain('[start] stopped');
    expect(printed).not.toMatch(/ended \((SIGINT|SIGTERM|exit code \d+)\); starting it again/);
    for (const pid of children) expect(alive(pid)).toBe(false);
    await expect(fetch(`${mailUi}/api/healthz`)).rejects.toThrow();
  });
});
