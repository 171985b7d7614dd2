import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * `npm start`'s mail sink: maildev, with its web UI and its REST API (`/api/email`), keeping each
 * message as a file in `directory`, so mail outlives a restart. A process of its own (maildev is an
 * ES module, and stays out of the processes that load this file), in a process group of its own: a
 * terminal's Ctrl-C is for `npm start`, which stops it in turn.
 */

const MAILDEV = join(__dirname, '..', 'node_modules', '.bin', 'maildev');
/** The newest kept (maildev discards older ones with their files), so a long-lived checkout's folder stays small. */
const MAX_EMAILS = 1_000;
const READY_WITHIN_MS = 30_000;

export interface DevMailOptions {
  /** Where SMTP listens; the web UI listens on loopback only. */
  smtpHost: string;
  smtpPort: number;
  webPort: number;
  /** Where the mail is kept, and found again after a restart. */
  directory: string;
}

export interface DevMail {
  webUrl: string;
  stop(): Promise<void>;
}

export async function startDevMail(options: DevMailOptions): Promise<DevMail> {
  const webHost = '127.0.0.1';
  const child = spawn(
    process.execPath,
    [
      MAILDEV,
      '--ip', options.smtpHost,
      '--smtp', String(options.smtpPort),
      '--web-ip', webHost,
      '--web', String(options.webPort),
      '--mail-directory', options.directory,
      '--max-emails', String(MAX_EMAILS),
    ],
    // Its standard output is a banner and a line per message, which the printed table and the UI
    // make redundant; its warnings and errors come on standard error, and are passed on.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  createInterface({ input: child.stderr! }).on('line', (line) => console.error(`[mail sink] ${line}`));
  const webUrl = `http://${webHost}:${options.webPort}`;
  await answering(child, `${webUrl}/api/healthz`);
  let stopping = false;
  // Not restarted (nothing of the product depends on it), but never silently gone.
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`[mail sink] maildev ended (${signal ?? `exit code ${code}`}); mail sent now is refused`);
  });
  return {
    webUrl,
    stop() {
      stopping = true;
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/** Resolves once maildev's health check answers (its SMTP server is up and stored mail loaded by then). */
async function answering(child: ChildProcess, healthUrl: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (child.exitCode === null && child.signalCode === null) {
    try {
      // Its body as well: another server on the port would answer too.
      if ((await (await fetch(healthUrl)).text()) === 'true') return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`maildev did not answer at ${healthUrl} within ${READY_WITHIN_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`maildev ended (${child.signalCode ?? `exit code ${child.exitCode}`}) before it answered; its own lines above say why`);
}
