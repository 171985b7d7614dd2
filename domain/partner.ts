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

export const Partner = PartnerInput.extend({ id: z.uuid(), createdAt: z.iso.datetime() });
export type Partner = z.infer<typeof Partner>;
