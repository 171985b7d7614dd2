import { CRITERIA, NoteContent, findGaps } from '../domain/note-content';
import type { Criterion } from '../domain/note-content';

/** A note with nothing missing: every criterion rated low, overall medium, so no mitigations are needed. */
function complete(change: (content: NoteContent) => void = () => undefined): NoteContent {
  const content = NoteContent.parse({
    nationalSecurityInterest: 'Counter-terrorism information on returning fighters.',
    criteria: Object.fromEntries(CRITERIA.map((c) => [c, { findings: `Findings on ${c}.`, sources: ['public report'], rating: 'low' }])),
    overallRisk: 'medium',
    weighing: 'The interest outweighs the risk under the conditions below.',
    mitigations: '',
    permittedCooperation: ['evaluated_intelligence_exchange'],
    classification: 'stg_geheim',
    reviewDate: '2028-01-01',
  });
  change(content);
  return content;
}

/** Submitted on 2026-11-23, review dates allowed up to five years ahead. */
const WINDOW = { now: new Date('2026-11-23T10:00:00Z'), maxAheadMs: 1826 * 24 * 3600 * 1000 };
const fieldsOf = (content: NoteContent): string[] => findGaps(content, WINDOW).map((gap) => gap.field);

describe('findGaps', () => {
  it('lists every gap of an empty draft, each with a reason (the review date is optional)', () => {
    const gaps = findGaps(NoteContent.parse({}), WINDOW);
    expect(gaps.map((gap) => gap.field)).toEqual([
      'nationalSecurityInterest',
      ...CRITERIA.flatMap((c) => [`criteria.${c}.findings`, `criteria.${c}.rating`]),
      'overallRisk',
      'weighing',
      'permittedCooperation',
      'classification',
    ]);
    for (const gap of gaps) expect(gap.problem.trim()).not.toBe('');
  });

  it('finds none in a complete note', () => {
    expect(findGaps(complete(), WINDOW)).toEqual([]);
  });

  it.each<[string, (content: NoteContent) => void, string[]]>([
    ['blank national-security interest', (n) => void (n.nationalSecurityInterest = '   '), ['nationalSecurityInterest']],
    ['no overall risk', (n) => void (n.overallRisk = null), ['overallRisk']],
    ['blank weighing', (n) => void (n.weighing = '\n\t'), ['weighing']],
    ['no permitted form of cooperation', (n) => void (n.permittedCooperation = []), ['permittedCooperation']],
    ['no classification', (n) => void (n.classification = null), ['classification']],
    ['no review date (optional: reviewed a policy period after adoption)', (n) => void (n.reviewDate = null), []],
    ['a review date in the past', (n) => void (n.reviewDate = '2025-01-01'), ['reviewDate']],
    ['a review date of today', (n) => void (n.reviewDate = '2026-11-23'), ['reviewDate']],
    ['a review date of tomorrow', (n) => void (n.reviewDate = '2026-11-24'), []],
    ['a review date on the last day of the window', (n) => void (n.reviewDate = '2031-11-23'), []],
    ['a review date past the window', (n) => void (n.reviewDate = '2031-11-24'), ['reviewDate']],
    ['overall risk high without mitigations', (n) => void (n.overallRisk = 'high'), ['mitigations']],
    ['overall risk high with blank mitigations', (n) => void Object.assign(n, { overallRisk: 'high', mitigations: '  ' }), ['mitigations']],
    ['overall risk high with mitigations', (n) => void Object.assign(n, { overallRisk: 'high', mitigations: 'Only evaluated reports.' }), []],
    ['overall risk low without mitigations', (n) => void (n.overallRisk = 'low'), []],
  ])('%s', (_name, change, fields) => {
    expect(fieldsOf(complete(change))).toEqual(fields);
  });

  describe.each<Criterion>([...CRITERIA])('criterion %s', (criterion) => {
    it.each<[string, Partial<NoteContent['criteria'][Criterion]>, string[]]>([
      ['blank findings', { findings: '  ' }, ['findings']],
      ['no rating', { rating: null }, ['rating']],
      ['rated high without mitigations', { rating: 'high' }, ['mitigations']],
      ['rated high with blank mitigations', { rating: 'high', mitigations: ' \n ' }, ['mitigations']],
      ['rated high with mitigations', { rating: 'high', mitigations: 'Exchange limited to evaluated reports.' }, []],
      ['rated medium without mitigations', { rating: 'medium' }, []],
      ['nothing at all', { findings: '', rating: null }, ['findings', 'rating']],
    ])('%s: %j', (_name, change, fields) => {
      const content = complete((n) => Object.assign(n.criteria[criterion], change));
      expect(fieldsOf(content)).toEqual(fields.map((f) => `criteria.${criterion}.${f}`));
    });
  });
});
