import fc from 'fast-check';
import { fieldId, fieldLabel, formValues, NoteFormBody, type NoteFormValues, readContent } from '../api/staff/note-form';
import { CRITERIA, COOPERATION_FORMS, findGaps, NoteContent } from '../domain/note-content';
import { completeContent } from './support/notes';

/**
 * The draft editor's form and a note's content, each into the other: what browsers post (CRLF line
 * breaks, sources one per line, empty choices, one ticked box or several) read as the content the JSON
 * API would store, checked by the same schema, its issues as sentences beside their fields.
 */

/** A form as a browser posts it: the note's fields by their names, as `@fastify/formbody` parses them. */
function posted(content: NoteContent): Record<string, string | string[]> {
  const values = formValues(content);
  const body: Record<string, string | string[]> = {
    nationalSecurityInterest: values.nationalSecurityInterest,
    overallRisk: values.overallRisk,
    weighing: values.weighing,
    mitigations: values.mitigations,
    permittedCooperation: values.permittedCooperation,
    classification: values.classification,
    reviewDate: values.reviewDate,
  };
  for (const criterion of CRITERIA) for (const [part, value] of Object.entries(values.criteria[criterion])) body[`criteria.${criterion}.${part}`] = value;
  return body;
}
const read = (body: Record<string, unknown>) => readContent(NoteFormBody.parse(body));
const problemsOf = (body: Record<string, unknown>) => {
  const result = read(body);
  if (!('problems' in result)) throw new Error('expected problems');
  return result.problems;
};

describe('a note in the form and back', () => {
  it('reads a complete note shown in the form as the same note', () => {
    const content = NoteContent.parse(completeContent({ permittedCooperation: ['evaluated_intelligence_exchange', 'joint_operations'] }));
    expect(read(posted(content))).toEqual({ content });
  });

  it('keeps any note that a person could have typed, unchanged, through the form and back', () => {
    // Text as a browser can post it: no control characters but tab and LF (a typed CR arrives as part of CRLF).
    /* eslint-disable no-control-regex */
    const typed = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '').normalize('NFC'));
    const source = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => s.replace(/[\u0000-\u001F\u007F-\u009F]/g, '').trim().normalize('NFC')).filter(Boolean);
    /* eslint-enable no-control-regex */
    const rating = fc.constantFrom(null, 'low', 'medium', 'high');
    const criterion = fc.record({ findings: typed, sources: fc.array(source, { maxLength: 3 }), rating, mitigations: typed });
    const note = fc.record({
      nationalSecurityInterest: typed,
      criteria: fc.record(Object.fromEntries(CRITERIA.map((c) => [c, criterion]))),
      overallRisk: rating,
      weighing: typed,
      mitigations: typed,
      permittedCooperation: fc.subarray([...COOPERATION_FORMS]),
      classification: fc.constantFrom(null, 'stg_confidentieel', 'stg_geheim'),
      reviewDate: fc.constantFrom(null, '2027-06-30'),
    });
    fc.assert(
      fc.property(note, (input) => {
        const content = NoteContent.parse(input);
        expect(read(posted(content))).toEqual({ content });
      }),
    );
  });

  it('reads an empty form as an empty draft, as the JSON API creates one without content', () => {
    expect(read({})).toEqual({ content: NoteContent.parse({}) });
  });

  it('keeps line breaks as LF, reads sources one a line without blank lines, and takes one ticked box or several', () => {
    const result = read({
      weighing: 'First line\r\nsecond line\r\n',
      'criteria.humanRights.sources': '  NGO report 2025 \r\n\r\n   \r\nEmbassy cable 14\r\n',
      'criteria.humanRights.rating': 'high',
      permittedCooperation: 'joint_operations',
      reviewDate: ' 2027-06-30 ',
    });
    expect(result).toMatchObject({
      content: {
        weighing: 'First line\nsecond line\n',
        criteria: { humanRights: { sources: ['NGO report 2025', 'Embassy cable 14'], rating: 'high' } },
        permittedCooperation: ['joint_operations'],
        reviewDate: '2027-06-30',
      },
    });
    expect(read({ permittedCooperation: ['joint_operations', 'assistance_requests'] })).toMatchObject({ content: { permittedCooperation: ['joint_operations', 'assistance_requests'] } });
  });

  it('shows a note’s choices by their codes and none chosen as empty', () => {
    const values: NoteFormValues = formValues(NoteContent.parse({ criteria: { legalPowers: { sources: ['A', 'B'], rating: 'low' } } }));
    expect(values.criteria.legalPowers).toEqual({ findings: '', sources: 'A\nB', rating: 'low', mitigations: '' });
    expect([values.overallRisk, values.classification, values.reviewDate]).toEqual(['', '', '']);
  });

  it('refuses a field posted twice, which no form of ours does', () => {
    expect(NoteFormBody.safeParse({ weighing: ['a', 'b'] }).success).toBe(false);
  });
});

describe('what the schema refuses, beside its field in a sentence', () => {
  it.each([
    ['a date that does not exist', { reviewDate: '2027-13-01' }, 'reviewDate', 'Give the date as year-month-day, for example 2027-06-30.'],
    ['a date in words', { reviewDate: 'next spring' }, 'reviewDate', 'Give the date as year-month-day, for example 2027-06-30.'],
    ['text over the limit', { weighing: 'x'.repeat(50_001) }, 'weighing', 'This text is too long: at most 50,000 characters.'],
    ['a control character in text', { 'criteria.dataProtection.findings': 'bell \u0007' }, 'criteria.dataProtection.findings', 'This text must not contain control characters other than tab and line breaks.'],
    ['a control character in a source', { 'criteria.humanRights.sources': 'fine\nbad \u001b[31m' }, 'criteria.humanRights.sources', 'Line 2 must not contain control characters.'],
    ['a source over the limit', { 'criteria.humanRights.sources': `ok\n${'s'.repeat(2_001)}` }, 'criteria.humanRights.sources', 'Line 2 is too long: at most 2,000 characters.'],
    ['a rating not offered', { 'criteria.professionalism.rating': 'extreme' }, 'criteria.professionalism.rating', 'Choose one of the options given.'],
    ['a classification not offered', { classification: 'top_secret' }, 'classification', 'Choose one of the options given.'],
    ['a form of cooperation not offered', { permittedCooperation: ['joint_operations', 'espionage'] }, 'permittedCooperation', 'Choose one of the options given.'],
    ['a form of cooperation ticked twice', { permittedCooperation: ['joint_operations', 'joint_operations'] }, 'permittedCooperation', 'Each form of cooperation at most once.'],
  ])('%s', (_what, body, field, problem) => {
    expect(problemsOf(body)).toEqual([{ field, problem }]);
  });

  it('lists every problem of a form at once', () => {
    expect(problemsOf({ reviewDate: 'soon', overallRisk: 'huge', mitigations: '\u0000' }).map((p) => p.field)).toEqual(['overallRisk', 'mitigations', 'reviewDate']);
  });
});

describe('fields by their words and ids', () => {
  it('names every field a gap can be about, with an id a summary can link to', () => {
    const gaps = findGaps(NoteContent.parse({ criteria: { humanRights: { rating: 'high' } }, overallRisk: 'high', reviewDate: '2000-01-01' }), { now: new Date(), maxAheadMs: 1e10 });
    for (const { field } of gaps) {
      expect(fieldLabel(field)).not.toBe('The note');
      expect(fieldId(field)).toMatch(/^f-[A-Za-z-]+$/);
    }
    expect(fieldLabel('criteria.humanRights.findings')).toBe('Respect for human rights in the country: findings');
    expect(fieldLabel('reviewDate')).toBe('Review date');
    expect(fieldId('criteria.humanRights.findings')).toBe('f-criteria-humanRights-findings');
  });
});
