import { createTransport } from 'nodemailer';
import type { MailConfig } from '../activities/mail-delivery';

/**
 * One SMTP transport for the worker's lifetime, from SMTP_URL (`smtp://user:pass@host:port`, or
 * `smtps://` for TLS from the start). Its timeouts stay well inside the sending activity's limit, so
 * an attempt on a hung server ends, and is retried, instead of outliving the activity. Pooled: a
 * message goes out on a connection already open and greeted (a few round trips, not a dozen and a
 * handshake); the pool reconnects after a server restart, and closes a connection idle for a minute.
 * Whoever made it closes it (`close`), or its open connections keep the process alive.
 */
export function createMailer(smtpUrl: string, from: string): Pick<MailConfig, 'transport' | 'from'> {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transport = createTransport({
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    pool: true,
    maxConnections: 2,
    idleTimeout: 60_000,
  });
  return { transport, from };
}
