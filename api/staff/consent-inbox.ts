import { openConsentsOf } from '../../db/consents';
import type { PageRequest } from '../../db/page';
import { CONSENT_STAGES } from '../../domain/consent';
import { STAGE_ROLE } from '../../domain/pipeline';
import { type Actor, hasRole } from '../../domain/roles';
import type { RouteDeps } from '../app-deps';
import { partnerNamesOf } from '../consent-words';
import { consentRow } from './consent-rows';

/**
 * The inbox's section on consent requests: for legal advisers and the head of service, the requests
 * they may decide on now (oldest due first); for a drafter, their requests under way (the answer due
 * soonest first, an overdue one marked). Absent for anyone else.
 */
export async function consentInboxView({ sql, consentService }: Pick<RouteDeps, 'sql' | 'consentService'>, actor: Actor, page: PageRequest) {
  const decides = hasRole(actor, ...CONSENT_STAGES.map((stage) => STAGE_ROLE[stage]));
  const drafts = hasRole(actor, 'drafter');
  if (!decides && !drafts) return undefined;
  const [toDecide, mine] = await Promise.all([decides ? consentService.tasks(actor, page) : undefined, drafts ? openConsentsOf(sql, actor.id, page) : undefined]);
  const names = await partnerNamesOf(sql, [...(toDecide?.items ?? []), ...(mine?.items ?? [])].map((c) => c.originatorId));
  const now = Date.now();
  const rows = (list: typeof toDecide) => list && { rows: list.items.map((c) => consentRow(c, names, now)), total: list.total };
  return { toDecide: rows(toDecide), mine: rows(mine) };
}
