import { CRITERIA, NoteContent } from '../domain/note-content';

const emptyCriterion = { findings: '', sources: [], rating: null, mitigations: '' };

describe('NoteContent', () => {
  it('parses {} to a complete empty draft', () => {
    expect(NoteContent.parse({})).toEqual({
      nationalSecurityInterest: '',
      criteria: Object.fromEntries(CRITERIA.map((c) => [c, emptyCriterion])),
      overallRisk: null,
      weighing: '',
      mitigations: '',
      permittedCooperation: [],
      classification: null,
      reviewDate: null,
    });
  });

  it('fills the missing criteria and fields of a partial draft', () => {
    const parsed = NoteContent.parse({ criteria: { humanRights: { rating: 'high' } }, reviewDate: '2026-02-28' });
    expect(parsed.criteria.humanRights).toEqual({ ...emptyCriterion, rating: 'high' });
    expect(parsed.criteria.dataProtection).toEqual(emptyCriterion);
    expect(parsed.reviewDate).toBe('2026-02-28');
  });

  it.each<[string, unknown]>([
    ['an unknown top-level key', { summary: 'x' }],
    ['an unknown criterion', { criteria: { loyalty: {} } }],
    ['an unknown key inside a criterion', { criteria: { humanRights: { score: 3 } } }],
    ['a criterion rating outside low/medium/high', { criteria: { legalPowers: { rating: 'critical' } } }],
    ['an overall risk outside low/medium/high', { overallRisk: 'none' }],
    ['a duplicate permitted form of cooperation', { permittedCooperation: ['joint_operations', 'joint_operations'] }],
    ['an unknown form of cooperation', { permittedCooperation: ['espionage'] }],
    ['a review date that is not a date', { reviewDate: 'next year' }],
    ['a review date with a time', { reviewDate: '2026-02-28T10:00:00Z' }],
    ['an impossible review date', { reviewDate: '2026-02-30' }],
  ])('refuses %s', (_name, input) => {
    expect(NoteContent.safeParse(input).success).toBe(false);
  });
});
