import type { Sql } from '../db/client';
import { createConditionActivities } from './conditions';
import { createConsentActivities } from './consent-transition';
import { createMailDeliveryActivities, type MailConfig, type ReviewLinkConfig } from './mail-delivery';
import { createReadModelActivities } from './read-model';
import { createReassessmentActivities } from './reassessment';

export interface ActivityDeps {
  sql: Sql;
  mail: MailConfig;
  links: ReviewLinkConfig;
}

/** Every activity the worker registers, built from the clients it is handed (real ones in tests too). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps),
    ...createReassessmentActivities(deps),
    ...createMailDeliveryActivities(deps),
    ...createConditionActivities(deps),
    ...createConsentActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
