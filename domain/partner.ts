import { z } from 'zod';
import { SrmPriority } from './pipeline';
import type { Role } from './roles';
import { freeText, line } from './text';

/** How the service cooperates with a partner (DOMAIN.md), in this order wherever they are listed. */
export const RELATIONSHIP_KINDS = ['bilateral', 'nato', 'eu', 'other_multilateral'] as const;
export const RelationshipKind = z.enum(RELATIONSHIP_KINDS);
export type RelationshipKind = z.infer<typeof RelationshipKind>;

/** Today in UTC, as a date (`2026-11-28`): a relationship cannot have begun after it. */
const today = () => new Date().toISOString().slice(0, 10);

export const Relationship = z
  .object({
    kind: RelationshipKind,
    since: z.iso
      .date()
      .refine((day) => day >= '1900-01-01' && day <= today(), 'must lie between 1900-01-01 and today')
      .describe('The day the relationship began (YYYY-MM-DD)'),
  })
  .strict();
export type Relationship = z.infer<typeof Relationship>;

/** A partner's relationships: at least one, each kind once. */
export const Relationships = z
  .array(Relationship)
  .min(1, 'name at least one relationship')
  .refine((relationships) => new Set(relationships.map((r) => r.kind)).size === relationships.length, 'name each kind of relationship once')
  .describe('Each kind of relationship once, with the day it began; at least one');

/** A partner's relationships in one order (that of `RELATIONSHIP_KINDS`), so that two lists of the same compare equal. */
export const inKindOrder = (relationships: readonly Relationship[]): Relationship[] =>
  [...relationships].sort((a, b) => RELATIONSHIP_KINDS.indexOf(a.kind) - RELATIONSHIP_KINDS.indexOf(b.kind));

export const PartnerKind = z.enum(['military', 'civil', 'combined']);
export type PartnerKind = z.infer<typeof PartnerKind>;

/** What registering a partner names, and what a change may: its SRM priority is the head of service's, set apart. */
export const PartnerInput = z
  .object({
    name: line(200).trim().min(2),
    country: line(100).trim().min(2),
    kind: PartnerKind,
    relationships: Relationships,
  })
  .strict();
export type PartnerInput = z.infer<typeof PartnerInput>;

/** What a change to a partner names: any of its fields, at least one; `relationships` replaces them all. */
export const PartnerChange = PartnerInput.partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'name at least one of name, country, kind, relationships');
export type PartnerChange = z.infer<typeof PartnerChange>;

export const Partner = PartnerInput.extend({
  id: z.uuid(),
  srmPriority: SrmPriority.nullable().describe('SRM priority, 1 the highest and 4 the lowest; null until the head of service sets one'),
  createdAt: z.iso.datetime(),
});
export type Partner = z.infer<typeof Partner>;

/** Who sets a partner's SRM priority (issue 12): the head of service alone, who answers for every relation. */
export const SRM_PRIORITY_SETTERS: Role[] = ['head_of_service'];

export const SrmPriorityInput = z
  .object({
    priority: SrmPriority.describe('1 the highest, 4 the lowest'),
    justification: freeText(5_000).trim().min(1).describe('Why the partner has this priority: kept with the setting, in PostgreSQL only'),
  })
  .strict();
export type SrmPriorityInput = z.infer<typeof SrmPriorityInput>;

/** One setting of a partner's SRM priority: who, when, from what, to what, and why. */
export const SrmPriorityEntry = z.object({
  id: z.uuid(),
  partnerId: z.uuid(),
  priority: SrmPriority,
  previous: SrmPriority.nullable().describe('The priority before; null for the first setting'),
  justification: z.string(),
  setBy: z.string().nullable().describe('The person who set it; null where the system did (priorities carried over from registration)'),
  setByName: z.string().nullable(),
  setAt: z.iso.datetime(),
});
export type SrmPriorityEntry = z.infer<typeof SrmPriorityEntry>;
