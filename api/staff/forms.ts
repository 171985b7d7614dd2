import { z } from 'zod';
import { ApiError } from '../errors';

/**
 * The forms of the partner and people pages: what a browser posts read as text, each refusal said
 * beside the field it is about, and the fields as `field.eta` lays them out. The form is checked by
 * the same schema as the JSON API; a refusal of the service (a name taken, the last admin) lands
 * beside the field its details name.
 */

/** A posted form's fields: one value each, or several (a group of checkboxes). */
const FormBody = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

export interface PostedForm {
  /** A field's text; `''` when it was not posted, as a browser leaves out an empty choice. */
  text(name: string): string;
  /** A group's ticked values; none when nothing was ticked. */
  ticked(name: string): string[];
}

export function postedForm(body: unknown): PostedForm {
  const fields = FormBody.safeParse(body).data ?? {};
  return {
    text: (name) => [fields[name] ?? ''].flat()[0] ?? '',
    ticked: (name) => [fields[name] ?? []].flat(),
  };
}

/** A refusal by field, each a sentence; `form` is the form as a whole. */
export type FieldErrors = Partial<Record<string, string>>;

/** What a form page says above the form: whether anything was refused, and a refusal of the form as a whole. */
export const refusalSummary = (errors: FieldErrors) => ({ refused: Object.keys(errors).length > 0, formError: errors.form });

/** A phrase as a sentence: `the email is in use` → `The email is in use.` */
export const asSentence = (phrase: string) => `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}${/[.!?]$/.test(phrase) ? '' : '.'}`;

/**
 * The first problem of each field the schema refused, said as the form asks for it (`help`): what the
 * field wants, which a person acts on more readily than what the schema found wrong.
 */
export function fieldErrors(error: z.ZodError, help: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= help[field] ?? asSentence(issue.message);
  }
  return errors;
}

/**
 * A refusal of the service beside the field it names (`details.field`), or above the form, with its
 * status; anything else (no such partner or person, a failure) is no refusal of the form, and is thrown on.
 */
export function refusalOf(error: unknown): { errors: FieldErrors; status: number } {
  if (!(error instanceof ApiError) || error.status === 404 || error.status >= 500) throw error;
  const field = z.object({ field: z.string() }).safeParse(error.details).data?.field ?? 'form';
  return { errors: { [field]: asSentence(error.message) }, status: error.status };
}

/** A field of a form as `field.eta` shows it: its label, what was typed, and its refusal with ids to tie them. */
export interface Field {
  name: string;
  id: string;
  label: string;
  value: string;
  hint?: string;
  error?: string;
  /** What assistive technology reads with the field: its hint and its refusal. */
  describedBy?: string;
  type: 'text' | 'date' | 'select';
  /** `email`: a phone offers its email keyboard (the server checks the address, not the browser). */
  inputmode?: 'email';
  options?: { value: string; label: string; selected: boolean }[];
}

export function field(
  name: string,
  label: string,
  typed: { value: string; errors: FieldErrors },
  more: { hint?: string; date?: boolean; inputmode?: Field['inputmode']; options?: [value: string, label: string][] } = {},
): Field {
  const id = `field-${name}`;
  const error = typed.errors[name];
  const describedBy = [more.hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return {
    name,
    id,
    label,
    value: typed.value,
    hint: more.hint,
    error,
    describedBy,
    type: more.options ? 'select' : more.date ? 'date' : 'text',
    inputmode: more.inputmode,
    options: more.options?.map(([value, text]) => ({ value, label: text, selected: value === typed.value })),
  };
}
