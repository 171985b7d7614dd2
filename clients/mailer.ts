import { createTransport } from 'nodemailer';
import type { MailConfig } from '../activities/notifications';

/** One SMTP transport for the worker's lifetime; connection errors surface per send, so the activity retries. */
export function createMailer(smtpUrl: string, from: string): MailConfig {
  return { transport: createTransport(smtpUrl), from };
}
