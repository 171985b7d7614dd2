import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { auditContentRead, auditEvent, lastRevisionSeen } from '../../db/audit';
import { dropStagedComment, findDecision, findNote, findRevision, hasDecided, type NoteView, stageComment } from '../../db/notes';
import { findPartner } from '../../db/partners';
import { findActivePerson, type Person } from '../../db/people';
import { mayReadNote } from '../../domain/need-to-know';
import { Outcome, quorumFor, revisionFacts, STAGE_ROLE } from '../../domain/pipeline';
import { type ReviewLinkClaims, verifyReviewLink } from '../../domain/review-link';
import { freeText } from '../../domain/text';
import { STAGE_NAME, utcMinute } from '../../domain/wording';
import { decideUpdate } from '../../workflows';
import type { AppDeps } from '../app-deps';
import { ApiError, isUnavailable } from '../errors';
import { messagePage, sendPage } from '../pages';
import { changedFields, reviewPage } from '../review-page';

const COMMENT_MAX = 20_000;
const Form = z.object({ outcome: Outcome, comment: freeText(COMMENT_MAX).trim().optional() });
const OUTCOME_DONE: Record<Outcome, string> = { approve: 'approved', reject: 'rejected', request_changes: 'requested changes' };
const TokenParams = z.object({ token: z.string().min(1).max(4_000) });

/** What a refused form says beside itself: one sentence per field, in the reviewer's terms. */
function formProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.path[0] !== 'comment') return 'Choose an outcome.';
  if (issue.code === 'too_big') return `The comment is too long: at most ${COMMENT_MAX.toLocaleString('en')} characters.`;
  return 'The comment holds characters that cannot be recorded (control characters or broken text); remove them and try again.';
}

/** Why a link does nothing, as a page with its status; nothing is changed by showing it. */
class LinkRefused extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    /** Whom the refusal concerns, when the link was genuine: it goes on the record. */
    readonly attempt?: { personId: string; noteId: string },
  ) {
    super(message);
  }
}

const NOT_VALID = ['This link is not valid', 'The link is incomplete or was not issued by this application.'] as const;

function tokenOf(params: unknown): string {
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
export const reviewRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { sql, notes, reviewLinkSecret } = deps;
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  async function open(token: string): Promise<OpenLink> {
    const check = await verifyReviewLink(reviewLinkSecret, token);
    if (!check.ok) {
      throw check.reason === 'expired'
        ? new LinkRefused(410, 'This link has expired', 'Review links are valid for a limited time. Ask for a new one, or use the application.')
        : new LinkRefused(404, ...NOT_VALID);
    }
    const { claims } = check;
    const attempt = { personId: claims.sub, noteId: claims.note };
    const person = await findActivePerson(sql, claims.sub);
    if (!person) throw new LinkRefused(403, 'This link is not valid', 'The person this link was sent to is no longer active.', attempt);
    const used = await findDecision(sql, claims.jti);
    if (used) {
      throw new LinkRefused(409, 'This link has been used', `You ${OUTCOME_DONE[used.outcome]} with this link on ${utcMinute(used.decidedAt)}. A link works once.`);
    }
    if (!person.roles.includes(STAGE_ROLE[claims.stage])) {
      throw new LinkRefused(403, 'This link is no longer yours to use', `Deciding at ${STAGE_NAME[claims.stage]} needs a role you no longer hold.`, attempt);
    }
    // Need to know holds here as on every route: a note this person may not read does not exist.
    const note = await findNote(sql, claims.note);
    if (!note || !mayReadNote(person, note)) throw new LinkRefused(404, ...NOT_VALID, attempt);
    if (await hasDecided(sql, person.id, note.id, claims.stage, claims.rev)) {
      throw new LinkRefused(409, 'You have decided already', `You have decided on revision ${claims.rev} at ${STAGE_NAME[claims.stage]} already, through another link or the application.`);
    }
    if (note.status !== 'IN_REVIEW' || note.revision !== claims.rev || note.stage !== claims.stage) {
      const now = note.status === 'IN_REVIEW' ? `revision ${note.revision} at ${STAGE_NAME[note.stage!]}` : `${note.status.toLowerCase().replace('_', ' ')} (revision ${note.revision})`;
      throw new LinkRefused(409, 'This link is out of date', `The link was for revision ${claims.rev} at ${STAGE_NAME[claims.stage]}; the note is now ${now}. Nothing was changed.`);
    }
    return { claims, person, note };
  }

  async function render(link: OpenLink, form: { error?: string; outcome?: string; comment?: string } = {}): Promise<string> {
    const { person, note, claims } = link;
    const partner = (await findPartner(sql, note.partnerId))!;
    const seen = await lastRevisionSeen(sql, person.id, note.id, note.revision);
    const before = seen === undefined ? undefined : await findRevision(sql, note.id, seen);
    await auditContentRead(sql, person.id, note.id, 'review page', note.revision);
    const quorum = quorumFor(claims.stage, revisionFacts(note.content, note.revision, note.contentSha256, note.revisionAuthorId), deps.policy);
    return reviewPage({
      note,
      partner,
      reviewerName: person.name,
      stage: claims.stage,
      quorum,
      changes: before ? { since: seen!, fields: changedFields(before.content, note.content) } : null,
      ...form,
    });
  }

  async function answer(reply: FastifyReply, work: () => Promise<[number, string]>) {
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
      if (error.attempt) {
        const { personId, noteId } = error.attempt;
        await auditEvent(sql, { actorId: personId, action: 'note.access_refused', noteId, details: { status: error.status, method: reply.request.method, route: '/review/:token', ip: reply.request.ip } });
      }
      return sendPage(reply, error.status, messagePage(error.title, error.message));
    }
  }

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
      const { claims, person } = link;
      // The link's id is the decision's id: the workflow refuses it a second time, so the link works once.
      // Text staged longer ago than a call to Temporal may take belongs to an attempt that never heard back.
      if (comment && !(await stageComment(sql, claims.jti, comment, 2 * deps.temporalCallTimeoutMs))) {
        return [409, messagePage('This link has been used', 'A decision from this link is being recorded already.')];
      }
      try {
        await notes.update(claims.note, decideUpdate, { decisionId: claims.jti, actor: { id: person.id, roles: person.roles }, outcome, revision: claims.rev, stage: claims.stage });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (comment) await dropStagedComment(sql, claims.jti);
        return [error.status, messagePage('Your decision was not recorded', error.message, 'error')];
      }
      const after = (await findNote(sql, claims.note))!;
      const next = after.status === 'IN_REVIEW' ? `It is now at ${STAGE_NAME[after.stage!]}.` : `It is now ${after.status.toLowerCase()}.`;
      return [200, messagePage('Your decision is recorded', `You ${OUTCOME_DONE[outcome]} revision ${claims.rev} at ${STAGE_NAME[claims.stage]}. ${next}`)];
    }),
  );
};
