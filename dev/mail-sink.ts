import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

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

export interface MailSink {
  /** The port actually bound, also when 0 was asked for. */
  smtpPort: number;
  /** Base URL of the web page without a trailing slash; null when started without httpPort. */
  httpUrl: string | null;
  /** Newest last. */
  messages(): CapturedMail[];
  /** Resolves with the oldest captured message matching, waiting for one to arrive if none has yet. */
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  clear(): void;
  close(): Promise<void>;
}

export interface MailSinkOptions {
  host?: string;
  /** 0 picks a free port. */
  smtpPort?: number;
  /** Omitted: no web page. 0 picks a free port. */
  httpPort?: number;
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

/** Enough to inspect a long test run while keeping a forgotten `npm start` from growing without bound. */
const MAX_MESSAGES = 500;
const DEFAULT_WAIT_MS = 10_000;
/** Nothing in flight to a mail sink is worth delaying a shutdown for long. */
const SMTP_CLOSE_TIMEOUT_MS = 1_000;

interface Waiter {
  predicate: (m: CapturedMail) => boolean;
  resolve: (m: CapturedMail) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  // Loopback by default: the sink accepts anything from anyone and shows it to anyone.
  const host = options.host ?? '127.0.0.1';
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
  const smtpPort = await listenSmtp(smtp, options.smtpPort ?? 0, host);

  let web: FastifyInstance | undefined;
  let httpUrl: string | null = null;
  if (options.httpPort !== undefined) {
    web = buildWeb(() => captured);
    try {
      await web.listen({ host, port: options.httpPort });
    } catch (err) {
      await closeSmtp(smtp);
      throw err;
    }
    httpUrl = `http://${urlHost(host)}:${(web.server.address() as AddressInfo).port}`;
  }

  return {
    smtpPort,
    httpUrl,
    messages: () => [...captured],
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise<CapturedMail>((resolve, reject) => {
        if (closing) throw new Error('Mail sink is closed');
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
        for (const waiter of waiters) settle(waiter, { error: new Error('Mail sink closed before a matching mail arrived') });
        await Promise.all([closeSmtp(smtp), web?.close()]);
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
      smtp.on('error', (err: Error) => console.warn(`mail sink: SMTP error: ${err.message}`));
      resolve((smtp.server.address() as AddressInfo).port);
    });
  });
}

function closeSmtp(smtp: SMTPServer): Promise<void> {
  return new Promise((resolve) => smtp.close(resolve));
}

/** Names the mail that did arrive, which is usually what explains a failed wait. */
function describe(mails: CapturedMail[]): string {
  if (mails.length === 0) return 'no mail captured';
  const recent = mails.slice(-10).map((m) => `"${m.subject}" to ${m.to.join(', ')}`);
  return `${mails.length} captured, most recent: ${recent.join('; ')}`;
}

/** A wildcard bind address is nothing a browser can open, and IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function buildWeb(messages: () => CapturedMail[]): FastifyInstance {
  const app = Fastify({ logger: false });
  const byId = (id: string) => messages().find((m) => m.id === id);
  // The same shape as Fastify's own 404 for unknown routes, so clients need to handle only one.
  const notFound = (reply: FastifyReply, id: string) => {
    reply.code(404);
    return { statusCode: 404, error: 'Not Found', message: `No captured mail with id ${id}` };
  };

  app.get('/', (_request, reply) => page(reply, 'Mail sink', listBody([...messages()].reverse())));
  app.get<{ Params: { id: string } }>('/messages/:id', (request, reply) => {
    const mail = byId(request.params.id);
    if (!mail) return notFound(reply, request.params.id);
    return page(reply, `${mail.subject || '(no subject)'} – Mail sink`, messageBody(mail));
  });
  // Same order as messages(), so scripts and in-process tests see one model.
  app.get('/api/messages', () => messages());
  app.get<{ Params: { id: string } }>('/api/messages/:id', (request, reply) => byId(request.params.id) ?? notFound(reply, request.params.id));
  return app;
}

/** Sets the page headers on reply and returns the document for the handler to return. */
function page(reply: FastifyReply, title: string, body: string): string {
  reply
    .type('text/html; charset=utf-8')
    // Mail content is untrusted; should escaping ever miss a spot, the browser still runs nothing.
    .header('content-security-policy', "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ccc; }
iframe { width: 100%; height: 60vh; border: 1px solid #ccc; }
pre { white-space: pre-wrap; background: #f4f4f4; padding: 0.75rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function listBody(newestFirst: CapturedMail[]): string {
  const heading = '<h1>Mail sink</h1>';
  if (newestFirst.length === 0) return `${heading}\n<p>No mail captured yet. Reload this page after sending some.</p>`;
  const rows = newestFirst.map(
    (m) => `<tr>
<td>${timeElement(m.receivedAt)}</td>
<td>${escapeHtml(m.to.join(', '))}</td>
<td><a href="/messages/${escapeHtml(encodeURIComponent(m.id))}">${escapeHtml(m.subject || '(no subject)')}</a></td>
</tr>`,
  );
  return `${heading}
<table>
<caption>${newestFirst.length} captured ${newestFirst.length === 1 ? 'message' : 'messages'}, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function messageBody(mail: CapturedMail): string {
  const header = (name: string, valueHtml: string) => `<tr><th scope="row">${name}</th><td>${valueHtml}</td></tr>`;
  // An empty sandbox denies scripts, forms, popups and same-origin access to whatever the mail contains.
  const html =
    mail.html === null
      ? '<p>This mail has no HTML part.</p>'
      : `<iframe sandbox="" title="HTML body of the mail" srcdoc="${escapeHtml(mail.html)}"></iframe>`;
  return `<p><a href="/">Back to all mail</a></p>
<h1>${escapeHtml(mail.subject || '(no subject)')}</h1>
<table>
<caption>Headers</caption>
<tbody>
${header('From', escapeHtml(mail.from))}
${header('To', escapeHtml(mail.to.join(', ')))}
${header('Subject', escapeHtml(mail.subject))}
${header('Received', timeElement(mail.receivedAt))}
</tbody>
</table>
<h2>HTML body</h2>
${html}
<h2>Text body</h2>
${mail.text ? `<pre>${linkify(escapeHtml(mail.text))}</pre>` : '<p>This mail has no text part.</p>'}`;
}

function timeElement(iso: string): string {
  const readable = iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(readable)}</time>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Makes the http(s) URLs of escaped text clickable, so a developer can follow a mail's link from here. */
function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

/** Safe both as element text and inside a quoted attribute, which is where srcdoc puts whole documents. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
