import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit } from '../db/audit';
import type { InTransaction, Sql } from '../db/client';
import { insertConsentDecision, projectConsent } from '../db/consents';
import { Answer, ConsentStage, ConsentState } from '../domain/consent';
import { CONSENT_TRANSITION_ACTIONS } from '../domain/consent-story';
import { Outcome, Revision, STAGE_ROLE } from '../domain/pipeline';
import type { Role } from '../domain/roles';
import { holdersOf, queueConsentMail } from './notifications';
import type { MailKind } from './notification-templates';

/** A transition a consent request's workflow made: what the read model, the audit trail and the outbox record of it. */
export const ConsentTransition = z.object({
  state: ConsentState,
  at: z.iso.datetime(),
  /** Null when a deadline, not a person, caused it. */
  actorId: z.string().min(1).nullable(),
  action: z.enum(CONSENT_TRANSITION_ACTIONS),
  /** The request's id where free text came with it (a withdrawal's reason, in `comments`). */
  ref: z.uuid().optional(),
  decision: z.object({ decisionId: z.uuid(), stage: ConsentStage, revision: Revision, outcome: Outcome }).optional(),
  /** The answer recorded (its date and conditions are in `consent_answers`, under the state's `answerId`). */
  answer: Answer.optional(),
});
export type ConsentTransition = z.infer<typeof ConsentTransition>;

type ConsentMailKind = Extract<MailKind, `consent_${string}`>;

interface Addressee {
  personId: string;
  kind: ConsentMailKind;
  /** Asked to decide: gets a personal review link. */
  decides: boolean;
}

/** Who gets what for one transition: a stage's reviewers when it opens and is overdue, the drafter on a decision and about the answer. */
async function audienceFor(tx: InTransaction, { state, action, decision }: ConsentTransition): Promise<Addressee[]> {
  const to = (ids: string[], kind: ConsentMailKind, decides = false) => ids.map((personId) => ({ personId, kind, decides }));
  // Holders of the role who may still act on the open stage: not the revision's author, not those who decided.
  const decided = state.decisions.filter((d) => d.stage === state.stage && d.revision === state.current.revision).map((d) => d.actorId);
  const owing = async (role: Role) => (await holdersOf(tx, role)).filter((id) => id !== state.current.authorId && !decided.includes(id));
  const drafter = [state.drafterId];
  const stageOpened = action === 'consent.submitted' || (decision?.outcome === 'approve' && state.status === 'IN_REVIEW' && state.stage !== decision.stage);
  if (stageOpened) return to(await owing(STAGE_ROLE[state.stage!]), 'consent_review_requested', true);
  switch (action) {
    case 'consent.reminder_sent':
      return to(await owing(STAGE_ROLE[state.stage!]), 'consent_reminder', true);
    case 'consent.escalated':
      return to(await owing(state.policy.escalationRole), 'consent_escalation');
    case 'consent.answer_overdue':
      return to(drafter, 'consent_answer_due');
    case 'consent.answer_reminder_sent':
      return to(drafter, 'consent_answer_reminder');
    case 'consent.lapsed':
      return to(drafter, 'consent_lapsed');
    default:
      if (decision?.outcome === 'reject') return to(drafter, 'consent_rejected');
      if (decision?.outcome === 'request_changes') return to(drafter, 'consent_changes_requested');
      if (decision?.outcome === 'approve' && state.status === 'REQUESTED') return to(drafter, 'consent_approved');
      return [];
  }
}

export function createConsentActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * The writes of one transition, in one transaction. Idempotent: the audit entry is keyed by the
     * state's version, the decision by its id, the mail by version, kind and recipient, and the
     * projection skips versions it has seen, so a retried or replayed call writes nothing twice.
     */
    async recordConsentTransition(input: ConsentTransition): Promise<void> {
      const transition = ConsentTransition.parse(input);
      const { state, at, actorId, action, ref, decision, answer } = transition;
      const when = new Date(at);
      await sql.begin(async (tx) => {
        await projectConsent(tx, state);
        const audience = await audienceFor(tx, transition);
        if (decision) {
          const { decisionId, ...decided } = decision;
          await insertConsentDecision(tx, { ...decided, id: decisionId, consentId: state.consentId, actorId: actorId!, contentSha256: state.current.contentSha256, decidedAt: when });
        }
        await appendAudit(tx, {
          eventKey: `consent-${state.consentId}/v${state.version}`,
          at: when,
          actorId,
          action,
          noteId: null,
          details: {
            consentId: state.consentId,
            status: state.status,
            stage: state.stage,
            revision: state.current.revision,
            contentSha256: state.current.contentSha256,
            ...(ref ? { ref } : {}),
            ...(decision ? { decisionId: decision.decisionId, outcome: decision.outcome, decidedStage: decision.stage } : {}),
            ...(answer ? { answer, answerId: state.answerId } : {}),
            ...(audience.length ? { recipients: audience.map((a) => a.personId) } : {}),
          },
        });
        for (const { personId, kind, decides } of audience) {
          await queueConsentMail(tx, {
            key: `consent-${state.consentId}/v${state.version}/${kind}/${personId}`,
            consentId: state.consentId,
            recipientId: personId,
            kind,
            stage: state.stage,
            revision: state.current.revision,
            // A review mail names the stage's due time; one about the answer, the answer's.
            dueAt: state.stage ? state.stageDueAt : state.answerDueAt,
            linkId: decides ? randomUUID() : null,
            createdAt: when,
          });
        }
      });
    },
  };
}
