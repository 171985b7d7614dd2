import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { auditContentRead } from '../../db/audit';
import { noteHistory } from '../../db/history';
import { findRevision, listRevisions, type RevisionEntry, standingOf } from '../../db/notes';
import { findPartner } from '../../db/partners';
import { findPerson } from '../../db/people';
import { DECISION_VERB, type HistoryAction, type HistoryEntry } from '../../domain/note-story';
import { mayDecide, mayReassess, mayRevise, mayWithdraw, type Outcome, Revision } from '../../domain/pipeline';
import type { RouteStage, StageState } from '../../domain/route-ahead';
import { dayInWords, noteRef, PARTNER_KIND_NAME, relationshipsInWords, reviewOf, srmPriorityName, STAGE_NAME, STATUS_NAME, utcMinute } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError } from '../errors';
import type { NoteService } from '../note-service';
import type { StaffMember } from '../staff-session';
import { noteConditionsView } from './conditions';
import { dossierAction } from './dossier';
import { notePath, stageOverdue } from './note-rows';
import { sendStaffPage } from './render';
import { contentAsText, type FieldText, revisionDiff } from './revision-diff';

/**
 * A note's page: where it stands (its route, stage by stage, with who approved which revision and
 * what is open and due), its content with every code in words, what happened (its story), a diff
 * between any two revisions, and the actions this person may take now, each a form of its own.
 */

type ShownNote = Awaited<ReturnType<NoteService['show']>>;

const Params = z.object({ id: z.uuid() });

/** The note's id from the path; a path naming no note is a note that does not exist (the same 404). */
export function noteIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new ApiError(404, 'no such note');
  return parsed.data.id;
}

/** What the page was sent back after: `?done=…` turns into a confirmation sentence (from the record, not the address). */
export const DONE = ['decided', 'withdrawn', 'reassessed', 'submitted', 'saved'] as const;
export type Done = (typeof DONE)[number];
const PageQuery = z.object({ done: z.enum(DONE).optional().catch(undefined), from: z.unknown().optional(), to: z.unknown().optional() });
const RevisionChoice = z.coerce.number().pipe(Revision).optional();

/** An action form as the person last sent it: what they typed is shown again, with why it was refused. */
export interface ActionForm {
  action: 'decide' | 'withdraw' | 'reassess';
  values: { outcome?: string; comment?: string; reason?: string };
  /** The sentence beside the field it concerns. */
  problem?: { field: 'outcome' | 'comment' | 'reason'; text: string };
  /** Why the action as a whole was refused, in words. */
  refusal?: string;
}

const STATE_WORDS: Record<StageState, string> = { done: 'Done', open: 'Open', ahead: 'Ahead', ended: 'Ended before it was passed' };
const OUTCOMES: [Outcome, string][] = [
  ['approve', 'Approve'],
  ['request_changes', 'Request changes (back to the drafter)'],
  ['reject', 'Reject'],
];
const approvalsInWords = (count: number) => `${count} approval${count === 1 ? '' : 's'}`;

/** Where the note stands now, as the sentence after a confirmation says it. */
function standingInWords(note: ShownNote): string {
  const open = note.route.find((stage) => stage.state === 'open');
  switch (note.status) {
    case 'IN_REVIEW':
      return `The note is at ${reviewOf(note.stage!)} (${open?.approvals.length ?? 0} of ${approvalsInWords(open?.quorum ?? 1)}), due ${utcMinute(note.stageDueAt!)}.`;
    case 'DRAFT':
      return 'The note is back with its drafter.';
    case 'ACTIVE':
      return 'The note is adopted and active.';
    default:
      return `The note is ${STATUS_NAME[note.status].toLowerCase()}.`;
  }
}

/** The confirmation of what this person just did, read from the note's story; none if the story holds no such step of theirs. */
function confirmation(done: Done | undefined, note: ShownNote, history: HistoryEntry[], actorId: string): string | undefined {
  const mine = (action: HistoryAction) => [...history].reverse().find((entry) => entry.action === action && entry.actorId === actorId);
  switch (done) {
    case 'decided': {
      const entry = mine('note.decided');
      return entry?.outcome && entry.stage ? `You ${DECISION_VERB[entry.outcome]} revision ${entry.revision} at ${reviewOf(entry.stage)}. ${standingInWords(note)}` : undefined;
    }
    case 'withdrawn':
      return mine('note.withdrawn') && 'You withdrew the note. Its approval has ended.';
    case 'reassessed':
      return mine('note.created') && note.supersedes ? `You started this re-assessment of ${noteRef(note.supersedes)}: revision 1 holds its adopted text, ready to revise.` : undefined;
    case 'submitted': {
      const entry = mine('note.submitted');
      return entry?.stage ? `You submitted revision ${entry.revision} for ${reviewOf(entry.stage)}.` : undefined;
    }
    case 'saved': {
      const entry = mine('note.revised');
      return entry ? `You saved revision ${entry.revision}.` : undefined;
    }
    case undefined:
      return undefined;
  }
}

function timeline(note: ShownNote, now: number) {
  const by = (a: { actorName: string; revision: number; decidedAt: string }) => `${a.actorName} approved revision ${a.revision} on ${utcMinute(a.decidedAt)}`;
  return note.route.map((stage: RouteStage) => {
    const open = stage.state === 'open';
    return {
      name: stage.name,
      state: stage.state,
      stateWords: STATE_WORDS[stage.state],
      quorum: `${approvalsInWords(stage.quorum)} needed`,
      approvals: stage.approvals.map(by),
      voided: stage.voidedApprovals.map((a) => ({ text: by(a), why: a.voidedBy === 'newer_revision' ? 'a newer revision replaced it' : `changes were requested on revision ${a.revision}` })),
      open: open ? { count: `${stage.approvals.length} of ${approvalsInWords(stage.quorum)}`, due: note.stageDueAt ? utcMinute(note.stageDueAt) : null, overdue: stageOverdue(note, now) } : null,
    };
  });
}

/** The content's fields in the order a note treats them, each criterion's under its name. */
function sectionsOf(fields: FieldText[]) {
  return fields.reduce<{ heading: string; grouped: boolean; fields: FieldText[] }[]>((sections, field) => {
    const last = sections.at(-1);
    if (field.group && last?.heading === field.group) last.fields.push(field);
    else sections.push({ heading: field.group ?? field.name, grouped: !!field.group, fields: [field] });
    return sections;
  }, []);
}

/**
 * The two revisions to compare: those asked for (`from`, `to`), or by default the one before the
 * current against the current. None while the note has one revision; a problem when the choice names
 * no revision of the note.
 */
function chosenRevisions(query: { from: unknown; to: unknown }, revisions: RevisionEntry[], current: number): { from: number; to: number } | { problem: string } | undefined {
  const [from, to] = [RevisionChoice.safeParse(query.from || undefined), RevisionChoice.safeParse(query.to || undefined)];
  const known = (n: number | undefined) => n === undefined || revisions.some((r) => r.revision === n);
  if (!from.success || !to.success || !known(from.data) || !known(to.data)) return { problem: 'Choose two revisions of this note to compare.' };
  const target = to.data ?? current;
  const base = from.data ?? [...revisions].reverse().find((r) => r.revision < target)?.revision;
  return base === undefined ? undefined : { from: base, to: target };
}

/** The diff between two revisions; reading either revision's content is on the record, as every content read is. */
async function diffOf(sql: RouteDeps['sql'], actorId: string, noteId: string, { from, to }: { from: number; to: number }) {
  const [before, after] = await Promise.all([findRevision(sql, noteId, from), findRevision(sql, noteId, to)]);
  for (const revision of new Set([from, to])) await auditContentRead(sql, actorId, noteId, 'revision diff', revision);
  return { from, to, fields: revisionDiff(before!.content, after!.content) };
}

export interface NotePageView {
  query?: unknown;
  form?: ActionForm;
  status?: number;
}

/** Renders a note's page for this person: 404 (as for no note at all) when they may not read it. */
export async function sendNotePage(reply: FastifyReply, deps: RouteDeps, staff: StaffMember, id: string, view: NotePageView = {}): Promise<FastifyReply> {
  const { sql, noteService } = deps;
  const { actor } = staff;
  const note = await noteService.show(actor, id, 'note page');
  const { done, from, to } = PageQuery.parse(view.query ?? {});
  const [partner, drafter, history, revisions] = await Promise.all([findPartner(sql, note.partnerId), findPerson(sql, note.drafterId), noteHistory(sql, note), listRevisions(sql, note.id)]);
  const chosen = chosenRevisions({ from, to }, revisions, note.revision);
  const diff = chosen && !('problem' in chosen) ? await diffOf(sql, actor.id, note.id, chosen) : undefined;
  const standing = standingOf(note);
  const form = view.form;
  const formFor = (action: ActionForm['action']) => (form?.action === action ? form : undefined);
  const now = Date.now();
  const link = (noteId: string | null) => noteId && { href: notePath(noteId), ref: noteRef(noteId) };
  const current = revisions.find((r) => r.revision === note.revision);
  const ref = noteRef(note.id);

  return sendStaffPage(reply, staff, {
    title: `Wegingsnotitie ${ref}`,
    view: 'note',
    classification: note.content.classification ?? 'stg_geheim',
    status: view.status ?? (chosen && 'problem' in chosen ? 400 : 200),
    data: {
      path: notePath(note.id),
      done: confirmation(done, note, history, actor.id),
      refusal: form?.refusal,
      facts: {
        ref,
        partner: partner && { name: partner.name, country: partner.country, kind: PARTNER_KIND_NAME[partner.kind], relationships: relationshipsInWords(partner.relationships), srm: srmPriorityName(partner.srmPriority).toLowerCase() },
        status: STATUS_NAME[note.status],
        stage: note.stage && { name: STAGE_NAME[note.stage], due: note.stageDueAt ? utcMinute(note.stageDueAt) : null, overdue: stageOverdue(note, now) },
        revision: { number: note.revision, author: current?.authorName ?? note.revisionAuthorId, savedAt: current ? utcMinute(current.savedAt) : null },
        drafter: drafter?.name ?? note.drafterId,
        created: utcMinute(note.createdAt),
        adopted: note.adoptedAt && utcMinute(note.adoptedAt),
        reviewDue: note.reviewDueAt && { day: dayInWords(note.reviewDueAt), passed: note.reviewOverdue },
        supersedes: link(note.supersedes),
        supersededBy: link(note.supersededBy),
        reassessment: link(note.reassessment),
      },
      route: { stages: timeline(note, now), minister: note.ministerRequired.summary, draft: note.status === 'DRAFT' },
      sections: sectionsOf(contentAsText(note.content)),
      revisions: {
        options: revisions.map((r) => ({ value: r.revision, label: `Revision ${r.revision}, ${r.authorName}, ${utcMinute(r.savedAt)}` })),
        from: diff?.from,
        to: diff?.to,
        problem: chosen && 'problem' in chosen ? chosen.problem : undefined,
        diff,
      },
      history: history.map((entry) => ({ at: utcMinute(entry.at), summary: entry.summary, comment: entry.comment })),
      ...(await noteConditionsView(deps, actor, note)),
      actions: {
        decide: mayDecide(actor, standing) && {
          stage: note.stage!,
          stageName: reviewOf(note.stage!),
          revision: note.revision,
          outcomes: OUTCOMES.map(([value, label]) => ({ value, label, checked: formFor('decide')?.values.outcome === value })),
          comment: formFor('decide')?.values.comment ?? '',
          problem: formFor('decide')?.problem,
        },
        withdraw: mayWithdraw(actor, standing) && { reason: formFor('withdraw')?.values.reason ?? '', problem: formFor('withdraw')?.problem },
        reassess: mayReassess(actor, standing) && { reason: formFor('reassess')?.values.reason ?? '', problem: formFor('reassess')?.problem },
        edit: mayRevise(actor, standing) && `${notePath(note.id)}/edit`,
        dossier: dossierAction(actor, 'notes', note.id),
      },
    },
  });
}

export const notePageRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  // No HEAD twin: a HEAD would count as a read of the content, and show nothing.
  app.get('/notes/:id', { schema: { hide: true }, exposeHeadRoute: false }, async (request, reply) =>
    sendNotePage(reply, deps, request.staff, noteIdOf(request.params), { query: request.query }),
  );
};
