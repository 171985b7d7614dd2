import type { WorkerOptions } from '@temporalio/worker';
import { SEED_PEOPLE } from '../dev/seed-data';
import type { CapturedMail } from '../dev/smtp-capture';
import { eventually } from './support/poll';
import { completeContent, newPartner } from './support/notes';
import { TEST_PUBLIC_BASE_URL, useStack } from './support/stack';

const REFUSED = 'bounce.invalid';

/**
 * The first attempt of each delivery fails right after its mail went out, as a worker killed
 * between sending and completing would leave it; Temporal then runs the activity again.
 */
let crashAfterSending = false;
const crashOnce: NonNullable<WorkerOptions['interceptors']>['activity'] = [
  (ctx) => ({
    inbound: {
      async execute(input, next) {
        const result = await next(input);
        if (crashAfterSending && ctx.info.activityType === 'deliverNotifications' && ctx.info.attempt === 1) throw new Error('worker lost after sending');
        return result;
      },
    },
  }),
];

// Its own database: a test changes a legal reviewer's address, which other suites' mail would meet
// (and which any suite starting meanwhile would seed back).
const suite = useStack({ ownDatabase: 'weighing_notes_email', mailRefuses: (address) => address.endsWith(`@${REFUSED}`), interceptors: { activity: crashOnce } });
const email = (id: string) => SEED_PEOPLE.find((p) => p.id === id)!.email;

/** Mail about one note (by its opaque reference), addressed to each person, in the order sent. */
function mailFor(noteId: string, mails: CapturedMail[] = suite.stack.mail.messages()): CapturedMail[] {
  return mails.filter((m) => m.subject.includes(`WN-${noteId.slice(0, 8).toUpperCase()}`));
}
const recipients = (mails: CapturedMail[]) => mails.flatMap((m) => m.to).sort();

async function settle<T>(what: string, check: () => T | undefined) {
  return eventually(async () => check(), what);
}

describe('who gets what', () => {
  it('mails each stage’s reviewers when it opens, the drafter on adoption, and nobody twice', async () => {
    const partner = await newPartner(suite.stack.sql);
    const id = await suite.http.createNote('anna.devries', completeContent({ overallRisk: 'high' }), partner.id);
    await suite.http.submit('anna.devries', id);
    await settle('team lead mailed', () => (mailFor(id).length === 1 ? true : undefined));
    expect(recipients(mailFor(id))).toEqual([email('carla.bakker')]);

    await suite.http.decide('carla.bakker', id, 'approve');
    await settle('legal mailed', () => (mailFor(id).length === 4 ? true : undefined));
    expect(recipients(mailFor(id).slice(1))).toEqual(['daan.visser', 'eva.smit', 'frank.meijer'].map(email));

    // Each decides once their mail is in: a review mail to someone who has decided already is not sent.
    for (const reviewer of ['daan.visser', 'eva.smit', 'gert.mulder', 'hanna.deboer']) {
      await settle(`${reviewer} mailed`, () => (mailFor(id).some((m) => m.to.includes(email(reviewer))) ? true : undefined));
      await suite.http.decide(reviewer, id, 'approve');
    }
    // The adoption makes the note's one mitigation a condition of the drafter's, mailed to her too.
    const mailed = (subject: string) => mailFor(id).some((m) => m.subject.startsWith(subject));
    const all = await eventually(async () => (mailed('Adopted') && mailed('Condition assigned') ? mailFor(id) : undefined), 'adoption mailed');
    const sent = (mails: CapturedMail[]) => mails.map((m) => `${m.subject.split(':')[0]} → ${m.to.join(',')}`).sort();
    expect(sent(all)).toEqual(
      [
        ...['carla.bakker', 'daan.visser', 'eva.smit', 'frank.meijer', 'gert.mulder', 'hanna.deboer'].map((p) => `Review requested → ${email(p)}`),
        `Adopted → ${email('anna.devries')}`,
        `Condition assigned → ${email('anna.devries')}`,
      ].sort(),
    );

    // Need to know: no message names the partner, its country or the risk, or carries any content (the review date neither).
    const forbidden = [partner.name, partner.country, 'high', 'risk', completeContent().reviewDate!, ...Object.values(completeContent().criteria!).map((c) => c!.findings!)];
    for (const m of all) for (const word of forbidden) expect(`${m.subject}\n${m.text}\n${m.html}`.toLowerCase()).not.toContain(word.toLowerCase());
  });

  it('mails the drafter when changes are requested and when the note is rejected', async () => {
    const id = await suite.http.createNote('bram.jansen');
    await suite.http.submit('bram.jansen', id);
    await suite.http.decide('carla.bakker', id, 'request_changes', 1, { comment: 'More sources.' });
    await suite.http.call('bram.jansen', 'PUT', `/notes/${id}/draft`, { baseRevision: 1, content: completeContent({ weighing: 'Better.' }) });
    await suite.http.submit('bram.jansen', id);
    await settle('the team lead mailed again', () => (mailFor(id).length === 3 ? true : undefined));
    await suite.http.decide('carla.bakker', id, 'reject', 2, { comment: 'Not needed.' });
    const mails = await eventually(async () => (mailFor(id).length === 4 ? mailFor(id) : undefined), 'four mails');
    expect(mails.map((m) => [m.subject.split(':')[0], m.to[0]])).toEqual([
      ['Review requested', email('carla.bakker')],
      ['Changes requested', email('bram.jansen')],
      ['Review requested', email('carla.bakker')],
      ['Rejected', email('bram.jansen')],
    ]);
    for (const m of mails) expect(m.text).not.toMatch(/More sources|Not needed|Better/);
    // The drafter is sent to the note's page in the application; the note's id is in that link's path only.
    const page = `${TEST_PUBLIC_BASE_URL}/app/notes/${id}`;
    for (const m of mails.filter((mail) => mail.to[0] === email('bram.jansen'))) {
      expect(m.text).toContain(`Sign in to read it: ${page}\n`);
      expect(m.html).toContain(`<a href="${page}">Sign in to read it</a>`);
      expect(`${m.subject}\n${m.text}\n${m.html}`.replaceAll(page, '')).not.toContain(id);
    }
  });
});

describe('review links', () => {
  it('are never kept in the database: the mail carries one, no table does', async () => {
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    const [mail] = await settle('the review mail', () => (mailFor(id).length === 1 ? mailFor(id) : undefined));
    expect(mail!.text).toMatch(/\/review\/ey/);
    const tables = await suite.stack.sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['outbox', 'audit_log', 'notes', 'comments']));
    for (const { name } of tables) {
      const rows = await suite.stack.sql.unsafe(`select t::text as row from "${name}" t where t::text like '%/review/ey%'`);
      expect([name, rows.length]).toEqual([name, 0]);
    }
  });
});

describe('delivery faults', () => {
  it('still sends one mail when the worker is lost after sending but before completing the activity', async () => {
    crashAfterSending = true;
    try {
      const id = await suite.http.createNote('anna.devries');
      await suite.http.submit('anna.devries', id);
      await eventually(async () => ((await suite.stack.sql`select 1 from outbox where note_id = ${id} and status = 'sent'`).length ? true : undefined), 'the mail sent');
      // Long enough for the failed attempt to be retried (1 s backoff) and to have sent again, were it going to.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(recipients(mailFor(id))).toEqual([email('carla.bakker')]);
    } finally {
      crashAfterSending = false;
    }
  });

  it('fails a refused address visibly, without holding up the others or the approval', async () => {
    await suite.stack.sql`update people set email = ${`frank.meijer@${REFUSED}`} where id = 'frank.meijer'`;
    try {
      const id = await suite.http.createNote('anna.devries');
      await suite.http.submit('anna.devries', id);
      await suite.http.decide('carla.bakker', id, 'approve');
      await eventually(async () => (mailFor(id).length === 3 ? true : undefined), 'the other legal reviewers mailed');
      expect(recipients(mailFor(id).slice(1))).toEqual(['daan.visser', 'eva.smit'].map(email));
      const failed = await eventually(async () => {
        const history = (await suite.http.call('ivo.peters', 'GET', `/notes/${id}/history`)).json<{ action: string; recipients: string[] }[]>();
        return history.find((h) => h.action === 'note.mail_failed');
      }, 'the failure in the history');
      expect(failed.recipients).toEqual(['frank.meijer']);
      expect((await suite.http.note('ivo.peters', id)).json()).toMatchObject({ undeliveredMail: [{ recipientId: 'frank.meijer', kind: 'review_requested', error: expect.stringMatching(/550|does not exist/) }] });
      expect((await suite.http.decide('daan.visser', id, 'approve')).json()).toMatchObject({ stage: 'HEAD_OF_SERVICE' });
    } finally {
      await suite.stack.sql`update people set email = ${email('frank.meijer')} where id = 'frank.meijer'`;
    }
  });
});
