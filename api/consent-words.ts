import type { Sql } from '../db/client';
import type { ConsentView } from '../db/consents';
import { isOrganisation, type Recipient } from '../domain/consent';
import { DECISION_VERB } from '../domain/note-story';
import { COOPERATION_FORM_NAME, ORGANISATION_NAME, reviewOf, utcMinute } from '../domain/wording';

/**
 * A consent request as people read it on a page (the review link's, the staff pages'): the partners by
 * name and country, the recipient in words, decisions as sentences.
 */

/** Partners by name and country (`name, country`), by id. */
export async function partnerNamesOf(sql: Sql, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await sql<{ id: string; name: string; country: string }[]>`select id, name, country from partners where id in ${sql([...new Set(ids)])}`;
  return new Map(rows.map((p) => [p.id, `${p.name}, ${p.country}`]));
}

/** The partners a request names: its originator, and its recipient unless that is NATO or the EU. */
export const partnersOf = (request: Pick<ConsentView, 'originatorId' | 'content'>) => [request.originatorId, ...(isOrganisation(request.content.recipient) ? [] : [request.content.recipient])];

export const recipientInWords = (recipient: Recipient, names: Map<string, string>) => (isOrganisation(recipient) ? ORGANISATION_NAME[recipient] : (names.get(recipient) ?? '—'));

/** The request's facts as a definition list: originator, recipient, information, form. */
export function consentFacts(request: Pick<ConsentView, 'originatorId' | 'content'>, names: Map<string, string>): [string, string][] {
  const { recipient, informationRef, form } = request.content;
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return [
    ['Originating partner', names.get(request.originatorId) ?? '—'],
    ['Recipient', recipientInWords(recipient, names)],
    ['Information (reference)', informationRef],
    ['Form of cooperation', capital(COOPERATION_FORM_NAME[form])],
  ];
}

/** A decision in a sentence: `Daan Visser approved revision 1 at legal review on 2026-11-28 05:10 UTC.` */
export const decisionLine = (d: ConsentView['decisions'][number]) => `${d.actorName} ${DECISION_VERB[d.outcome]} revision ${d.revision} at ${reviewOf(d.stage)} on ${utcMinute(d.decidedAt)}.`;
