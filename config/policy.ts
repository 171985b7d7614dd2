import type { ConsentPolicy } from '../domain/consent';
import type { Policy } from '../domain/pipeline';
import type { Config } from './env';

/** The pipeline's configurable rules, as each new note's workflow carries them for its whole life. */
export function policyFrom(config: Config): Policy {
  return {
    quorum: { default: config.QUORUM_DEFAULT, legalHighRisk: config.QUORUM_LEGAL_HIGH_RISK },
    stageDueMs: {
      TEAM_REVIEW: config.DUE_TEAM_REVIEW,
      LEGAL_REVIEW: config.DUE_LEGAL_REVIEW,
      HEAD_OF_SERVICE: config.DUE_HEAD_OF_SERVICE,
      MINISTER: config.DUE_MINISTER,
    },
    reminderIntervalMs: config.REMINDER_INTERVAL,
    escalateAfterReminders: config.ESCALATE_AFTER_REMINDERS,
    escalationRole: config.ESCALATION_ROLE,
    // The single period of policies before the cadence; with a cadence it serves only a note without a risk rating.
    reviewPeriodMs: config.REVIEW_CADENCE_MEDIUM,
    reviewCadence: { high: config.REVIEW_CADENCE_HIGH, medium: config.REVIEW_CADENCE_MEDIUM, low: config.REVIEW_CADENCE_LOW, priority1MaxMs: config.REVIEW_CADENCE_PRIORITY_1_MAX },
    reviewReminderLeadMs: config.REVIEW_REMINDER_LEAD,
    conditionDueMs: config.CONDITION_DUE,
  };
}

/** The rules each new consent request's workflow carries for its whole life. */
export function consentPolicyFrom(config: Config): ConsentPolicy {
  return {
    stageDueMs: { LEGAL_REVIEW: config.CONSENT_DUE_LEGAL_REVIEW, HEAD_OF_SERVICE: config.CONSENT_DUE_HEAD_OF_SERVICE },
    reminderIntervalMs: config.REMINDER_INTERVAL,
    escalateAfterReminders: config.ESCALATE_AFTER_REMINDERS,
    escalationRole: config.ESCALATION_ROLE,
    answerDueMs: config.CONSENT_ANSWER_DUE,
    answerReminderIntervalMs: config.CONSENT_REMINDER_INTERVAL,
    lapseAfterMs: config.CONSENT_LAPSE_AFTER,
  };
}
