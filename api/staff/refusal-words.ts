import { noteRef, ROLE_NAME, STAGE_NAME, STATUS_NAME } from '../../domain/wording';
import { asSentence } from './forms';

const CODE_NAME: Record<string, string> = {
  ...STAGE_NAME,
  ...Object.fromEntries(Object.entries(STATUS_NAME).map(([code, name]) => [code, name.toLowerCase()])),
  ...ROLE_NAME,
};
/** A stage or status (`TEAM_REVIEW`, `DRAFT`) or a role of two words or more (`team_lead`). */
const CODE = /\b[A-Z]+(?:_[A-Z]+)*\b|\b[a-z]+(?:_[a-z]+)+\b/g;
const NOTE_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/**
 * A refusal of the note service (an ApiError's message, written for the JSON API) as a sentence for a
 * page: stage, status and role codes in words, note ids as their reference.
 */
export function refusalInWords(message: string): string {
  return asSentence(message.replace(NOTE_ID, (id) => noteRef(id)).replace(CODE, (code) => CODE_NAME[code] ?? code));
}
