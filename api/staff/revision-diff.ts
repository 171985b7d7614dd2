import { diffWordsWithSpace } from 'diff';
import { CRITERIA, type NoteContent } from '../../domain/note-content';
import { CLASSIFICATION_NAME, COOPERATION_FORM_NAME, CRITERION_NAME, dayInWords, RISK_NAME } from '../../domain/wording';

/**
 * What changed between two revisions of a note, field by field, as people read the fields (codes in
 * words, lists one item a line): the old text with what was removed marked, and the new text with
 * what was added marked. The pieces are plain text; pages escape them and wrap the marked ones in
 * `<del>` and `<ins>`, so nothing of a note's content ever reaches a page as markup.
 */

export type PieceKind = 'same' | 'added' | 'removed';
export interface DiffPiece {
  text: string;
  kind: PieceKind;
}

export interface FieldDiff {
  /** The field's path in the content, as a gap names it: `criteria.humanRights.findings`. */
  path: string;
  label: string;
  /** The old text: pieces kept and removed. Empty when the field was empty. */
  before: DiffPiece[];
  /** The new text: pieces kept and added. Empty when the field is empty now. */
  after: DiffPiece[];
}

export interface FieldText {
  /** The field's path in the content: `criteria.humanRights.findings`. */
  path: string;
  /** The criterion a field belongs to, if it belongs to one. */
  group?: string;
  /** The field's own name: `Findings`, `Weighing of interest against risk`. */
  name: string;
  /** The field's name where it stands alone, its criterion's with it: `Respect for human rights in the country: findings`. */
  label: string;
  text: string;
}

/** A risk rating in words. */
export const ratingInWords = (value: NoteContent['overallRisk']) => (value ? RISK_NAME[value] : 'Not rated');

const field = (path: string, name: string, text: string): FieldText => ({ path, name, label: name, text });

/** Every field of a note's content as text in words, in the order a note treats them. */
export function contentAsText(c: NoteContent): FieldText[] {
  return [
    field('nationalSecurityInterest', 'National-security interest', c.nationalSecurityInterest),
    ...CRITERIA.flatMap((key) => {
      const a = c.criteria[key];
      const group = CRITERION_NAME[key];
      const part = (name: string, label: string, text: string) => ({ path: `criteria.${key}.${name}`, group, name: label, label: `${group}: ${label.toLowerCase()}`, text });
      return [part('findings', 'Findings', a.findings), part('sources', 'Sources', a.sources.join('\n')), part('rating', 'Risk rating', ratingInWords(a.rating)), part('mitigations', 'Mitigations', a.mitigations)];
    }),
    field('overallRisk', 'Overall risk', ratingInWords(c.overallRisk)),
    field('weighing', 'Weighing of interest against risk', c.weighing),
    field('mitigations', 'Mitigating measures and conditions', c.mitigations),
    field('permittedCooperation', 'Permitted forms of cooperation', c.permittedCooperation.map((form) => COOPERATION_FORM_NAME[form]).join('\n')),
    field('classification', 'Classification', c.classification ? CLASSIFICATION_NAME[c.classification] : 'Not classified yet'),
    field('reviewDate', 'Review date', c.reviewDate ? dayInWords(c.reviewDate) : 'None: a set period after adoption'),
  ];
}

/** The fields whose text differs between two revisions, each with its old and new text marked word by word. */
export function revisionDiff(before: NoteContent, after: NoteContent): FieldDiff[] {
  const old = new Map(contentAsText(before).map((f) => [f.path, f.text]));
  return contentAsText(after).flatMap(({ path, label, text }) => {
    const was = old.get(path) ?? '';
    if (was === text) return [];
    const changes = diffWordsWithSpace(was, text).map((change) => ({ text: change.value, kind: change.added ? 'added' : change.removed ? 'removed' : 'same' }) as const);
    return [{ path, label, before: joined(changes.filter((piece) => piece.kind !== 'added')), after: joined(changes.filter((piece) => piece.kind !== 'removed')) }];
  });
}

/** Neighbouring pieces of one kind as one (the text kept around an insertion is one piece on the old side). */
function joined(pieces: DiffPiece[]): DiffPiece[] {
  return pieces.reduce<DiffPiece[]>((out, piece) => {
    const last = out.at(-1);
    if (last?.kind === piece.kind) last.text += piece.text;
    else out.push({ ...piece });
    return out;
  }, []);
}
