import { z } from 'zod';
import type { ConsentSummary } from '../../db/consents';
import { mayAskConsent } from '../../domain/consent';
import type { Actor } from '../../domain/roles';
import { CONSENT_STATUS_NAME, consentRef, STAGE_NAME, utcMinute } from '../../domain/wording';
import { ApiError } from '../errors';
import { STAFF_PREFIX } from './render';

const Params = z.object({ id: z.uuid() });

/** The request's id from the path; a path naming none is a request that does not exist (the same 404). */
export function consentIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new ApiError(404, 'no such consent request');
  return parsed.data.id;
}

/** The staff pages' address of a consent request's page. */
export const consentPath = (id: string) => `${STAFF_PREFIX}/consents/${id}`;

/** The form that asks a partner's consent to share its information, for those who may ask it; none otherwise. */
export const consentFormFor = (actor: Actor, originatorId: string) => mayAskConsent(actor) && `${STAFF_PREFIX}/consents/new?originator=${originatorId}`;

/** Where a request stands, in words, and whether what it waits for is overdue. */
function whereItStands(c: ConsentSummary, now: number): { text: string; overdue: boolean } {
  const past = (at: string | null) => at !== null && Date.parse(at) < now;
  if (c.status === 'IN_REVIEW' && c.stage) return { text: `${STAGE_NAME[c.stage]}, due ${c.stageDueAt ? utcMinute(c.stageDueAt) : 'not set'}`, overdue: past(c.stageDueAt) };
  if (c.status === 'REQUESTED') return { text: `Answer due ${utcMinute(c.answerDueAt!)}; lapses ${utcMinute(c.lapsesAt!)}`, overdue: past(c.answerDueAt) };
  if (c.status === 'DRAFT') return { text: 'With its drafter', overdue: false };
  return { text: `Ended ${utcMinute(c.updatedAt)}`, overdue: false };
}

/** A request as a row of a table on the staff pages: its reference, its originating partner, and where it stands, in words. */
export function consentRow(c: ConsentSummary, names: Map<string, string>, now = Date.now()) {
  const where = whereItStands(c, now);
  return {
    href: consentPath(c.id),
    ref: consentRef(c.id),
    originator: names.get(c.originatorId) ?? '—',
    status: CONSENT_STATUS_NAME[c.status],
    revision: c.revision,
    where: where.text,
    overdue: where.overdue,
  };
}
