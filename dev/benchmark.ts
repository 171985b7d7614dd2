import { devToken } from './dev-token';
import { SEED_PEOPLE } from './seed-data';
import { startThrowawayProduct } from './throwaway-services';

/**
 * `npm run benchmark [notes]`: latency of each step of a note through the real API, worker, dev server
 * and a throw-away database, and the process's memory. Prints figures; asserts nothing.
 */
const NOTES = Number(process.argv[2] ?? 100);
const SECRET = 'benchmark-secret-of-at-least-32-characters';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const product = await startThrowawayProduct({ jwtSecret: SECRET });
  const { app } = product.stack;
  const token = async (id: string) => ({ authorization: `Bearer ${await devToken(SECRET, SEED_PEOPLE.find((p) => p.id === id)!)}` });
  const [drafter, lead, admin] = [await token('anna.devries'), await token('carla.bakker'), await token('joke.hendriks')];
  const content = { nationalSecurityInterest: 'x', criteria: Object.fromEntries(['democraticEmbedding', 'humanRights', 'professionalism', 'legalPowers', 'dataProtection'].map((c) => [c, { findings: 'f', rating: 'low' }])), overallRisk: 'low', weighing: 'w', permittedCooperation: ['evaluated_intelligence_exchange'], classification: 'stg_geheim' };

  const steps: Record<string, number[]> = { create: [], submit: [], decide: [], read: [] };
  const timed = async (step: string, work: () => Promise<{ statusCode: number; body: string }>) => {
    const started = process.hrtime.bigint();
    const res = await work();
    steps[step]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (res.statusCode >= 300) throw new Error(`${step}: ${res.statusCode} ${res.body}`);
    return res;
  };
  const started = Date.now();
  for (let i = 0; i < NOTES; i += 1) {
    // A partner has one current note: each note assesses a partner of its own, registered untimed.
    const partner = await app.inject({ method: 'POST', url: '/partners', headers: admin, payload: { name: `Benchmark Service ${i}`, country: 'Benchland', kind: 'civil', relationship: 'eu', srmPriority: 3 } });
    const partnerId = (JSON.parse(partner.body) as { id: string }).id;
    const created = await timed('create', () => app.inject({ method: 'POST', url: '/notes', headers: drafter, payload: { partnerId, content } }));
    const id = (JSON.parse(created.body) as { id: string }).id;
    await timed('submit', () => app.inject({ method: 'POST', url: `/notes/${id}/submit`, headers: drafter }));
    await timed('decide', () => app.inject({ method: 'POST', url: `/notes/${id}/decisions`, headers: lead, payload: { outcome: 'approve', revision: 1, stage: 'TEAM_REVIEW' } }));
    await timed('read', () => app.inject({ method: 'GET', url: `/notes/${id}`, headers: lead }));
  }
  const seconds = (Date.now() - started) / 1000;

  console.log(`${NOTES} notes, one after another, in ${seconds.toFixed(1)} s (through the API in-process, real worker, dev server and PostgreSQL)`);
  console.log('step      p50 ms   p95 ms   max ms');
  for (const [step, times] of Object.entries(steps)) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`${step.padEnd(8)} ${percentile(sorted, 50).toFixed(1).padStart(7)} ${percentile(sorted, 95).toFixed(1).padStart(8)} ${sorted.at(-1)!.toFixed(1).padStart(8)}`);
  }
  const memory = process.memoryUsage();
  console.log(`memory: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB (API, worker and its workflow cache in one process)`);

  await product.close();
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
