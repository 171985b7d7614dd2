import { z } from 'zod';
import { READS_EVERY_NOTE, type ReadGrant } from './need-to-know';
import { CooperationForm, RiskRating } from './note-content';
import { PartnerKind, Relationship, RelationshipKind } from './partner';
import { NoteStatus, SrmPriority, Stage } from './pipeline';
import { type Actor, hasRole, type Role } from './roles';

/**
 * The partner portfolio (issue 12): every partner with its relationships, SRM priority and the state
 * of its current note, and the oversight committee's recurring findings flagged: cooperation without
 * an ACTIVE note, and ACTIVE notes past their review date.
 *
 * Need to know: the portfolio names partners beside their notes' states and risk. It is read by those
 * who read every note (the head of service, who answers for every relation, and the auditor), who see
 * every partner, notes or none; and by the minister, who sees the partners whose current note she may
 * read (it reached her stage), and of each only the notes she may read. No one else reads it: a
 * drafter or reviewer reads the notes they may read through the list of notes.
 */
export const PORTFOLIO_READERS: Role[] = [...READS_EVERY_NOTE, 'minister'];

export const mayReadPortfolio = (actor: Actor) => hasRole(actor, ...PORTFOLIO_READERS);

/** What the database knows of a note of the partner, and whether this viewer may read it (`domain/need-to-know`, in SQL). */
export interface NoteFacts {
  id: string;
  status: NoteStatus;
  stage: Stage | null;
  overallRisk: RiskRating | null;
  /** The review date of an ACTIVE note, and whether it has passed. */
  reviewDueAt: string | null;
  reviewOverdue: boolean;
  /** The permitted forms of the revision it holds (of the ACTIVE note: those in force). */
  permittedCooperation: CooperationForm[];
  readable: boolean;
}

/** A partner as the database knows it: its ACTIVE note and the note in progress (a first assessment or a re-assessment), each the newest. */
export interface PartnerFacts {
  partnerId: string;
  name: string;
  country: string;
  kind: PartnerKind;
  relationships: Relationship[];
  srmPriority: number | null;
  active: NoteFacts | null;
  inProgress: NoteFacts | null;
  /** Open conditions of its notes the viewer may read. */
  openConditions: number;
}

export const PORTFOLIO_FLAGS = ['no_active_note', 'review_overdue'] as const;
export const PortfolioFlag = z.enum(PORTFOLIO_FLAGS);
export type PortfolioFlag = z.infer<typeof PortfolioFlag>;

/**
 * The oversight committee's recurring findings: cooperation recorded (a relationship at least) with no
 * ACTIVE note to allow it, and an ACTIVE note past its review date, its re-assessment owed.
 */
export function flagsOf(partner: Pick<PartnerFacts, 'relationships' | 'active'>): PortfolioFlag[] {
  const flags: PortfolioFlag[] = [];
  if (partner.relationships.length > 0 && !partner.active) flags.push('no_active_note');
  if (partner.active?.reviewOverdue) flags.push('review_overdue');
  return flags;
}

const NoteState = z.object({ id: z.uuid(), status: NoteStatus, stage: Stage.nullable() });

export const PortfolioRow = z.object({
  partnerId: z.uuid(),
  name: z.string(),
  country: z.string(),
  kind: PartnerKind,
  relationships: z.array(Relationship),
  srmPriority: SrmPriority.nullable().describe('Null until the head of service sets one'),
  note: NoteState.extend({
    overallRisk: RiskRating.nullable(),
    reviewDueAt: z.string().nullable().describe('The review date of an ACTIVE note'),
    reviewOverdue: z.boolean().describe('ACTIVE past its review date'),
  })
    .nullable()
    .describe('The partner’s current note: the ACTIVE one, else the one in progress; null when it has none (or none the caller may read)'),
  reassessment: NoteState.nullable().describe('A re-assessment in progress beside the ACTIVE note, when the caller may read it'),
  permittedCooperation: z.array(CooperationForm).describe('The forms of cooperation the ACTIVE note permits; none without one'),
  openConditions: z.number().int().describe('Open conditions of the partner’s notes the caller may read'),
  flags: z.array(PortfolioFlag).describe('`no_active_note`: cooperation recorded without an ACTIVE note; `review_overdue`: the ACTIVE note is past its review date'),
});
export type PortfolioRow = z.infer<typeof PortfolioRow>;

/** The partner as this viewer's portfolio shows it, or nothing when it is not theirs to see (see `PORTFOLIO_READERS`). */
export function portfolioRow(facts: PartnerFacts, grant: ReadGrant): PortfolioRow | undefined {
  const mayRead = (note: NoteFacts | null) => !!note && (grant.everyNote || note.readable);
  const current = facts.active ?? facts.inProgress;
  if (!grant.everyNote && !mayRead(current)) return undefined;
  const reassessment = facts.active && mayRead(facts.inProgress) ? facts.inProgress : null;
  const state = (note: NoteFacts) => ({ id: note.id, status: note.status, stage: note.stage });
  return {
    partnerId: facts.partnerId,
    name: facts.name,
    country: facts.country,
    kind: facts.kind,
    relationships: facts.relationships,
    srmPriority: facts.srmPriority,
    note: current && { ...state(current), overallRisk: current.overallRisk, reviewDueAt: current.reviewDueAt, reviewOverdue: current.reviewOverdue },
    reassessment: reassessment && state(reassessment),
    permittedCooperation: facts.active?.permittedCooperation ?? [],
    openConditions: facts.openConditions,
    flags: flagsOf(facts),
  };
}

/** A choice of a filter that matches what is not there: no priority, no rated risk, no current note. */
const NONE = 'none';
export const PORTFOLIO_SORTS = ['name', 'priority', 'review_date', 'risk'] as const;
/** Risks from the highest, as the portfolio sorts and charts them; null: not rated, or no note. */
export const RISKS_HIGH_FIRST: (RiskRating | null)[] = ['high', 'medium', 'low', null];
/** SRM priorities from the highest; null: not set. */
export const PRIORITIES_HIGH_FIRST: (number | null)[] = [1, 2, 3, 4, null];

export const PortfolioFilter = z.object({
  relationship: RelationshipKind.optional().describe('Partners with this kind of relationship'),
  priority: z.enum(['1', '2', '3', '4', NONE]).optional().describe('Partners with this SRM priority; `none`: without one'),
  risk: z.enum([...RiskRating.options, NONE]).optional().describe('Partners whose current note has this overall risk; `none`: not rated, or no note'),
  status: z.enum(['DRAFT', 'IN_REVIEW', 'ACTIVE', NONE]).optional().describe('Partners whose current note has this status; `none`: no current note'),
  flagged: z
    .enum(['true', 'false'])
    .transform((flagged) => flagged === 'true')
    .optional()
    .describe('`true`: flagged partners only; `false`: those not flagged'),
  sort: z.enum(PORTFOLIO_SORTS).default('name').describe('Flagged partners first, then by name, SRM priority (the highest first), review date (the soonest first) or overall risk (the highest first)'),
});
export type PortfolioFilter = z.infer<typeof PortfolioFilter>;

const riskOf = (row: PortfolioRow) => row.note?.overallRisk ?? null;
const choice = (value: string | number | null) => (value === null ? NONE : String(value));

/** Whether the row is one the filter selects. */
export function selects(filter: PortfolioFilter, row: PortfolioRow): boolean {
  return (
    (!filter.relationship || row.relationships.some((r) => r.kind === filter.relationship)) &&
    (!filter.priority || choice(row.srmPriority) === filter.priority) &&
    (!filter.risk || choice(riskOf(row)) === filter.risk) &&
    (!filter.status || choice(row.note?.status ?? null) === filter.status) &&
    (filter.flagged === undefined || row.flags.length > 0 === filter.flagged)
  );
}

/** A sort key: ascending numbers, the missing last. */
const rank = (order: readonly unknown[], value: unknown) => order.indexOf(value);
const KEY: Record<PortfolioFilter['sort'], (row: PortfolioRow) => number> = {
  name: () => 0,
  priority: (row) => rank(PRIORITIES_HIGH_FIRST, row.srmPriority),
  review_date: (row) => (row.note?.reviewDueAt ? Date.parse(row.note.reviewDueAt) : Infinity),
  risk: (row) => rank(RISKS_HIGH_FIRST, riskOf(row)),
};

/** The rows in the portfolio's order: the flagged first (the committee's findings at the top), then by the chosen key, then by name. */
export function sortRows(rows: readonly PortfolioRow[], sort: PortfolioFilter['sort']): PortfolioRow[] {
  const key = KEY[sort];
  const byName = (a: PortfolioRow, b: PortfolioRow) => a.name.localeCompare(b.name, 'en') || a.country.localeCompare(b.country, 'en') || a.partnerId.localeCompare(b.partnerId);
  return [...rows].sort((a, b) => Number(b.flags.length > 0) - Number(a.flags.length > 0) || key(a) - key(b) || byName(a, b));
}

/** How many partners have each flag. */
export function flagCounts(rows: readonly PortfolioRow[]): Record<PortfolioFlag, number> {
  return { no_active_note: rows.filter((r) => r.flags.includes('no_active_note')).length, review_overdue: rows.filter((r) => r.flags.includes('review_overdue')).length };
}

export interface RiskPriorityCell {
  risk: RiskRating | null;
  priority: number | null;
  partners: number;
}

/** Partners by overall risk and SRM priority: every cell, the highest risk and priority first, empty ones as 0. */
export function riskByPriority(rows: readonly PortfolioRow[]): RiskPriorityCell[] {
  return RISKS_HIGH_FIRST.flatMap((risk) =>
    PRIORITIES_HIGH_FIRST.map((priority) => ({ risk, priority, partners: rows.filter((row) => riskOf(row) === risk && row.srmPriority === priority).length })),
  );
}
