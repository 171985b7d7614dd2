import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * An SMTP server in the process, for the tests, the benchmark and the screenshots: it keeps what it
 * is sent for the caller to inspect and wait for, and refuses, defers or holds mail on cue, as real
 * servers do. `npm start`'s mail sink for people is maildev (`dev/dev-mail.ts`).
 */

export interface CapturedMail {
  id: string;
  /** The sender's Message-ID: a message sent twice (a crash between sending and recording) shows it twice. */
  messageId: string | null;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

export interface SmtpCapture {
  /** The port actually bound, also when 0 was asked for. */
  smtpPort: number;
  /** Newest last. */
  messages(): CapturedMail[];
  /** Resolves with the oldest captured message matching, waiting for one to arrive if none has yet. */
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  clear(): void;
  close(): Promise<void>;
}

export interface SmtpCaptureOptions {
  /** On 127.0.0.1; 0 (the default) picks a free port. */
  smtpPort?: number;
  /** Recipients refused with 550, as a server refuses a mailbox that does not exist. */
  refuses?: (address: string) => boolean;
  /** Recipients deferred with 451, as a server does with a mailbox it cannot take mail for now. */
  defers?: (address: string) => boolean;
  /** Messages refused with 554 once their content is in, as a content filter does; by their recipients. */
  rejectsMessage?: (recipients: string[]) => boolean;
  /** Runs once a message is in, before the server answers 250: a test kills its sender here. */
  received?: (mail: CapturedMail) => void | Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** Enough to inspect a long run (the benchmark's) while keeping memory bounded. */
const MAX_MESSAGES = 500;
const DEFAULT_WAIT_MS = 10_000;
/** Nothing in flight to a capture is worth delaying a shutdown for long. */
const SMTP_CLOSE_TIMEOUT_MS = 1_000;

interface Waiter {
  predicate: (m: CapturedMail) => boolean;
  resolve: (m: CapturedMail) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const captured: CapturedMail[] = [];
  const waiters = new Set<Waiter>();
  let closing: Promise<void> | undefined;

  const settle = (waiter: Waiter, outcome: { mail: CapturedMail } | { error: unknown }) => {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
    if ('mail' in outcome) waiter.resolve(outcome.mail);
    else waiter.reject(outcome.error);
  };

  const capture = (mail: CapturedMail) => {
    captured.push(mail);
    if (captured.length > MAX_MESSAGES) captured.splice(0, captured.length - MAX_MESSAGES);
    for (const waiter of waiters) {
      try {
        if (waiter.predicate(mail)) settle(waiter, { mail });
      } catch (error) {
        settle(waiter, { error });
      }
    }
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: SMTP_CLOSE_TIMEOUT_MS,
    onRcptTo(address, _session, callback) {
      if (options.refuses?.(address.address)) return callback(smtpError(550, `mailbox ${address.address} does not exist`));
      if (options.defers?.(address.address)) return callback(smtpError(451, `mailbox ${address.address} is not available now`));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        async (parsed) => {
          const { mailFrom, rcptTo } = session.envelope;
          const mail: CapturedMail = {
            id: randomUUID(),
            messageId: parsed.messageId ?? null,
            receivedAt: new Date().toISOString(),
            from: parsed.from?.text || (mailFrom ? mailFrom.address : ''),
            // The envelope, not the To header, is where Bcc recipients show up.
            to: rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            // mailparser reports a missing HTML part as false, its typings say undefined: accept either.
            html: parsed.html || null,
          };
          if (options.rejectsMessage?.(mail.to)) return callback(smtpError(554, 'message refused by policy'));
          capture(mail);
          await options.received?.(mail);
          callback();
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  // Loopback only: the capture accepts anything from anyone.
  const smtpPort = await listenSmtp(smtp, options.smtpPort ?? 0, '127.0.0.1');

  return {
    smtpPort,
    messages: () => [...captured],
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise<CapturedMail>((resolve, reject) => {
        if (closing) throw new Error('SMTP capture is closed');
        const existing = captured.find(predicate);
        if (existing) return resolve(existing);
        const waiter: Waiter = {
          predicate,
          resolve,
          reject,
          timer: setTimeout(
            () => settle(waiter, { error: new Error(`No captured mail matched within ${timeoutMs} ms; ${describe(captured)}`) }),
            timeoutMs,
          ),
        };
        waiters.add(waiter);
      });
    },
    clear() {
      captured.length = 0;
    },
    close() {
      closing ??= (async () => {
        // Otherwise a test awaiting mail would only learn of the shutdown from its timeout.
        for (const waiter of waiters) settle(waiter, { error: new Error('SMTP capture closed before a matching mail arrived') });
        await new Promise<void>((resolve) => smtp.close(resolve));
      })();
      return closing;
    },
  };
}

function listenSmtp(smtp: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(port, host, () => {
      smtp.off('error', reject);
      // Client resets and timeouts surface here; without a listener they would crash the host process.
      smtp.on('error', (err: Error) => console.warn(`SMTP capture: ${err.message}`));
      resolve((smtp.server.address() as AddressInfo).port);
    });
  });
}

/** Names the mail that did arrive, which is usually what explains a failed wait. */
function describe(mails: CapturedMail[]): string {
  if (mails.length === 0) return 'no mail captured';
  const recent = mails.slice(-10).map((m) => `"${m.subject}" to ${m.to.join(', ')}`);
  return `${mails.length} captured, most recent: ${recent.join('; ')}`;
}
