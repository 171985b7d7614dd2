import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { auditEvent } from '../../db/audit';
import { type ConsentView, findConsent, findConsentDecision, hasDecidedOnConsent } from '../../db/consents';
import type { Person } from '../../db/people';
import { afterConsentDecision, consentOutcomes } from '../../domain/consent-story';
import { DECISION_VERB } from '../../domain/note-story';
import { mayReadConsent } from '../../domain/need-to-know';
import type { Outcome } from '../../domain/pipeline';
import { type ConsentLinkClaims, verifyConsentLink } from '../../domain/review-link';
import { CLASSIFICATION_NAME, CONSENT_STATUS_NAME, consentRef, momentInWords, reviewOf, STAGE_NAME } from '../../domain/wording';
import type { RouteDeps } from '../app-deps';
import { consentFacts, decisionLine, partnerNamesOf, partnersOf } from '../consent-words';
import { ApiError } from '../errors';
import { UnderWay } from '../staged-text';
import { messagePage, renderPage } from '../pages';
import { answerLinkPage, Form, formProblem, LinkRefused, linkHolder, NOT_VALID, tokenOf } from './review';

interface OpenLink {
  claims: ConsentLinkClaims;
  person: Person;
  request: ConsentView;
}

/**
 * The personal review link of a consent request's email (`/review/consent/:token`): the request to
 * read and a form to decide, without an API token, with the same care as a note's link: signed, bound
 * to one person, request, revision and stage, expiring, working once; every view on the record.
 */
export const consentReviewRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { sql, consentService, reviewLinkSecret } = deps;
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  /** Whether the person a genuine link was sent to may still decide with it, else why not; the person first. */
  async function admit(claims: ConsentLinkClaims): Promise<OpenLink> {
    const attempt = { personId: claims.sub, consentId: claims.consent };
    const stage = reviewOf(claims.stage);
    const person = await linkHolder(sql, claims, attempt);
    const request = await findConsent(sql, claims.consent);
    if (!request || !mayReadConsent(person, request)) throw new LinkRefused(404, ...NOT_VALID, { attempt });
    const used = await findConsentDecision(sql, claims.jti);
    if (used) throw new LinkRefused(409, 'This link has been used', `${youDecided(request.id, used.outcome, claims, used.decidedAt)} A link works once.`);
    if (await hasDecidedOnConsent(sql, person.id, request.id, claims.stage, claims.rev)) {
      throw new LinkRefused(409, 'You have decided already', `You have decided on revision ${claims.rev} at ${stage} already, through another link or the application.`);
    }
    if (request.status !== 'IN_REVIEW' || request.revision !== claims.rev || request.stage !== claims.stage) {
      const now = request.status === 'IN_REVIEW' ? `at revision ${request.revision} in ${reviewOf(request.stage!)}` : `${CONSENT_STATUS_NAME[request.status].toLowerCase()} (revision ${request.revision})`;
      throw new LinkRefused(409, 'This link is out of date', `The link was for revision ${claims.rev} at ${stage}; the request is now ${now}. Nothing was changed.`);
    }
    return { claims, person, request };
  }

  async function open(token: string): Promise<OpenLink> {
    const check = await verifyConsentLink(reviewLinkSecret, token);
    if (check.ok) return admit(check.claims);
    if (check.reason === 'invalid') throw new LinkRefused(404, ...NOT_VALID);
    throw new LinkRefused(410, 'This link has expired', 'Review links are valid for a limited time. Sign in to the application to read the request and decide there.');
  }

  async function render({ person, request, claims }: OpenLink, form: { error?: string; outcome?: string; comment?: string } = {}): Promise<string> {
    const names = await partnerNamesOf(sql, partnersOf(request));
    await auditEvent(sql, { actorId: person.id, action: 'consent.content_read', noteId: null, details: { consentId: request.id, what: 'review page', revision: request.revision } });
    const ref = consentRef(request.id);
    return renderPage('consent-review', {
      // The title lands in browser history: it names the request by its reference only.
      title: `Review ${ref}`,
      // What a partner gave is handled as Stg. Geheim, as a note not yet classified.
      banner: CLASSIFICATION_NAME.stg_geheim,
      ref,
      error: form.error,
      reviewerName: person.name,
      stageName: STAGE_NAME[claims.stage],
      revision: request.revision,
      shortHash: request.contentSha256.slice(0, 12),
      due: request.stageDueAt ? momentInWords(request.stageDueAt) : 'Not set',
      facts: consentFacts(request, names),
      justification: request.content.justification,
      decisions: request.decisions.map(decisionLine),
      outcomes: consentOutcomes(claims.stage).map(([value, label]) => ({ value, label, checked: form.outcome === value })),
      comment: form.comment ?? '',
    });
  }

  /** The decision of the form, through the consent service as every decision goes; its confirmation in a sentence. */
  async function decide({ claims, person, request }: OpenLink, outcome: Outcome, comment: string | undefined): Promise<[number, string]> {
    let after: Omit<ConsentView, 'content'>;
    try {
      // The link's id is the decision's id: the workflow refuses it a second time, so the link works once.
      after = await consentService.decide({ id: person.id, roles: person.roles }, request.id, { outcome, revision: claims.rev, stage: claims.stage, comment }, claims.jti);
    } catch (error) {
      if (error instanceof UnderWay) return [409, messagePage('This link has been used', 'A decision from this link is being recorded already.')];
      if (!(error instanceof ApiError)) throw error;
      return [error.status, messagePage('Your decision was not recorded', error.message, 'error')];
    }
    const recorded = (await findConsentDecision(sql, claims.jti))!;
    return [200, messagePage('Your decision is recorded', `${youDecided(request.id, outcome, claims, recorded.decidedAt)} ${afterConsentDecision(after.status)}`)];
  }

  const rateLimit = { max: deps.limits.reviewPerMinute, timeWindow: 60_000 };

  // No HEAD twin: a link scanner's HEAD would otherwise count as a read of the content.
  app.get('/review/consent/:token', { schema: { hide: true }, exposeHeadRoute: false, config: { rateLimit } }, async (request, reply) =>
    answerLinkPage(sql, reply, async () => [200, await render(await open(tokenOf(request.params)))]),
  );

  app.post('/review/consent/:token', { schema: { hide: true }, config: { rateLimit } }, async (request, reply) =>
    answerLinkPage(sql, reply, async () => {
      const link = await open(tokenOf(request.params));
      const form = Form.safeParse(request.body);
      if (!form.success) return [400, await render(link, { error: formProblem(form.error) })];
      const { outcome, comment } = form.data;
      if (outcome !== 'approve' && !comment) return [400, await render(link, { error: 'A comment is required to reject or request changes.', outcome })];
      return decide(link, outcome, comment);
    }),
  );
};

/** A decision as its maker reads it: `You approved revision 1 of TP-1A2B3C4D at legal review on 28 November 2026 at 21:55 UTC.` */
function youDecided(consentId: string, outcome: Outcome, claims: ConsentLinkClaims, at: Date): string {
  return `You ${DECISION_VERB[outcome]} revision ${claims.rev} of ${consentRef(consentId)} at ${reviewOf(claims.stage)} on ${momentInWords(at)}.`;
}
