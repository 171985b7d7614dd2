import { type SmtpCapture, startSmtpCapture } from '../dev/smtp-capture';
import { DEFAULT_POLICY, type Policy } from '../domain/pipeline';
import { APPROVERS, expectAdoptedWhole } from './support/fault-checks';
import { eventually } from './support/poll';
import { useStack } from './support/stack';

/**
 * The SMTP server down while stages open and fall due. Mail goes out beside the timers, so reminders
 * and escalations keep their time however long it is down; what is queued meanwhile goes out once it
 * is back, once; what has failed for longer than MAIL_GIVE_UP_AFTER is marked failed and shown.
 */
const FAST: Policy = {
  ...DEFAULT_POLICY,
  stageDueMs: { TEAM_REVIEW: 2_000, LEGAL_REVIEW: 60_000, HEAD_OF_SERVICE: 60_000, MINISTER: 60_000 },
  reminderIntervalMs: 1_000,
  escalateAfterReminders: 2,
};
const suite = useStack({ policy: FAST });
/** The suite's SMTP server as it is now: stopped and started again on the same port by the tests. */
let smtp: SmtpCapture;
beforeAll(() => {
  smtp = suite.stack.mail;
});
afterAll(() => smtp?.close());

const smtpDown = () => smtp.close();
async function smtpBack(): Promise<void> {
  smtp = await startSmtpCapture({ smtpPort: suite.stack.mail.smtpPort });
}
const trail = async (id: string) => (await suite.stack.sql<{ action: string }[]>`select action from audit_log where note_id = ${id} order by seq`).map((e) => e.action);
const outbox = (id: string) => suite.stack.sql<{ kind: string; status: string; lastError: string | null }[]>`select kind, status, last_error from outbox where note_id = ${id} order by created_at`;

async function approveAll(id: string): Promise<void> {
  for (const [who, stage] of APPROVERS) expect((await suite.http.decide(who, id, 'approve', 1, { stage })).statusCode).toBe(200);
}

describe('the SMTP server down', () => {
  it('for a stage opening and its deadlines: reminders and the escalation keep their time, and the mail goes out once when it is back', async () => {
    await smtpDown();
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    // Due after 2 s, a reminder each second, the escalation after two: all while no mail can go out.
    const story = await eventually(async () => {
      const actions = await trail(id);
      return actions.includes('note.escalated') ? actions.slice(0, actions.indexOf('note.escalated') + 1) : undefined;
    }, 'the escalation, on time', 15_000);
    expect(story.filter((a) => a === 'note.reminder_sent')).toHaveLength(2);
    const queued = await outbox(id);
    expect(queued.every((row) => row.status === 'pending')).toBe(true);
    expect(queued.slice(0, 4).map((row) => row.kind)).toEqual(['review_requested', 'reminder', 'reminder', 'escalation']);

    await smtpBack();
    await approveAll(id);
    await expectAdoptedWhole(suite.stack, id, smtp);
    expect((await outbox(id)).filter((row) => row.status !== 'sent' && row.status !== 'skipped')).toEqual([]);
  });

  it('for longer than MAIL_GIVE_UP_AFTER: its messages are marked failed and shown on the note, and the approval goes on', async () => {
    await smtpDown();
    const id = await suite.http.createNote('anna.devries');
    await suite.http.submit('anna.devries', id);
    await eventually(async () => ((await outbox(id))[0]?.lastError?.includes('ECONNREFUSED') ? true : undefined), 'a first attempt refused');
    // Two days pass (MAIL_GIVE_UP_AFTER): the review request has been tried since it was queued.
    await suite.stack.sql`update outbox set created_at = created_at - interval '3 days' where note_id = ${id} and kind = 'review_requested'`;
    const note = await eventually(async () => {
      const read = (await suite.http.note('ivo.peters', id)).json<{ undeliveredMail: { recipientId: string; kind: string; error: string }[] }>();
      return read.undeliveredMail.length ? read : undefined;
    }, 'the review request given up on', 30_000);
    expect(note.undeliveredMail).toEqual([{ recipientId: 'carla.bakker', kind: 'review_requested', error: expect.stringMatching(/^not delivered within 172800 s: .*ECONNREFUSED/) }]);
    expect(await trail(id)).toContain('note.mail_failed');

    await smtpBack();
    await approveAll(id);
    // Everything queued since went out; the review request given up on did not.
    await expectAdoptedWhole(suite.stack, id, smtp);
    const teamLead = (await suite.stack.sql<{ email: string }[]>`select email from people where id = 'carla.bakker'`)[0]!.email;
    expect(smtp.messages().filter((m) => m.subject.startsWith('Review requested') && m.subject.includes(id.slice(0, 8).toUpperCase()) && m.to.includes(teamLead))).toEqual([]);
  });
});
