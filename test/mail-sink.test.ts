import { createTransport } from 'nodemailer';
import { startMailSink } from '../dev/mail-sink';
import type { CapturedMail, MailSink } from '../dev/mail-sink';

describe('mail sink', () => {
  let sink: MailSink;

  beforeAll(async () => {
    sink = await startMailSink({ host: '127.0.0.1', smtpPort: 0, httpPort: 0 });
  });

  afterAll(async () => {
    await sink?.close();
  });

  async function send(mail: { to: string; cc?: string; bcc?: string; subject: string; text?: string; html?: string }): Promise<void> {
    const transport = createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ from: 'Weighing notes <no-reply@weighing-notes.invalid>', ...mail });
    } finally {
      transport.close();
    }
  }

  function web(path: string): Promise<Response> {
    if (!sink.httpUrl) throw new Error('sink started without a web page');
    return fetch(`${sink.httpUrl}${path}`);
  }

  const subject = 'Weighing note <script>alert("x")</script> & more';
  let captured: CapturedMail;

  it('captures a mail sent over SMTP, recipients taken from the envelope', async () => {
    // Waiting before sending covers a mail that arrives while waitFor is pending.
    const arrival = sink.waitFor((m) => m.subject === subject);
    await send({
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
    expect(captured.subject).toBe(subject);
    expect(captured.text.trim()).toBe('Plain body\nsecond line http://127.0.0.1:3000/review/abc');
    expect(captured.html).toBe('<p>HTML <b>body</b> with "quotes"</p>');
    expect(new Date(captured.receivedAt).toISOString()).toBe(captured.receivedAt);
    expect(sink.messages().at(-1)).toEqual(captured);
  });

  it('resolves waitFor at once for a mail captured earlier', async () => {
    await expect(sink.waitFor((m) => m.id === captured.id, 50)).resolves.toEqual(captured);
  });

  it('rejects waitFor after the timeout, naming the mail that did arrive', async () => {
    await expect(sink.waitFor((m) => m.subject === 'never sent', 50)).rejects.toThrow(
      /No captured mail matched within 50 ms; 1 captured, most recent: "Weighing note/,
    );
  });

  it('lists the mail on the web page with every value escaped', async () => {
    const response = await web('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();

    expect(page).toContain('<html lang="en">');
    expect(page).toContain(`<a href="/messages/${captured.id}">`);
    expect(page).toContain('Weighing note &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(page).not.toContain('<script');
    expect(page).toContain('alice@example.test, bob@example.test, carol@example.test');
  });

  it('renders one mail with its HTML body in a sandboxed iframe and its text’s links clickable', async () => {
    const response = await web(`/messages/${captured.id}`);
    expect(response.status).toBe(200);
    const page = await response.text();

    expect(page).not.toContain('<script');
    expect(page).toContain(
      '<iframe sandbox="" title="HTML body of the mail" srcdoc="&lt;p&gt;HTML &lt;b&gt;body&lt;/b&gt; with &quot;quotes&quot;&lt;/p&gt;">',
    );
    expect(page).toContain('<pre>Plain body\nsecond line <a href="http://127.0.0.1:3000/review/abc">http://127.0.0.1:3000/review/abc</a>');
  });

  it('serves the mail as JSON', async () => {
    const list = await web('/api/messages');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([captured]);

    const one = await web(`/api/messages/${captured.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(captured);
  });

  it.each(['/api/messages/unknown-id', '/messages/unknown-id'])('answers 404 as JSON for an unknown id at %s', async (path) => {
    const response = await web(path);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'No captured mail with id unknown-id' });
  });

  it('forgets captured mail on clear', async () => {
    sink.clear();
    expect(sink.messages()).toEqual([]);
    expect(await (await web('/api/messages')).json()).toEqual([]);
    expect(await (await web('/')).text()).toContain('No mail captured yet.');
  });
});
