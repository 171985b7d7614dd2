import { eventually } from './support/poll';
import { completeContent } from './support/notes';
import { APPROVERS, expectAdoptedWhole } from './support/fault-checks';
import { useStack } from './support/stack';
import { spawnWorker, type WorkerProcess } from './support/worker-process';

/**
 * The worker as its own process, killed with SIGKILL while notes move: in the middle of decisions, and
 * between an SMTP server taking a message and the worker recording it sent. After a restart every
 * note completes, no decision is lost or counted twice, a mail goes out once (or twice with one
 * Message-ID, which a receiving system drops), and the audit trail verifies.
 */
let killOnNextMail: (() => Promise<void>) | undefined;
const suite = useStack({
  temporalCallTimeout: '30s',
  mailReceived: async () => {
    const kill = killOnNextMail;
    killOnNextMail = undefined;
    await kill?.();
  },
});

let worker: WorkerProcess;
beforeAll(async () => {
  await suite.stack.stopWorker();
  worker = spawnWorker(suite.stack);
  await worker.ready;
}, 60_000);
afterAll(() => worker?.kill());

async function restartWorker(): Promise<void> {
  await worker.kill();
  worker = spawnWorker(suite.stack);
  await worker.ready;
}

/** Decides, retrying after a 503 (nobody heard back); a retry of what was recorded meanwhile is refused. */
async function decide(who: string, id: string, stage: string): Promise<number> {
  for (;;) {
    const res = await suite.http.decide(who, id, 'approve', 1, { stage });
    if (res.statusCode !== 503) return res.statusCode;
  }
}

describe('a worker killed with SIGKILL', () => {
  it.each([0, 80])('in the middle of each decision (killed %i ms after it is sent): nothing lost, nothing doubled', async (delay) => {
    const id = await suite.http.createNote('anna.devries', completeContent());
    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    for (const [who, stage] of APPROVERS) {
      const sent = decide(who, id, stage);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await restartWorker();
      // Recorded once: by this request, or by the one before the crash (and then refused as a second vote).
      expect([200, 403]).toContain(await sent);
    }
    await expectAdoptedWhole(suite.stack, id);
  });

  it('after an SMTP server took a message and before the worker recorded it sent: sent again, with the same Message-ID', async () => {
    const id = await suite.http.createNote('anna.devries', completeContent());
    killOnNextMail = async () => {
      await worker.kill();
      worker = spawnWorker(suite.stack);
    };
    expect((await suite.http.submit('anna.devries', id)).statusCode).toBe(200);
    await worker.ready;
    const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
    const copies = await eventually(async () => {
      const mine = suite.stack.mail.messages().filter((m) => m.subject.includes(ref));
      return mine.length >= 2 ? mine : undefined;
    }, 'the message sent again by the restarted worker', 40_000);
    expect(copies.map((m) => m.messageId)).toEqual([copies[0]!.messageId, copies[0]!.messageId]);
    expect(copies.every((m) => m.text === copies[0]!.text)).toBe(true);
    for (const [who, stage] of APPROVERS) expect(await decide(who, id, stage)).toBe(200);
    await expectAdoptedWhole(suite.stack, id);
  });
});
