import { z } from 'zod';
import { COOPERATION_FORMS, CRITERIA, CooperationForm, type Criterion, Classification, RiskRating } from './note-terms';
import { freeText, line } from './text';

export { CRITERIA, type Criterion, RiskRating, COOPERATION_FORMS, CooperationForm, Classification } from './note-terms';

const text = freeText(50_000);

export const CriterionAssessment = z
  .object({
    findings: text.default(''),
    sources: z.array(line(2_000).min(1)).max(200).default([]),
    rating: RiskRating.nullable().default(null),
    mitigations: text.default(''),
  })
  .strict();

/**
 * The content of one revision of a weighing note. Drafts may be incomplete, so every field
 * has an empty default; what makes a note complete enough to submit is checked separately.
 */
export const NoteContent = z
  .object({
    nationalSecurityInterest: text.default(''),
    criteria: z
      .object({
        democraticEmbedding: CriterionAssessment.prefault({}),
        humanRights: CriterionAssessment.prefault({}),
        professionalism: CriterionAssessment.prefault({}),
        legalPowers: CriterionAssessment.prefault({}),
        dataProtection: CriterionAssessment.prefault({}),
      } satisfies Record<Criterion, unknown>)
      .strict()
      .prefault({}),
    overallRisk: RiskRating.nullable().default(null),
    weighing: text.default(''),
    mitigations: text.default(''),
    permittedCooperation: z
      .array(CooperationForm)
      .max(COOPERATION_FORMS.length)
      .refine((forms) => new Set(forms).size === forms.length, 'each form of cooperation at most once')
      .default([]),
    classification: Classification.nullable().default(null),
    reviewDate: z.iso.date().nullable().default(null),
  })
  .strict();
export type NoteContent = z.output<typeof NoteContent>;
export type NoteContentInput = z.input<typeof NoteContent>;

export interface Gap {
  field: string;
  problem: string;
}

/** When a review date may fall, seen from the moment of submitting: after today, and not too far off. */
export interface ReviewWindow {
  now: Date;
  /** How far ahead a review date may lie (REVIEW_DATE_MAX, five years by default). */
  maxAheadMs: number;
}

/**
 * What a note lacks before it may be submitted: every criterion needs findings and a rating, every
 * high rating needs mitigations, and the note as a whole its interest, weighing, risk, forms and
 * classification. The oversight committee faulted real notes for exactly these gaps. A review date
 * is optional (without one, the note is reviewed a configured period after adoption); given, it
 * lies after today and within the window, or the note would be overdue the day it is adopted.
 */
export function findGaps(content: NoteContent, window: ReviewWindow): Gap[] {
  const gaps: Gap[] = [];
  const need = (ok: boolean, field: string, problem: string) => ok || gaps.push({ field, problem });
  need(!!content.nationalSecurityInterest.trim(), 'nationalSecurityInterest', 'state the national-security interest');
  for (const criterion of CRITERIA) {
    const { findings, rating, mitigations } = content.criteria[criterion];
    need(!!findings.trim(), `criteria.${criterion}.findings`, 'findings are required');
    need(rating !== null, `criteria.${criterion}.rating`, 'a risk rating is required');
    need(rating !== 'high' || !!mitigations.trim(), `criteria.${criterion}.mitigations`, 'a high rating needs mitigations');
  }
  need(content.overallRisk !== null, 'overallRisk', 'the overall risk is required');
  need(content.overallRisk !== 'high' || !!content.mitigations.trim(), 'mitigations', 'a high overall risk needs mitigations');
  need(!!content.weighing.trim(), 'weighing', 'weigh the interest against the risk');
  need(content.permittedCooperation.length > 0, 'permittedCooperation', 'name at least one permitted form of cooperation');
  need(content.classification !== null, 'classification', 'the classification is required');
  if (content.reviewDate) {
    const { today, latest } = reviewDateBounds(window);
    need(content.reviewDate > today, 'reviewDate', 'the review date must lie after today');
    need(content.reviewDate <= latest, 'reviewDate', `the review date may lie no later than ${latest}`);
  }
  return gaps;
}

/** The days around a review date's window (`YYYY-MM-DD`, UTC): it lies after `today` and no later than `latest`. */
export function reviewDateBounds(window: ReviewWindow): { today: string; latest: string } {
  const day = (at: Date) => at.toISOString().slice(0, 10);
  return { today: day(window.now), latest: day(new Date(window.now.getTime() + window.maxAheadMs)) };
}
