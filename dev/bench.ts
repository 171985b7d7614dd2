import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { atRest } from '../bench/at-rest';
import { renderChart, type GrowthPoint } from '../bench/chart';
import { elapsedMs, ms, ratio, type Spread, spread } from '../bench/figures';
import { productApi, type ProductApi } from '../bench/http';
import { noteWorkflowId } from '../workflows';
import { inParallel } from '../bench/in-parallel';
import { type ProductProcesses, rssMiB, startProduct } from '../bench/product';
import { cpuDuring, type ProcessGroups, processesWith } from '../bench/process-cpu';
import { type Reference, type ReferenceUpdates, startReference } from '../bench/reference/run';
import { installWorkerLogger } from '../clients/logger';
import { encryptingDataConverter } from '../codec/data-converter';
import { loadConfig } from '../config/env';
import { createSql, type Sql } from '../db/client';
import { freePort } from './in-process-stack';
import { seed } from './seed';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture';
import { createThrowawayDatabase, dropDatabase, startThrowawayTemporal } from './throwaway-services';

/**
 * `npm run bench [-- --quick]`: the product's cost beside bare Temporal, measured in one run on the
 * same dev server and PostgreSQL, through real HTTP to the API and worker running as `npm start` runs
 * them. Prints every figure and its ratio to the reference, writes bench/results/<date>.json and
 * .svg; asserts nothing. `--quick` (under two minutes) leaves out the growth to 10,000 open notes and
 * the timer drift, and prints the two ratios on its last line.
 */
const QUICK = process.argv.includes('--quick');
const SIZES = QUICK
  ? { updates: 120, decisions: 100, cacheMisses: 40, lifecycles: 40, lifecycleFlights: [10], growth: [] as number[], drift: 0 }
  : { updates: 400, decisions: 400, cacheMisses: 200, lifecycles: 200, lifecycleFlights: [10, 50], growth: [1_000, 2_500, 5_000, 10_000], drift: 1_000 };
const SECRET = 'bench-secret-of-at-least-thirty-two-chars';
const RESULTS = join(__dirname, '..', 'bench', 'results');
const APPROVALS = [
  ['carla.bakker', 'TEAM_REVIEW'],
  ['daan.visser', 'LEGAL_REVIEW'],
  ['gert.mulder', 'HEAD_OF_SERVICE'],
] as const;
const CONTENT = {
  nationalSecurityInterest: 'Benchmark interest.',
  criteria: Object.fromEntries(['democraticEmbedding', 'humanRights', 'professionalism', 'legalPowers', 'dataProtection'].map((c) => [c, { findings: 'Benchmark findings.', rating: 'low' }])),
  overallRisk: 'low',
  weighing: 'Benchmark weighing.',
  permittedCooperation: ['evaluated_intelligence_exchange'],
  classification: 'stg_geheim',
};

const log = (line: string) => console.log(line);

/** A partner of its own for each note (one current note per partner). */
async function newPartner(call: ProductApi): Promise<string> {
  const partner = await call<{ id: string }>('joke.hendriks', 'POST', '/partners', { name: `Bench ${randomUUID()}`, country: 'Benchland', kind: 'civil', relationships: [{ kind: 'eu', since: '2020-01-01' }] });
  return partner.body.id;
}

/** A note, for a partner of its own unless given one, created and, if asked, submitted. */
async function newNote(call: ProductApi, submit: boolean, timings?: { create: number[]; submit: number[] }, partnerId?: string): Promise<string> {
  const created = await call<{ id: string }>('anna.devries', 'POST', '/notes', { partnerId: partnerId ?? (await newPartner(call)), content: CONTENT });
  timings?.create.push(created.ms);
  if (submit) {
    const submitted = await call('anna.devries', 'POST', `/notes/${created.body.id}/submit`);
    timings?.submit.push(submitted.ms);
  }
  return created.body.id;
}

const approve = (call: ProductApi, id: string, [who, stage]: (typeof APPROVALS)[number]) => call<{ status: string }>(who, 'POST', `/notes/${id}/decisions`, { outcome: 'approve', revision: 1, stage });

async function lifecycle(call: ProductApi, partnerId?: string): Promise<void> {
  const id = await newNote(call, true, undefined, partnerId);
  let status = '';
  for (const step of APPROVALS) status = (await approve(call, id, step)).body.status;
  if (status !== 'ACTIVE') throw new Error(`lifecycle ended ${status}`);
}

/** A lifecycle's cost: how many complete per second, and the CPU each part spent per lifecycle, in ms. */
interface LifecycleRun {
  perSecond: number;
  cpuMsPerLifecycle: Record<string, number>;
}

async function timedLifecycles(count: number, parts: ProcessGroups, run: () => Promise<void>): Promise<LifecycleRun> {
  const started = process.hrtime.bigint();
  const cpu = await cpuDuring(parts, run);
  const perSecond = count / (elapsedMs(started) / 1000);
  return { perSecond, cpuMsPerLifecycle: Object.fromEntries(Object.entries(cpu).map(([part, ms]) => [part, ms / count])) };
}

/**
 * Lifecycles of the product and of the reference, one run after the other at each number in flight,
 * with the CPU each process spent. A product lifecycle begins with the note's creation (the issue's
 * create → … → ACTIVE): its partner is made beforehand.
 */
async function measureLifecycles(call: ProductApi, reference: Reference, parts: ProcessGroups) {
  const runs: Record<number, { product: LifecycleRun; reference: LifecycleRun }> = {};
  for (const inFlight of SIZES.lifecycleFlights) {
    log(`lifecycles, ${inFlight} in flight…`);
    const partners: string[] = [];
    await inParallel(SIZES.lifecycles, inFlight, async () => void partners.push(await newPartner(call)));
    const ref = await timedLifecycles(SIZES.lifecycles, parts, () => reference.lifecycles(SIZES.lifecycles, inFlight));
    const product = await timedLifecycles(SIZES.lifecycles, parts, () => inParallel(SIZES.lifecycles, inFlight, (i) => lifecycle(call, partners[i])));
    runs[inFlight] = { product, reference: ref };
  }
  return runs;
}

/** `total ms = part ms + …`, the largest part first; parts that spent under a millisecond are left out. */
function cpuSplit(cpuMs: Record<string, number>): string {
  const parts = Object.entries(cpuMs).sort(([, a], [, b]) => b - a);
  const total = parts.reduce((sum, [, value]) => sum + value, 0);
  return `${total.toFixed(0)} ms = ${parts.filter(([, value]) => value >= 1).map(([part, value]) => `${part} ${value.toFixed(0)}`).join(' + ')}`;
}

/** The reference's Updates besides the regular-activity one (measured beside the product's decisions), for context. */
async function measureReferenceUpdates(reference: Reference) {
  return {
    viaLocalActivity: spread(await reference.updateLatencies('viaLocalActivity', SIZES.updates)),
    noop: spread(await reference.updateLatencies('noop', SIZES.updates)),
  };
}

/** Until the note's execution has no task and no activity under way. */
const noteAtRest = (client: Client, noteId: string) => atRest(client.workflow.getHandle(noteWorkflowId(noteId)));

/**
 * Each step of a note, one after another, as people take them: the reviewer decides once the mail
 * asking them to has arrived, and the note's execution is at rest (as a person days later finds it,
 * and as the reference's Updates find theirs), not still busy with the submit's mail. It is watched
 * rather than waited for: on these machines the first request after a second of idleness costs
 * every process some 10-20 ms more, which the reference, never idle, does not pay either. The
 * decision's own mail is timed to its arrival at the SMTP server.
 */
async function measureSteps(call: ProductApi, mail: SmtpCapture, client: Client, reference: ReferenceUpdates) {
  const timings = { create: [] as number[], submit: [] as number[], decide: [] as number[], referenceUpdate: [] as number[], read: [] as number[], tasks: [] as number[], mail: [] as number[] };
  const ids: string[] = [];
  const mailTo = (id: string, personId: string) => {
    const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
    return mail.waitFor((m) => m.subject.includes(ref) && m.to.includes(`${personId}@mivd.example`), 30_000);
  };
  for (let i = 0; i < SIZES.decisions; i += 1) {
    const id = await newNote(call, true, timings);
    ids.push(id);
    await mailTo(id, APPROVALS[0][0]);
    await noteAtRest(client, id);
    // The reference's Update just before each decision: the two ratios' sides see the same moment of a
    // noisy machine, where blocks measured minutes apart had their p99s move by half between runs.
    timings.referenceUpdate.push(await reference.next());
    const decided = await approve(call, id, APPROVALS[0]);
    const answeredAt = Date.now();
    timings.decide.push(decided.ms);
    timings.read.push((await call('carla.bakker', 'GET', `/notes/${id}`)).ms);
    timings.tasks.push((await call('daan.visser', 'GET', '/tasks?limit=50')).ms);
    const next = await mailTo(id, APPROVALS[1][0]);
    timings.mail.push(Date.parse(next.receivedAt) - answeredAt);
  }
  await reference.end();
  return { ids, spreads: Object.fromEntries(Object.entries(timings).map(([step, values]) => [step, spread(values)])) as Record<keyof typeof timings, Spread> };
}

/**
 * What a cache miss costs a decision: the worker restarted (its cache empty, as after eviction), the
 * next stage decided on notes from the steps, each execution replayed from its history first. The
 * first few warm the new worker up and are not counted. Each beside a reference Update, as in the steps.
 */
async function measureCacheMisses(call: ProductApi, product: ProductProcesses, client: Client, ids: string[], reference: ReferenceUpdates) {
  await product.restartWorker();
  const warmUp = 10;
  const times = { decide: [] as number[], referenceUpdate: [] as number[] };
  for (const [i, id] of ids.slice(0, SIZES.cacheMisses + warmUp).entries()) {
    await noteAtRest(client, id);
    const referenceMs = await reference.next();
    const decided = await approve(call, id, APPROVALS[1]);
    if (i < warmUp) continue;
    times.referenceUpdate.push(referenceMs);
    times.decide.push(decided.ms);
  }
  await reference.end();
  return { decide: spread(times.decide), referenceUpdate: spread(times.referenceUpdate) };
}

/** Open notes grown to each size (created and submitted, 10 at once): the worker's memory and the lists' p99. */
async function measureGrowth(call: ProductApi, product: ProductProcesses, already: number, prepare: () => Promise<void>): Promise<GrowthPoint[]> {
  const points: GrowthPoint[] = [];
  let open = already;
  for (const size of SIZES.growth) {
    const started = Date.now();
    await inParallel(size - open, 10, async () => void (await newNote(call, true)));
    log(`  ${size} open notes (${((Date.now() - started) / 1000).toFixed(0)} s to add ${size - open})`);
    open = size;
    await prepare();
    const sample = async (personId: string, path: string) => {
      const times: number[] = [];
      for (let i = 0; i < 50; i += 1) times.push((await call(personId, 'GET', path)).ms);
      return spread(times).p99;
    };
    points.push({ openNotes: size, workerRssMiB: rssMiB(product.workerPid), tasksP99: await sample('carla.bakker', '/tasks?limit=50'), notesP99: await sample('gert.mulder', '/notes?limit=50') });
  }
  return points;
}

/** Notes falling due together (a product of its own with a short due time): how late each reminder fires, in ms. */
async function measureDrift(env: Record<string, string>, sql: Sql): Promise<Spread | undefined> {
  if (!SIZES.drift) return undefined;
  const dueMs = 120_000;
  const port = String(await freePort());
  const product = await startProduct({ ...env, PORT: port, TEMPORAL_TASK_QUEUE: `bench-drift-${randomUUID()}`, DUE_TEAM_REVIEW: `${dueMs / 1000}s`, REMINDER_INTERVAL: '1d' });
  try {
    const call = productApi(product.baseUrl, SECRET);
    const ids: string[] = [];
    await inParallel(SIZES.drift, 10, async () => void ids.push(await newNote(call, true)));
    log(`  ${ids.length} notes submitted, falling due ${dueMs / 1000} s after each submission`);
    const late = async () =>
      sql<{ lateMs: number }[]>`
        select extract(epoch from (a.at - n.stage_due_at)) * 1000 as late_ms
        from notes n join audit_log a on a.note_id = n.id and a.action = 'note.reminder_sent'
        where n.id in ${sql(ids)}`;
    const deadline = Date.now() + dueMs + 5 * 60_000;
    let rows = await late();
    while (rows.length < ids.length && Date.now() < deadline) {
      await setTimeout(2_000);
      rows = await late();
    }
    log(`  ${rows.length} of ${ids.length} reminders fired`);
    return spread(rows.map((r) => Number(r.lateMs)));
  } finally {
    await product.stop();
  }
}

async function main(): Promise<void> {
  // The reference's worker runs in this process: its log says problems only, so the figures stay readable.
  installWorkerLogger('warn');
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  log(`npm run bench${QUICK ? ' --quick' : ''} on ${machine}`);
  const { env: temporal } = await startThrowawayTemporal();
  const databaseUrl = await createThrowawayDatabase('weighing_notes_bench');
  const sql = createSql(databaseUrl);
  await seed(sql);
  // What autovacuum does on a production server, done here where the server runs without it (this
  // machine's does): without statistics the planner takes tables of thousands of rows for empty ones,
  // and the inbox's query, planned as a loop over every decision, took 1.4 s at 10,000 open notes.
  const autovacuum = (await sql<{ autovacuum: string }[]>`show autovacuum`)[0]!.autovacuum === 'on';
  if (!autovacuum) log('PostgreSQL runs without autovacuum here: the bench analyzes its tables before measuring, as autovacuum would');
  const settle = async () => {
    if (!autovacuum) await sql`vacuum analyze`;
  };
  const mail = await startSmtpCapture({ smtpPort: 0 });
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
    AUTH_JWT_SECRET: SECRET,
    PORT: String(await freePort()),
  };
  const config = loadConfig(env);
  const product = await startProduct(env);
  const connection = await NativeConnection.connect({ address: temporal.address });
  const clientConnection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection: clientConnection, dataConverter: encryptingDataConverter(config.PAYLOAD_KEYS) });
  const reference = await startReference({ connection, client, sql, namespace: 'default', payloadKeys: config.PAYLOAD_KEYS });
  const call = productApi(product.baseUrl, SECRET);
  try {
    log('warming up…');
    await reference.updateLatencies('viaActivity', 20);
    for (let i = 0; i < 5; i += 1) await lifecycle(call);

    log('reference Updates with a local activity and with none…');
    const otherUpdates = await measureReferenceUpdates(reference);
    await settle();
    log('product, step by step, each decision beside a reference Update…');
    const { ids, spreads: steps } = await measureSteps(call, mail, client, reference.updates('viaActivity'));
    log('product, decisions after a cache miss…');
    const cacheMiss = await measureCacheMisses(call, product, client, ids, reference.updates('viaActivity'));
    const serverPort = temporal.address.split(':').pop();
    const parts: ProcessGroups = async () => ({
      'Temporal server': processesWith((args) => args.includes('start-dev') && args[args.indexOf('--port') + 1] === serverPort),
      worker: [product.workerPid],
      API: [product.apiPid],
      PostgreSQL: (await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`).map((row) => row.pid),
      'bench process': [process.pid],
    });
    const lifecycles = await measureLifecycles(call, reference, parts);
    const ref = { updates: { viaActivity: steps.referenceUpdate, ...otherUpdates } };
    const workerRssMiB = rssMiB(product.workerPid);
    log('growth with open notes…');
    const growth = await measureGrowth(call, product, SIZES.decisions, settle);
    log('timer drift…');
    const drift = await measureDrift(env, sql);

    const decisionRatio = ratio(steps.decide.p99, ref.updates.viaActivity.p99);
    const lifecycleRatio = ratio(lifecycles[10]!.product.perSecond, lifecycles[10]!.reference.perSecond);
    const rows: [string, Spread, Spread | undefined][] = [
      ['decision', steps.decide, ref.updates.viaActivity],
      ['decision, cache miss', cacheMiss.decide, cacheMiss.referenceUpdate],
      ['create', steps.create, undefined],
      ['submit', steps.submit, undefined],
      ['read GET /notes/:id', steps.read, undefined],
      ['GET /tasks', steps.tasks, undefined],
      ['decision → next mail', steps.mail, undefined],
    ];
    log('');
    log('what                      p50        p99        vs reference (regular-activity Update)');
    for (const [what, s, against] of rows) log(`${what.padEnd(24)} ${ms(s.p50).padStart(10)} ${ms(s.p99).padStart(10)}   ${against ? `p99 ×${ratio(s.p99, against.p99).toFixed(2)}` : ''}`);
    log(`reference Updates: regular activity ${ms(ref.updates.viaActivity.p50)} / ${ms(ref.updates.viaActivity.p99)}, local activity ${ms(ref.updates.viaLocalActivity.p50)} / ${ms(ref.updates.viaLocalActivity.p99)}, no-op ${ms(ref.updates.noop.p50)} / ${ms(ref.updates.noop.p99)} (p50 / p99)`);
    for (const inFlight of SIZES.lifecycleFlights) {
      const { product: mine, reference: theirs } = lifecycles[inFlight]!;
      log(`lifecycles/s with ${inFlight} in flight: product ${mine.perSecond.toFixed(1)}, reference ${theirs.perSecond.toFixed(1)}, ratio ${ratio(mine.perSecond, theirs.perSecond).toFixed(2)}`);
      for (const [who, run] of [['product', mine], ['reference', theirs]] as const) log(`  CPU per ${who} lifecycle: ${cpuSplit(run.cpuMsPerLifecycle)}`);
    }
    log(`worker RSS after the steps: ${workerRssMiB.toFixed(0)} MiB`);
    for (const point of growth) log(`${point.openNotes} open notes: worker RSS ${point.workerRssMiB.toFixed(0)} MiB, GET /tasks p99 ${ms(point.tasksP99)}, GET /notes p99 ${ms(point.notesP99)}`);
    if (drift) log(`timer drift (reminder fired − due), ${drift.count} notes due together: p50 ${ms(drift.p50)}, p99 ${ms(drift.p99)}`);

    const date = new Date().toISOString().slice(0, 10);
    mkdirSync(RESULTS, { recursive: true });
    const { referenceUpdate, ...productSteps } = steps;
    const results = { date, machine, quick: QUICK, referenceUpdates: ref.updates, steps: productSteps, cacheMiss, lifecycles, workerRssMiB, growth, drift, ratios: { decisionP99: decisionRatio, lifecycles10: lifecycleRatio } };
    const name = `${date}${QUICK ? '-quick' : ''}`;
    writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(
      join(RESULTS, `${name}.svg`),
      renderChart({
        title: `npm run bench${QUICK ? ' --quick' : ''}, ${date}, ${machine}`,
        latencies: [
          { label: 'reference: no-op Update', spread: ref.updates.noop, reference: true },
          { label: 'reference: local-activity Update', spread: ref.updates.viaLocalActivity, reference: true },
          { label: 'reference: activity Update', spread: ref.updates.viaActivity, reference: true },
          ...rows.filter(([what]) => what !== 'decision → next mail').map(([label, s]) => ({ label, spread: s })),
        ],
        growth,
      }),
    );
    log(`wrote bench/results/${name}.json and .svg`);
    log(`decision p99 ratio ${decisionRatio.toFixed(2)}, lifecycle ratio ${lifecycleRatio.toFixed(2)}`);
  } finally {
    await reference.close();
    await product.stop();
    await clientConnection.close();
    await connection.close();
    await mail.close();
    await sql.end();
    await temporal.teardown();
    await dropDatabase(databaseUrl);
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
