import type { SmtpCapture } from '../../dev/smtp-capture';
import { noteWorkflowId, stateQuery } from '../../workflows';
import { api } from './notes';
import { eventually } from './poll';
import type { Stack } from './stack';

/** The team lead, a legal reviewer and the head of service approve: a medium-risk note's whole pipeline. */
export const APPROVERS = [
  ['carla.bakker', 'TEAM_REVIEW'],
  ['daan.visser', 'LEGAL_REVIEW'],
  ['gert.mulder', 'HEAD_OF_SERVICE'],
] as const;

/**
 * Each approver's decision after a fault, sent again while it answers 503 (the contract: 503 with
 * Retry-After, and a retry works). Recorded once either way: by the answer heard, or by a 503'd
 * request whose Update had gone through after all. The retry is then refused, as a second vote (403)
 * or, once that decision has moved the note on, as one on a stage no longer open (409); either
 * refusal counts only if the workflow holds this person's decision at this stage.
 */
export async function approveOnceHeard(stack: Stack, id: string, approvers: readonly (readonly [string, string])[] = APPROVERS): Promise<void> {
  const http = api(stack);
  for (const [who, stage] of approvers) {
    const answer = await eventually(async () => {
      const res = await http.decide(who, id, 'approve', 1, { stage });
      return res.statusCode === 503 ? undefined : res.statusCode;
    }, `${who}'s decision heard`, 60_000);
    expect([200, 403, 409]).toContain(answer);
    if (answer !== 200) {
      const { decisions } = await stack.client.workflow.getHandle(noteWorkflowId(id)).query(stateQuery);
      expect(decisions.filter((d) => d.actorId === who && d.stage === stage)).toHaveLength(1);
    }
  }
}

/**
 * What every fault case checks once its note is through: adopted in the workflow and the read model,
 * each stage's decision once and in the decisions table as the workflow holds it, every mail at most
 * once (or the documented duplicate: the same message, with the same Message-ID), the audit chain whole.
 */
export async function expectAdoptedWhole(stack: Stack, id: string, mail: SmtpCapture = stack.mail): Promise<void> {
  const state = await eventually(async () => {
    const s = await stack.client.workflow.getHandle(noteWorkflowId(id)).query(stateQuery);
    return s.status === 'ACTIVE' ? s : undefined;
  }, 'the note adopted');
  expect(state.decisions.map((d) => d.stage)).toEqual(APPROVERS.map(([, stage]) => stage));
  const rows = await stack.sql<{ id: string }[]>`select id from decisions where note_id = ${id}`;
  expect(rows.map((r) => r.id).sort()).toEqual(state.decisions.map((d) => d.decisionId).sort());
  const http = api(stack);
  expect((await http.note('ivo.peters', id)).json()).toMatchObject({ status: 'ACTIVE' });

  // Mail: each message at most once per outbox row (note, version, kind, recipient), or twice with
  // the row's Message-ID, the same message; every row sent, none left waiting. One exception: a
  // request to decide whose sender died after the SMTP server took it, before marking it sent, is
  // skipped by the retry once its recipient has decided (their decision came from that very mail).
  const outbox = await eventually(async () => {
    const rows = await stack.sql<{ id: string; status: string }[]>`select id, status from outbox where note_id = ${id}`;
    return rows.some((row) => row.status === 'pending') ? undefined : rows;
  }, 'the note\'s mail sent');
  const sent = outbox.filter((row) => row.status === 'sent').map((row) => row.id);
  const skipped = new Set(outbox.filter((row) => row.status === 'skipped').map((row) => row.id));
  const ref = `WN-${id.slice(0, 8).toUpperCase()}`;
  const copies = new Map<string, Set<string>>();
  for (const m of mail.messages().filter((m) => m.subject.includes(ref))) {
    const row = /^<([0-9a-f-]+)@weighing-notes>$/.exec(m.messageId ?? '')?.[1] ?? `no Message-ID: ${m.subject}`;
    copies.set(row, (copies.get(row) ?? new Set()).add(`${m.to.join(',')}\n${m.subject}\n${m.text}`));
  }
  expect([...copies.keys()].filter((row) => !skipped.has(row)).sort()).toEqual(sent.sort());
  for (const [row, bodies] of copies) expect([row, bodies.size]).toEqual([row, 1]);
  expect((await http.call('ivo.peters', 'GET', '/audit/verify')).json()).toMatchObject({ ok: true });
}
