import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { startDevMail } from '../dev/dev-mail';
import { freePort } from '../dev/in-process-stack';
import { type CapturedMail, type SmtpCapture, startSmtpCapture } from '../dev/smtp-capture';
import { eventually } from './support/poll';

/**
 * The two SMTP servers of development: the capture in the process, which the suites, the benchmark
 * and the screenshots read and stage faults with; and maildev, `npm start`'s mail sink for people.
 */

const FROM = 'Weighing notes <no-reply@weighing-notes.invalid>';

async function send(port: number, mail: { to: string; cc?: string; bcc?: string; subject: string; text?: string; html?: string }): Promise<void> {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: FROM, ...mail });
  } finally {
    transport.close();
  }
}

describe('the SMTP capture', () => {
  let capture: SmtpCapture;
  /** Held by a test to keep the capture from answering a message it has taken in. */
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    capture = await startSmtpCapture({
      refuses: (address) => address.endsWith('@missing.test'),
      defers: (address) => address.endsWith('@busy.test'),
      rejectsMessage: (to) => to.some((address) => address.endsWith('@filtered.test')),
      received: () => hold,
    });
  });
  afterAll(() => capture?.close());

  const subject = 'Weighing note <script>alert("x")</script> & more';
  let captured: CapturedMail;

  it('captures a mail sent over SMTP, recipients taken from the envelope', async () => {
    // Waiting before sending covers a mail that arrives while waitFor is pending.
    const arrival = capture.waitFor((m) => m.subject === subject);
    await send(capture.smtpPort, {
      to: 'alice@example.test',
      cc: 'bob@example.test',
      bcc: 'carol@example.test',
      subject,
      text: 'Plain body\nsecond line http://127.0.0.1:3000/review/abc',
      html: '<p>HTML <b>body</b> with "quotes"</p>',
    });
    captured = await arrival;

    expect(captured.to).toEqual(['alice@example.test', 'bob@example.test', 'carol@example.test']);
    expect(captured.from).toContain('no-reply@weighing-notes.invalid');
    expect(captured.messageId).toMatch(/^<.+@weighing-notes\.invalid>$/);
    expect(captured.subject).toBe(subject);
    expect(captured.text.trim()).toBe('Plain body\nsecond line http://127.0.0.1:3000/review/abc');
    expect(captured.html).toBe('<p>HTML <b>body</b> with "quotes"</p>');
    expect(new Date(captured.receivedAt).toISOString()).toBe(captured.receivedAt);
    expect(capture.messages()).toEqual([captured]);
  });

  it('resolves waitFor at once for a mail captured earlier', async () => {
    await expect(capture.waitFor((m) => m.id === captured.id, 50)).resolves.toEqual(captured);
  });

  it('rejects waitFor after the timeout, naming the mail that did arrive', async () => {
    await expect(capture.waitFor((m) => m.subject === 'never sent', 50)).rejects.toThrow(
      /No captured mail matched within 50 ms; 1 captured, most recent: "Weighing note/,
    );
  });

  it.each([
    ['refuses a recipient with 550', 'nobody@missing.test', 550],
    ['defers a recipient with 451', 'someone@busy.test', 451],
    ['refuses a message with 554 once its content is in', 'someone@filtered.test', 554],
  ])('%s, as a real server does, and keeps nothing', async (_case, to, responseCode) => {
    await expect(send(capture.smtpPort, { to, subject: 'Not taken', text: 'x' })).rejects.toMatchObject({ responseCode });
    expect(capture.messages().map((m) => m.subject)).not.toContain('Not taken');
  });

  it('answers a message only once the received hook has finished (where a test kills its sender)', async () => {
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    let answered = false;
    const sending = send(capture.smtpPort, { to: 'dora@example.test', subject: 'Held', text: 'x' }).then(() => (answered = true));
    await capture.waitFor((m) => m.subject === 'Held');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    release();
    hold = undefined;
    await sending;
    expect(answered).toBe(true);
  });

  it('forgets captured mail on clear', () => {
    capture.clear();
    expect(capture.messages()).toEqual([]);
  });

  it('fails a pending waitFor when closed, frees its port, and starts again on it', async () => {
    const other = await startSmtpCapture();
    const pending = other.waitFor(() => true);
    await other.close();
    await expect(pending).rejects.toThrow('SMTP capture closed before a matching mail arrived');
    await expect(send(other.smtpPort, { to: 'erik@example.test', subject: 'While down' })).rejects.toMatchObject({ code: 'ESOCKET' });

    const again = await startSmtpCapture({ smtpPort: other.smtpPort });
    try {
      await send(again.smtpPort, { to: 'erik@example.test', subject: 'Back' });
      expect(again.messages().map((m) => m.subject)).toEqual(['Back']);
    } finally {
      await again.close();
    }
  });
});

describe('the dev mail sink (maildev, as npm start runs it)', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'mail-sink-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  interface Listed {
    subject: string;
    to: { address: string }[];
    text: string;
  }
  const listed = async (webUrl: string) => (await (await fetch(`${webUrl}/api/email`)).json()) as Listed[];

  it('shows a message sent over SMTP in its REST API with its full subject, and still after a restart on the same folder', async () => {
    const options = { smtpHost: '127.0.0.1', smtpPort: await freePort(), webPort: await freePort(), directory };
    // Longer than a phone's width, which the old sink's page cut off.
    const subject = 'Review requested: WN-1A2B3C4D at legal review, due 2026-12-01 09:00 UTC (reminder 2 of 3)';
    let sink = await startDevMail(options);
    try {
      expect(sink.webUrl).toBe(`http://127.0.0.1:${options.webPort}`);
      await send(options.smtpPort, { to: 'daan.visser@mivd.example', subject, text: 'Your link: http://127.0.0.1:3000/review/abc' });
      const mails = await eventually(async () => ((await listed(sink.webUrl)).length ? listed(sink.webUrl) : undefined), 'the mail listed');
      expect(mails).toEqual([expect.objectContaining({ subject, to: [expect.objectContaining({ address: 'daan.visser@mivd.example' })] })]);
      expect(mails[0]!.text).toContain('http://127.0.0.1:3000/review/abc');
      const page = await fetch(sink.webUrl, { headers: { accept: 'text/html' } });
      expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/html/)]);

      await sink.stop();
      await expect(fetch(`${sink.webUrl}/api/email`)).rejects.toThrow();
      sink = await startDevMail(options);
      expect((await listed(sink.webUrl)).map((m) => m.subject)).toEqual([subject]);
    } finally {
      await sink.stop();
    }
  });

  it('fails to start, saying so, when its SMTP port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      await expect(startDevMail({ smtpHost: '127.0.0.1', smtpPort: port, webPort: await freePort(), directory })).rejects.toThrow(/^maildev ended \(exit code 1\) before it answered/);
    } finally {
      taken.close();
    }
  });
});
