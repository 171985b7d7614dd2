import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { queueNewReviewLink } from '../../activities/notifications';
import { auditContentRead, auditEvent, lastRevisionSeen } from '../../db/audit';
import type { Sql } from '../../db/client';
import { findDecision, findNote, findRevision, hasDecided, type NoteView } from '../../db/notes';
import { findPartner } from '../../db/partners';
import { findActivePerson, type Person } from '../../db/people';
import { mayReadNote } from '../../domain/need-to-know';
import { Outcome, quorumFor, revisionFacts, type Stage, STAGE_ROLE } from '../../domain/pipeline';
import { type ReviewLinkClaims, verifyReviewLink } from '../../domain/review-link';
import { freeText } from '../../domain/text';
import { cadenceInWords, momentInWords, reviewOf, STATUS_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { ApiError, isUnavailable } from '../errors';
import { type NoteAfterChange, UnderWay } from '../note-service';
import { messagePage, renderPage, sendPage } from '../pages';
import { decisionSentence, reviewPage, whatNext } from '../review-page';
import { revisionDiff } from '../staff/revision-diff';

const COMMENT_MAX = 20_000;
export const Form = z.object({ outcome: Outcome, comment: freeText(COMMENT_MAX).trim().optional() });
const TokenParams = z.object({ token: z.string().min(1).max(4_000) });

/** What a refused form says beside itself: one sentence per field, in the reviewer's terms. */
export function formProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.path[0] !== 'comment') return 'Choose an outcome.';
  if (issue.code === 'too_big') return `The comment is too long: at most ${COMMENT_MAX.toLocaleString('en')} characters.`;
  return 'The comment holds characters that cannot be recorded (control characters or broken text); remove them and try again.';
}

/** Why a link does nothing, as a page with its status; nothing is changed by showing it. */
export class LinkRefused extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly more: {
      /** Whom and what the refusal concerns, when the link was genuine: it goes on the record. */
      attempt?: { personId: string; noteId?: string; consentId?: string };
      /** An expired but genuine link: its page offers to mail a new one. */
      expiredToken?: string;
    } = {},
  ) {
    super(message);
  }
}

export const NOT_VALID = ['This link is not valid', 'The link is incomplete or was not issued by this application.'] as const;

export function tokenOf(params: unknown): string {
  const parsed = TokenParams.safeParse(params);
  if (!parsed.success) throw new LinkRefused(404, ...NOT_VALID);
  return parsed.data.token;
}

interface OpenLink {
  claims: ReviewLinkClaims;
  person: Person;
  note: NoteView;
}

/** The personal review link of an email: read the note and decide, without an API token (API.md, /review/:token). */
export const reviewRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { sql, noteService, notes, reviewLinkSecret, policy } = deps;
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  /**
   * Whether the person a genuine link was sent to may still decide with it, else why not. A person
   * who may no longer read the note learns nothing of it: the checks of the person come first.
   */
  async function admit(claims: ReviewLinkClaims): Promise<OpenLink> {
    const attempt = { personId: claims.sub, noteId: claims.note };
    const stage = reviewOf(claims.stage);
    const person = await linkHolder(sql, claims, attempt);
    // Need to know holds here as on every route: a note this person may not read does not exist.
    const note = await findNote(sql, claims.note);
    if (!note || !mayReadNote(person, note)) throw new LinkRefused(404, ...NOT_VALID, { attempt });
    const used = await findDecision(sql, claims.jti);
    if (used) {
      const decided = decisionSentence({ noteId: note.id, outcome: used.outcome, revision: claims.rev, stage: claims.stage, at: used.decidedAt });
      throw new LinkRefused(409, 'This link has been used', `${decided} A link works once.`);
    }
    if (await hasDecided(sql, person.id, note.id, claims.stage, claims.rev)) {
      throw new LinkRefused(409, 'You have decided already', `You have decided on revision ${claims.rev} at ${stage} already, through another link or the application.`);
    }
    if (note.status !== 'IN_REVIEW' || note.revision !== claims.rev || note.stage !== claims.stage) {
      const now =
        note.status === 'IN_REVIEW'
          ? `at revision ${note.revision} in ${reviewOf(note.stage!)}`
          : `${note.status === 'DRAFT' ? 'back in draft' : STATUS_NAME[note.status].toLowerCase()} (revision ${note.revision})`;
      throw new LinkRefused(409, 'This link is out of date', `The link was for revision ${claims.rev} at ${stage}; the note is now ${now}. Nothing was changed.`);
    }
    return { claims, person, note };
  }

  async function open(token: string): Promise<OpenLink> {
    const check = await verifyReviewLink(reviewLinkSecret, token);
    if (check.ok) return admit(check.claims);
    if (check.reason === 'invalid') throw new LinkRefused(404, ...NOT_VALID);
    throw new LinkRefused(410, 'This link has expired', 'Review links are valid for a limited time. This one can be replaced by a new one, or you can use the application.', { expiredToken: token });
  }

  async function render(link: OpenLink, form: { error?: string; outcome?: string; comment?: string } = {}): Promise<string> {
    const { person, note, claims } = link;
    const partner = (await findPartner(sql, note.partnerId))!;
    const seen = await lastRevisionSeen(sql, person.id, note.id, note.revision);
    const before = seen === undefined ? undefined : await findRevision(sql, note.id, seen);
    await auditContentRead(sql, person.id, note.id, 'review page', note.revision);
    const quorum = quorumFor(claims.stage, revisionFacts(note.content, note.revision, note.contentSha256, note.revisionAuthorId), policy);
    return reviewPage({
      note,
      partner,
      reviewerName: person.name,
      stage: claims.stage,
      quorum,
      cadence: cadenceInWords(policy),
      changes: before ? { since: seen!, fields: revisionDiff(before.content, note.content) } : null,
      ...form,
    });
  }

  /** The decision of the form, through the note service as every decision goes; its confirmation in a sentence. */
  async function decide(link: OpenLink, outcome: Outcome, comment: string | undefined): Promise<[number, string]> {
    const { claims, person, note } = link;
    const actor = { id: person.id, roles: person.roles };
    let after: NoteAfterChange;
    try {
      // The link's id is the decision's id: the workflow refuses it a second time, so the link works once.
      after = await noteService.decide(actor, note.id, { outcome, revision: claims.rev, stage: claims.stage, comment }, claims.jti);
    } catch (error) {
      if (error instanceof UnderWay) return [409, messagePage('This link has been used', 'A decision from this link is being recorded already.')];
      if (!(error instanceof ApiError)) throw error;
      return [error.status, messagePage('Your decision was not recorded', error.message, 'error')];
    }
    const recorded = (await findDecision(sql, claims.jti))!;
    const { quorum, approvals } = after.route.find((s) => s.stage === claims.stage)!;
    const said = decisionSentence({ noteId: note.id, outcome, revision: claims.rev, stage: claims.stage, at: recorded.decidedAt });
    return [200, messagePage('Your decision is recorded', `${said} ${whatNext(claims.stage, { status: after.status, stage: after.stage, approvals: approvals.length, quorum })}`)];
  }

  /**
   * A new link for an expired one, mailed to the person it was sent to, if they may still decide with
   * it. Every request of a genuine link is on the record, granted or not; the page tells the holder of
   * the link nothing but whether a link is on its way, or why not.
   */
  async function newLink(token: string, ip: string): Promise<[number, string]> {
    const check = await verifyReviewLink(reviewLinkSecret, token);
    if (check.ok) return [200, messagePage('This link still works', 'The link has not expired: open it again to read the note and decide.')];
    if (check.reason === 'invalid') throw new LinkRefused(404, ...NOT_VALID);
    const { claims } = check;
    const record = (status: number) =>
      auditEvent(sql, { actorId: claims.sub, action: 'review.new_link_requested', noteId: claims.note, details: { stage: claims.stage, revision: claims.rev, status, ip } });
    let link: OpenLink;
    try {
      link = await admit(claims);
    } catch (error) {
      if (!(error instanceof LinkRefused)) throw error;
      await record(error.status);
      throw new LinkRefused(error.status, error.title, error.message);
    }
    const { person, note } = link;
    const queued = await queueNewReviewLink(sql, { noteId: note.id, personId: person.id, stage: claims.stage, revision: claims.rev, dueAt: note.stageDueAt, expiredLinkId: claims.jti });
    // The note's execution sends its outbox; told now, the link goes out at once. Should Temporal not
    // answer, the link stays queued and goes with the note's next mail: the request itself stands.
    if (queued?.first) await notes.mailQueued(note.id).catch((error: unknown) => app.log.warn({ err: error }, 'could not tell the note’s execution of queued mail'));
    await record(202);
    const message =
      queued && !queued.first
        ? `A new link for this one was asked for on ${momentInWords(queued.at)}. Look for it in your mailbox.`
        : 'A new link is on its way to your mailbox.';
    return [202, messagePage('A new link is on its way', message)];
  }

  const answer = (reply: FastifyReply, work: () => Promise<[number, string]>) => answerLinkPage(sql, reply, work);

  // A link is a key: guessing or hammering one meets a limit per client address.
  const rateLimit = { max: deps.limits.reviewPerMinute, timeWindow: 60_000 };

  // No HEAD twin: a link scanner's HEAD would otherwise count as a read of the content.
  app.get('/review/:token', { schema: { hide: true }, exposeHeadRoute: false, config: { rateLimit } }, async (request, reply) =>
    answer(reply, async () => [200, await render(await open(tokenOf(request.params)))]),
  );

  app.post('/review/:token', { schema: { hide: true }, config: { rateLimit } }, async (request, reply) =>
    answer(reply, async () => {
      const link = await open(tokenOf(request.params));
      const form = Form.safeParse(request.body);
      if (!form.success) return [400, await render(link, { error: formProblem(form.error) })];
      const { outcome, comment } = form.data;
      if (outcome !== 'approve' && !comment) return [400, await render(link, { error: 'A comment is required to reject or request changes.', outcome })];
      return decide(link, outcome, comment);
    }),
  );

  // Mail is sent on this request: it meets the same limit, and a link is replaced once however often it is asked.
  app.post('/review/:token/new-link', { schema: { hide: true }, config: { rateLimit } }, async (request, reply) =>
    answer(reply, () => newLink(tokenOf(request.params), request.ip)),
  );
};

/** The person a genuine link was sent to, while still active and holding the role of the link's stage. */
export async function linkHolder(sql: Sql, claims: { sub: string; stage: Stage }, attempt: NonNullable<LinkRefused['more']['attempt']>): Promise<Person> {
  const person = await findActivePerson(sql, claims.sub);
  if (!person) throw new LinkRefused(403, 'This link is not valid', 'The person this link was sent to is no longer active.', { attempt });
  if (!person.roles.includes(STAGE_ROLE[claims.stage])) {
    throw new LinkRefused(403, 'This link is no longer yours to use', `Deciding at ${reviewOf(claims.stage)} needs a role you no longer hold.`, { attempt });
  }
  return person;
}

/**
 * A link's page: what the work answers, or why nothing happened, as a page with its status. A refusal
 * of a genuine link is on the record, as an attempt on the note or consent request it names.
 */
export async function answerLinkPage(sql: Sql, reply: FastifyReply, work: () => Promise<[number, string]>) {
  try {
    const [status, body] = await work();
    return sendPage(reply, status, body);
  } catch (error) {
    if (isUnavailable(error)) {
      // Whether a decision went through is not known: opening the link again tells, and decides if it did not.
      const message = 'The application could not confirm your decision just now. Open this link again in a moment: it shows whether your decision was recorded, and lets you decide if it was not.';
      return sendPage(reply.header('retry-after', '5'), 503, messagePage('Please try again in a moment', message, 'error'));
    }
    if (!(error instanceof LinkRefused)) throw error;
    const { attempt, expiredToken } = error.more;
    if (attempt) {
      const { personId, noteId, consentId } = attempt;
      const request = { status: error.status, method: reply.request.method, route: reply.request.routeOptions.url ?? null, ip: reply.request.ip };
      await auditEvent(sql, consentId
        ? { actorId: personId, action: 'consent.access_refused', noteId: null, details: { consentId, ...request } }
        : { actorId: personId, action: 'note.access_refused', noteId: noteId!, details: request });
    }
    // The form posts beside the link (`/review/<token>/new-link`), wherever the application is mounted.
    const page = expiredToken
      ? renderPage('expired', { title: error.title, message: error.message, action: `${expiredToken}/new-link` })
      : messagePage(error.title, error.message);
    return sendPage(reply, error.status, page);
  }
}
