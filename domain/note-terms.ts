import { z } from 'zod';

/**
 * The terms a note is written in (criteria, ratings, forms of cooperation, classifications), apart from
 * the content's schema: workflows use these, and every execution builds the schemas of the modules
 * it loads, so the content's schema (never used there) stays out of them.
 */

/** The five statutory criteria of Wiv 2017 art. 88 (DOMAIN.md), in the order a note treats them. */
export const CRITERIA = [
  'democraticEmbedding',
  'humanRights',
  'professionalism',
  'legalPowers',
  'dataProtection',
] as const;
export type Criterion = (typeof CRITERIA)[number];

export const RiskRating = z.enum(['low', 'medium', 'high']);
export type RiskRating = z.infer<typeof RiskRating>;

export const COOPERATION_FORMS = [
  'evaluated_intelligence_exchange',
  'unevaluated_data_provision',
  'technical_operational_support',
  'assistance_requests',
  'joint_operations',
] as const;
export const CooperationForm = z.enum(COOPERATION_FORMS);
export type CooperationForm = z.infer<typeof CooperationForm>;

export const Classification = z.enum(['departementaal_vertrouwelijk', 'stg_confidentieel', 'stg_geheim', 'stg_zeer_geheim']);
export type Classification = z.infer<typeof Classification>;
