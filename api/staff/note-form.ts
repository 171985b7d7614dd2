import { z } from 'zod';
import { CRITERIA, type Criterion, type Gap, NoteContent } from '../../domain/note-content';
import { asSentence } from './forms';
import { contentAsText } from './revision-diff';

/**
 * The draft editor's form and a note's content, each into the other. Each form field is named for the
 * content path it fills (`criteria.humanRights.findings`), so a gap of `findGaps` and an issue of the
 * `NoteContent` schema land beside the field they are about. The form is checked by the same schema
 * as the JSON API; this module only reads what browsers post: text with CRLF line breaks, sources one
 * per line, an empty choice for "not chosen", a checkbox group as one value or several.
 */

/** What the form shows in its fields: text as typed, choices by their codes, `''` for none chosen. */
export interface NoteFormValues {
  nationalSecurityInterest: string;
  criteria: Record<Criterion, CriterionFormValues>;
  overallRisk: string;
  weighing: string;
  mitigations: string;
  permittedCooperation: string[];
  classification: string;
  reviewDate: string;
}
export interface CriterionFormValues {
  findings: string;
  /** One source per line. */
  sources: string;
  rating: string;
  mitigations: string;
}

/** A field's problem, in a sentence: from the schema (on saving) or a gap (on submitting). */
export type FieldProblem = Gap;

const CRITERION_FIELDS = ['findings', 'sources', 'rating', 'mitigations'] as const;
const criterionField = (criterion: Criterion, part: (typeof CRITERION_FIELDS)[number]) => `criteria.${criterion}.${part}`;
/** One entry per criterion, in their order. */
const byCriterion = <T>(each: (criterion: Criterion) => T) => Object.fromEntries(CRITERIA.map((criterion) => [criterion, each(criterion)])) as Record<Criterion, T>;

/** A field left out of a post reads as empty, as a browser leaves out an unchecked box. */
const Typed = z.string().default('');
/** A checkbox group posts one value as a string, several as an array. */
const Ticked = z.union([z.string(), z.array(z.string())]).default([]);

/**
 * The note's fields of a posted form (other fields, such as `_csrf`, are the caller's). Malformed only
 * when a field is posted twice or a checkbox group is not text, which no form of ours does.
 */
export const NoteFormBody = z
  .object({
    nationalSecurityInterest: Typed,
    ...Object.fromEntries(CRITERIA.flatMap((criterion) => CRITERION_FIELDS.map((part) => [criterionField(criterion, part), Typed]))),
    overallRisk: Typed,
    weighing: Typed,
    mitigations: Typed,
    permittedCooperation: Ticked,
    classification: Typed,
    reviewDate: Typed,
  })
  .transform((body): NoteFormValues => {
    const typed = (criterion: Criterion, part: (typeof CRITERION_FIELDS)[number]) => (body as Record<string, unknown>)[criterionField(criterion, part)] as string;
    return {
      nationalSecurityInterest: body.nationalSecurityInterest,
      criteria: byCriterion((criterion) => ({
        findings: typed(criterion, 'findings'),
        sources: typed(criterion, 'sources'),
        rating: typed(criterion, 'rating'),
        mitigations: typed(criterion, 'mitigations'),
      })),
      overallRisk: body.overallRisk,
      weighing: body.weighing,
      mitigations: body.mitigations,
      permittedCooperation: [body.permittedCooperation].flat(),
      classification: body.classification,
      reviewDate: body.reviewDate,
    };
  });

/** Browsers post a textarea's line breaks as CRLF; a note keeps LF, as the JSON API does. */
const text = (typed: string) => typed.replace(/\r\n?/g, '\n');
/** One source per line; blank lines are no source. */
const sourceLines = (typed: string) =>
  text(typed)
    .split('\n')
    .map((source) => source.trim())
    .filter(Boolean);
const chosen = (typed: string) => typed || null;

/** The form's values as the input of the `NoteContent` schema, which has the last word on each. */
function contentInput(values: NoteFormValues) {
  return {
    nationalSecurityInterest: text(values.nationalSecurityInterest),
    criteria: byCriterion((criterion) => {
      const typed = values.criteria[criterion];
      return { findings: text(typed.findings), sources: sourceLines(typed.sources), rating: chosen(typed.rating), mitigations: text(typed.mitigations) };
    }),
    overallRisk: chosen(values.overallRisk),
    weighing: text(values.weighing),
    mitigations: text(values.mitigations),
    permittedCooperation: values.permittedCooperation,
    classification: chosen(values.classification),
    reviewDate: chosen(values.reviewDate.trim()),
  };
}

/** The content the form holds, or each problem beside its field (what was typed stays with the caller). */
export function readContent(values: NoteFormValues): { content: NoteContent } | { problems: FieldProblem[] } {
  const parsed = NoteContent.safeParse(contentInput(values));
  if (parsed.success) return { content: parsed.data };
  return { problems: parsed.error.issues.map((issue) => ({ field: fieldOf(issue.path), problem: sentence(issue) })) };
}

/** A note's content in the form's fields. */
export function formValues(content: NoteContent): NoteFormValues {
  return {
    nationalSecurityInterest: content.nationalSecurityInterest,
    criteria: byCriterion((criterion) => {
      const { findings, sources, rating, mitigations } = content.criteria[criterion];
      return { findings, sources: sources.join('\n'), rating: rating ?? '', mitigations };
    }),
    overallRisk: content.overallRisk ?? '',
    weighing: content.weighing,
    mitigations: content.mitigations,
    permittedCooperation: [...content.permittedCooperation],
    classification: content.classification ?? '',
    reviewDate: content.reviewDate ?? '',
  };
}

/** The form field an issue's path is about: a source's line or a ticked box is its whole field's. */
function fieldOf(path: readonly PropertyKey[]): string {
  const at = path.findIndex((key) => typeof key === 'number');
  return (at < 0 ? path : path.slice(0, at)).map(String).join('.');
}

/** An issue of the schema as a sentence a person can act on; a source's problem names its line. */
function sentence(issue: z.core.$ZodIssue): string {
  const line = issue.path.find((key) => typeof key === 'number');
  const subject = typeof line === 'number' && issue.path.includes('sources') ? `Line ${line + 1}` : 'This text';
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array'
        ? `At most ${issue.maximum.toLocaleString('en')} ${issue.path.includes('sources') ? 'sources' : 'choices'}.`
        : `${subject} is too long: at most ${issue.maximum.toLocaleString('en')} characters.`;
    case 'invalid_format':
      return issue.format === 'date' ? 'Give the date as year-month-day, for example 2027-06-30.' : asSentence(issue.message);
    case 'invalid_value':
    case 'invalid_type':
      return 'Choose one of the options given.';
    case 'custom':
      // The refinements of `domain/text.ts` say what text must be; the others speak for themselves.
      return issue.message.startsWith('must') ? `${subject} ${issue.message}.` : asSentence(issue.message);
    default:
      return asSentence(issue.message);
  }
}

/** Every field of a note by its words, as the comparison of two revisions names them too. */
const FIELDS = new Map(contentAsText(NoteContent.parse({})).map((field) => [field.path, field]));
const PARTNER = 'Partner service';

/** A field's own name, as its label in the form shows it (its criterion, if any, is the fieldset's legend). */
export const fieldName = (field: string) => (field === 'partnerId' ? PARTNER : (FIELDS.get(field)?.name ?? 'The note'));

/** A field by its words where it stands alone, as a summary of problems lists it: with its criterion. */
export const fieldLabel = (field: string) => (field === 'partnerId' ? PARTNER : (FIELDS.get(field)?.label ?? 'The note'));

/** The id of a field's control, the target of a summary's link (`#f-criteria-humanRights-findings`). */
export const fieldId = (field: string) => `f-${field.replaceAll('.', '-')}`;
