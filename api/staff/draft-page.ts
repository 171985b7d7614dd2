import type { FastifyReply } from 'fastify';
import type { NoteView } from '../../db/notes';
import { Classification, COOPERATION_FORMS, CRITERIA, type NoteContent, reviewDateBounds, RiskRating } from '../../domain/note-content';
import { MINISTERIAL_FORMS } from '../../domain/pipeline';
import { CLASSIFICATION_NAME, COOPERATION_FORM_NAME, CRITERION_NAME, dayInWords, noteRef, RISK_NAME, STAGE_NAME, STATUS_NAME } from '../../domain/wording';
import type { StaffMember } from '../staff-session';
import type { carriedConditionsView } from './conditions';
import { asSentence } from './forms';
import { type FieldProblem, fieldId, fieldLabel, fieldName, type NoteFormValues } from './note-form';
import { revisionDiff } from './revision-diff';
import { sendStaffPage, STAFF_PREFIX } from './render';

/**
 * The pages of the draft editor and of a new note: the form of every field of a note, each problem
 * beside its field and listed at the top, and after a conflicting save both versions where they differ.
 */

export interface Message {
  text: string;
  kind: 'notice' | 'error' | 'ok';
  link?: { href: string; label: string };
}

/** What the form needs besides the values: the review date's window is the configuration's. */
export interface FormSettings {
  reviewDateMaxMs: number;
  /** When a note without a review date is reviewed, in words (`cadenceInWords`). */
  cadence: string;
}

export const notePath = (noteId: string) => `${STAFF_PREFIX}/notes/${noteId}`;
export const editorPath = (noteId: string) => `${notePath(noteId)}/edit`;

const capital = (phrase: string) => phrase.charAt(0).toUpperCase() + phrase.slice(1);

type Choice = [value: string, label: string];
const RATINGS: Choice[] = [['', 'Not rated'], ...RiskRating.options.map((risk): Choice => [risk, RISK_NAME[risk]])];
const CLASSIFICATIONS: Choice[] = [['', 'Not yet classified'], ...Classification.options.map((level): Choice => [level, CLASSIFICATION_NAME[level]])];

/** A note's status in running text: `in review (team review)`, `withdrawn`. */
export const standingInWords = (note: Pick<NoteView, 'status' | 'stage'>) =>
  `${STATUS_NAME[note.status].toLowerCase()}${note.stage ? ` (${STAGE_NAME[note.stage].toLowerCase()})` : ''}`;

/**
 * The banner of a page showing these versions of a note: the highest of their classifications, a
 * version not yet classified (or classified as nothing valid) counted as Stg. Geheim.
 */
export function bannerOf(...shown: string[]): Classification {
  const levels = Classification.options;
  const ranks = shown.map((typed) => levels.indexOf(Classification.safeParse(typed).data ?? 'stg_geheim'));
  return levels[Math.max(...ranks)]!;
}

/** The form's fields with their values, hints and problems, as `draft-fields.eta` lays them out. */
function fieldsView(values: NoteFormValues, problems: FieldProblem[], settings: FormSettings) {
  const field = (name: string, kind: 'text' | 'lines' | 'choice' | 'date', value: string, hint: string, choices?: Choice[]) => ({
    name,
    id: fieldId(name),
    label: fieldName(name),
    kind,
    value,
    hint,
    problems: problems.filter((p) => p.field === name).map((p) => asSentence(p.problem)),
    options: choices?.map(([option, text]) => ({ value: option, label: text, selected: option === value })),
  });
  const { today, latest } = reviewDateBounds({ now: new Date(), maxAheadMs: settings.reviewDateMaxMs });
  const permittedId = fieldId('permittedCooperation');
  return {
    interest: field(
      'nationalSecurityInterest',
      'text',
      values.nationalSecurityInterest,
      'Why cooperating with this partner matters to national security: what we give, and what we get in return.',
    ),
    criteria: CRITERIA.map((criterion) => {
      const typed = values.criteria[criterion];
      const name = (part: string) => `criteria.${criterion}.${part}`;
      return {
        legend: CRITERION_NAME[criterion],
        fields: [
          field(name('findings'), 'text', typed.findings, 'What is known about the partner on this point.'),
          field(name('sources'), 'lines', typed.sources, 'One source per line.'),
          field(name('rating'), 'choice', typed.rating, 'Every criterion needs a rating before the note is submitted.', RATINGS),
          field(name('mitigations'), 'text', typed.mitigations, 'How the risk is limited. Needed when the rating is high.'),
        ],
      };
    }),
    weighing: [
      field('overallRisk', 'choice', values.overallRisk, 'The risk of the cooperation as a whole, all criteria weighed.', RATINGS),
      field('weighing', 'text', values.weighing, 'Why the interest does or does not outweigh the risk.'),
      field('mitigations', 'text', values.mitigations, 'Measures and conditions that limit the risk. Needed when the overall risk is high.'),
    ],
    permitted: {
      legend: fieldName('permittedCooperation'),
      hint: `Tick each form this note permits. Those marked need the minister’s decision after the head of service.`,
      problems: problems.filter((p) => p.field === 'permittedCooperation').map((p) => asSentence(p.problem)),
      // The first box carries the group's id: a summary's link to the group lands on it.
      options: COOPERATION_FORMS.map((form, i) => ({
        value: form,
        id: i === 0 ? permittedId : `${permittedId}-${i}`,
        label: `${capital(COOPERATION_FORM_NAME[form])}${MINISTERIAL_FORMS.includes(form) ? ' (minister decides)' : ''}`,
        checked: values.permittedCooperation.includes(form),
      })),
      id: permittedId,
    },
    handling: [
      field('classification', 'choice', values.classification, 'The classification of the note’s content.', CLASSIFICATIONS),
      field(
        'reviewDate',
        'date',
        values.reviewDate,
        `When the note is to be assessed anew. When you submit, it must lie after today (${dayInWords(today)}) and no later than ${dayInWords(latest)}. ` +
          `Without a date, the note is reviewed ${settings.cadence}.`,
      ),
    ],
  };
}

/** The problems listed at the top, each linking to its field. */
function summaryView(problems: FieldProblem[], title: string) {
  return { title, items: problems.map((p) => ({ href: `#${fieldId(p.field)}`, label: fieldLabel(p.field), problem: asSentence(p.problem) })) };
}

/**
 * Where two versions differ, field by field, in words: the latest saved revision with what the person's
 * text removes marked, and the person's text with what it adds marked.
 */
export const versionsView = (yours: NoteContent, latest: NoteView) => ({ latestRevision: latest.revision, fields: revisionDiff(latest.content, yours) });

export interface EditorPage {
  noteId: string;
  /** The note as the page last read it, where it read it (a page answering a refused form need not). */
  latest?: { partner: string; revision: number };
  /** The form, unless the note can no longer be edited: what was typed and the revision it builds on. */
  form?: { values: NoteFormValues; baseRevision: number };
  problems?: { title: string; list: FieldProblem[] };
  messages?: Message[];
  versions?: ReturnType<typeof versionsView> & { title: string };
  /** What the page shows besides the form's values (the latest revision beside them). */
  alsoShown?: string[];
  /** A re-assessment's: the open conditions of the note it re-assesses, for its drafter to address (`carriedConditionsView`). */
  carried?: Awaited<ReturnType<typeof carriedConditionsView>>;
  status?: number;
}

export function sendEditor(reply: FastifyReply, member: StaffMember, page: EditorPage, settings: FormSettings): FastifyReply {
  const { noteId, latest, form, problems, messages, versions } = page;
  const shown = [...(form ? [form.values.classification] : []), ...(page.alsoShown ?? [])];
  return sendStaffPage(reply, member, {
    title: `Draft ${noteRef(noteId)}`,
    view: 'draft',
    status: page.status,
    classification: bannerOf(...shown),
    data: {
      notePath: notePath(noteId),
      latest,
      messages: messages ?? [],
      summary: problems && summaryView(problems.list, problems.title),
      versions,
      carried: page.carried,
      form: form && {
        action: editorPath(noteId),
        submitAction: `${notePath(noteId)}/submit`,
        baseRevision: form.baseRevision,
        fields: fieldsView(form.values, problems?.list ?? [], settings),
      },
    },
  });
}

export interface NewNotePage {
  partners: { id: string; name: string; country: string }[];
  partnerId: string;
  values: NoteFormValues;
  problems?: FieldProblem[];
  messages?: Message[];
  status?: number;
}

export function sendNewNote(reply: FastifyReply, member: StaffMember, page: NewNotePage, settings: FormSettings): FastifyReply {
  const problems = page.problems ?? [];
  const typedAnything = page.problems !== undefined || page.messages !== undefined;
  return sendStaffPage(reply, member, {
    title: 'New wegingsnotitie',
    view: 'draft-new',
    status: page.status,
    // The empty form shows no content; what a person typed is handled as the note it would be.
    classification: typedAnything ? bannerOf(page.values.classification) : undefined,
    data: {
      messages: page.messages ?? [],
      summary: problems.length ? summaryView(problems, 'The note was not created') : undefined,
      partner: {
        id: fieldId('partnerId'),
        problems: problems.filter((p) => p.field === 'partnerId').map((p) => asSentence(p.problem)),
        options: page.partners.map((p) => ({ value: p.id, label: `${p.name}, ${p.country}`, selected: p.id === page.partnerId })),
      },
      newPartnerPath: `${STAFF_PREFIX}/partners/new`,
      fields: fieldsView(page.values, problems, settings),
    },
  });
}
