import { z } from 'zod';
import { line } from './text';

export const PartnerInput = z
  .object({
    name: line(200).trim().min(2),
    country: line(100).trim().min(2),
    kind: z.enum(['military', 'civil', 'combined']),
    relationship: z.enum(['bilateral', 'nato', 'eu', 'other_multilateral']),
    srmPriority: z.number().int().min(1).max(5).describe('SRM priority, 1 = highest'),
  })
  .strict();
export type PartnerInput = z.infer<typeof PartnerInput>;

/** What a change to a partner names: any of its fields, at least one. */
export const PartnerChange = PartnerInput.partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'name at least one of name, country, kind, relationship, srmPriority');
export type PartnerChange = z.infer<typeof PartnerChange>;

export const Partner = PartnerInput.extend({ id: z.uuid(), createdAt: z.iso.datetime() });
export type Partner = z.infer<typeof Partner>;
