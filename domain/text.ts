import { z } from 'zod';

/**
 * Strings as every boundary accepts them (HTTP bodies, forms, token claims): well-formed Unicode,
 * normalised to NFC, and free of control characters, which PostgreSQL refuses (NUL), terminals
 * obey (ANSI escapes) and readers never see. Free text keeps tab and line breaks; a line keeps none.
 */

// These patterns exist to find control characters: the lint rule against them does not apply here.
/* eslint-disable no-control-regex */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F]/;
/* eslint-enable no-control-regex */

const wellFormed = (value: string) => value.isWellFormed();

function checked(control: RegExp, what: string) {
  return z
    .string()
    .refine(wellFormed, 'must be valid Unicode text (it holds a lone surrogate)')
    .refine((value) => !control.test(value), `must not contain control characters${what}`)
    .normalize('NFC');
}

/** Free text (findings, comments, reasons): tab, line feed and carriage return allowed. */
export const freeText = (max: number) => checked(CONTROL_IN_TEXT, ' other than tab and line breaks').max(max);

/** One line (names, sources, identifiers): no control character at all. */
export const line = (max: number) => checked(CONTROL_IN_LINE, '').max(max);
