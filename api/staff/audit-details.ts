import { z } from 'zod';
import { RelationshipKind } from '../../domain/partner';
import type { Outcome } from '../../domain/pipeline';
import { noteRef, PARTNER_KIND_NAME, RELATIONSHIP_NAME, relationshipsInWords, ROLE_NAME, srmPriorityName, STAGE_NAME, STATUS_NAME } from '../../domain/wording';

/**
 * The details of an audit entry in words. The trail holds references, hashes and codes only, never
 * content (`db/audit.ts`), so every detail may be shown; each is named and, where it is a code, said
 * as people read it. A detail this module does not know is shown by its name, split into words.
 */

export interface DetailLine {
  label: string;
  text: string;
}

/** People by id, to name who was mailed or changed. */
export type Names = ReadonlyMap<string, string>;

const LABEL: Record<string, string> = {
  status: 'status',
  stage: 'stage',
  decidedStage: 'decided at',
  revision: 'revision',
  contentSha256: 'content hash',
  outcome: 'outcome',
  decisionId: 'decision',
  ref: 'reference',
  reassessment: 're-assessment',
  reassesses: 're-assesses',
  recipients: 'mailed to',
  partnerId: 'partner',
  personId: 'person',
  via: 'signed in through',
  ip: 'client address',
  method: 'request',
  what: 'what was read',
  count: 'items read',
  srmPriority: 'SRM priority',
  srmPriorityEntry: 'SRM priority setting',
};

const OUTCOME_NAME: Record<Outcome, string> = { approve: 'approved', reject: 'rejected', request_changes: 'changes requested' };
const VIA_NAME: Record<string, string> = { development: 'the development sign-in', oidc: 'the identity provider' };

/** A partner's relationships as `partner.updated` keeps them. */
const StoredRelationships = z.array(z.object({ kind: RelationshipKind, since: z.iso.date() }));

const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replaceAll('_', ' ').toLowerCase();
const personIn = (names: Names) => (id: unknown) => (typeof id === 'string' && names.has(id) ? `${names.get(id)} (${id})` : String(id));
const from = (table: Record<string, string>) => (value: unknown) => table[String(value)] ?? words(String(value));

/** How the value of each known detail reads. */
function valueWords(names: Names): Record<string, (value: unknown) => string> {
  const person = personIn(names);
  return {
    // A refused attempt's status is the HTTP status it was answered with, a number.
    status: from(STATUS_NAME),
    stage: from(STAGE_NAME),
    decidedStage: from(STAGE_NAME),
    outcome: from(OUTCOME_NAME),
    contentSha256: (value) => `${String(value).slice(0, 12)}…`,
    reassessment: (value) => noteRef(String(value)),
    reassesses: (value) => noteRef(String(value)),
    notes: (value) => [value].flat().map((id) => noteRef(String(id))).join(', '),
    recipients: (value) => [value].flat().map(person).join(', '),
    personId: person,
    roles: (value) => [value].flat().map(from(ROLE_NAME)).join(', '),
    active: (value) => (value ? 'yes' : 'no'),
    kind: from(PARTNER_KIND_NAME),
    relationship: from(RELATIONSHIP_NAME),
    srmPriority: (value) => srmPriorityName(Number(value)),
    priorityBefore: (value) => srmPriorityName(Number(value)),
    priorityAfter: (value) => srmPriorityName(Number(value)),
    relationships: (value) => {
      const relationships = StoredRelationships.safeParse(value);
      return relationships.success ? relationshipsInWords(relationships.data) : JSON.stringify(value);
    },
    via: from(VIA_NAME),
  };
}

/** Each detail of an entry as a line: a record before and after a change reads as its fields, in words. */
export function detailsInWords(details: Record<string, unknown>, names: Names): DetailLine[] {
  const said = valueWords(names);
  const text = (key: string, value: unknown): string => {
    if (value === null || value === undefined) return 'none';
    if (typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value)
        .map(([inner, innerValue]) => `${LABEL[inner] ?? words(inner)} ${text(inner, innerValue)}`)
        .join('; ');
    }
    return said[key]?.(value) ?? [value].flat().map(String).join(', ');
  };
  return Object.entries(details).map(([key, value]) => ({ label: LABEL[key] ?? words(key), text: text(key, value) }));
}
