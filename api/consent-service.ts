import { randomUUID } from 'node:crypto';
import { auditEvent } from '../db/audit';
import type { Sql } from '../db/client';
import {
  consentHistory,
  consentSha256,
  consentTasksFor,
  type ConsentFilter,
  type ConsentView,
  dropPendingConsentRevision,
  dropStagedAnswer,
  findConsent,
  insertConsent,
  insertConsentRevision,
  listConsents,
  markConsentStarted,
  permittedFormsOf,
  stageAnswer,
} from '../db/consents';
import type { PageRequest } from '../db/page';
import { findPartner } from '../db/partners';
import {
  answerDateRefusal,
  answerRefusal,
  type AnswerInput,
  type ConsentContent,
  type ConsentPolicy,
  type ConsentStage,
  isConsentFinal,
  isOrganisation,
  mayAskConsent,
  newConsentState,
  recipientRefusal,
  sharingRefusal,
} from '../domain/consent';
import { mayReadConsent, readGrant } from '../domain/need-to-know';
import type { Outcome } from '../domain/pipeline';
import type { Refusal } from '../domain/refusal';
import type { Actor } from '../domain/roles';
import { consentAnswerUpdate, consentDecideUpdate, consentReviseUpdate, consentSubmitUpdate, consentWithdrawUpdate } from '../workflows';
import type { ConsentWorkflows } from './consent-workflow';
import { ApiError } from './errors';
import { stagedText } from './staged-text';

export interface ConsentServiceDeps {
  sql: Sql;
  consents: ConsentWorkflows;
  /** The rules each new request's workflow is started with. */
  consentPolicy: ConsentPolicy;
  temporalCallTimeoutMs: number;
}

export interface ConsentDecisionInput {
  outcome: Outcome;
  revision: number;
  stage: ConsentStage;
  comment?: string;
}

const refused = (refusal: Refusal | undefined) => {
  if (refusal) throw ApiError.from(refusal);
};

/**
 * What staff do with consent requests (the third-party rule), for the JSON API, the staff pages and
 * the review link alike: each rule is checked here (or in the domain and the workflow behind it) once.
 * Refusals are ApiErrors. Content stays in PostgreSQL; the workflow sees ids, hashes and states.
 */
export function consentService({ sql, consents, consentPolicy, temporalCallTimeoutMs }: ConsentServiceDeps) {
  /**
   * The request, if this person may read it; otherwise 404, as if it did not exist (need to know). One
   * whose creating request never heard whether its execution started exists once Temporal says so.
   */
  async function readable(actor: Actor, id: string): Promise<ConsentView> {
    const request = await findConsent(sql, id);
    if (!request || !mayReadConsent(actor, request)) throw new ApiError(404, 'no such consent request');
    if (!request.started) {
      if (!(await consents.exists(id))) throw new ApiError(404, 'no such consent request');
      await sql.begin((tx) => markConsentStarted(tx, request));
    }
    return request;
  }

  /** The request as a response to this person, its content read on the record. */
  async function show(actor: Actor, id: string, what: string): Promise<ConsentView> {
    const request = await readable(actor, id);
    await auditEvent(sql, { actorId: actor.id, action: 'consent.content_read', noteId: null, details: { consentId: request.id, what, revision: request.revision } });
    return request;
  }

  /** The answer to a submission, decision or withdrawal: its new state, not its content (as `stateAfter` of notes). */
  async function stateAfter(actor: Actor, id: string): Promise<Omit<ConsentView, 'content'>> {
    const { content, ...state } = await readable(actor, id);
    return state;
  }

  /** A request this person may read that has not ended. */
  async function open(actor: Actor, id: string): Promise<ConsentView> {
    const request = await readable(actor, id);
    if (isConsentFinal(request.status)) throw new ApiError(409, `the request is ${request.status}; it has ended`);
    return request;
  }

  /**
   * The recipient is a third party, and one that may receive the information: a partner service whose
   * ACTIVE weighing note permits the form of cooperation (the up-front refusal), or NATO or the EU.
   */
  async function checkRecipient(originatorId: string, content: ConsentContent): Promise<void> {
    refused(recipientRefusal(originatorId, content));
    const { recipient, form } = content;
    if (isOrganisation(recipient)) return;
    if (!(await findPartner(sql, recipient))) throw new ApiError(422, 'the recipient is no registered partner service', { field: 'recipient' });
    refused(sharingRefusal(recipient, form, await permittedFormsOf(sql, recipient)));
  }

  /** Runs a request whose free text (a comment, a reason) is kept in PostgreSQL under its id, as for notes. */
  const withText = stagedText(sql, temporalCallTimeoutMs);

  return {
    show,
    list: (actor: Actor, filter: ConsentFilter) => listConsents(sql, filter, readGrant(actor)),

    /** The requests this person may decide on now, oldest due first. */
    tasks: (actor: Actor, page: PageRequest) => consentTasksFor(sql, actor.id, readGrant(actor), page),

    /** The request's story; it carries comments and reasons, which are content. */
    async history(actor: Actor, id: string) {
      return consentHistory(sql, (await show(actor, id, 'history')).id);
    },

    async create(actor: Actor, { originatorId, content }: { originatorId: string; content: ConsentContent }) {
      if (!mayAskConsent(actor)) throw new ApiError(403, 'a consent request is made by a drafter');
      if (!(await findPartner(sql, originatorId))) throw new ApiError(422, 'the originating partner is no registered partner service', { field: 'originatorId' });
      await checkRecipient(originatorId, content);
      const id = randomUUID();
      const hash = consentSha256(content);
      const request = { id, originatorId, drafterId: actor.id, contentSha256: hash };
      // The request exists for no one until its execution does; no transaction waits on Temporal.
      await sql.begin((tx) => insertConsent(tx, { ...request, content }));
      try {
        await consents.start(newConsentState({ consentId: id, originatorId, drafterId: actor.id, current: { revision: 1, contentSha256: hash, authorId: actor.id }, policy: consentPolicy }));
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError(503, 'Temporal did not confirm the request’s start in time; try again, or read the request, which exists if it started', { id });
      }
      await sql.begin((tx) => markConsentStarted(tx, request));
      return { id, status: 'DRAFT' as const, revision: 1 };
    },

    async saveDraft(actor: Actor, id: string, { content, baseRevision }: { content: ConsentContent; baseRevision: number }) {
      const request = await open(actor, id);
      if (actor.id !== request.drafterId) throw new ApiError(403, 'only the request’s drafter may revise it');
      if (baseRevision !== request.revision) throw new ApiError(409, `revision ${baseRevision} is not the latest (${request.revision})`, { latestRevision: request.revision });
      await checkRecipient(request.originatorId, content);
      const revision = request.revision + 1;
      const hash = consentSha256(content);
      // Saved pending, then offered to the workflow, whose projection accepts it (as a note's draft).
      const saved = await insertConsentRevision(sql, { consentId: id, revision, content, contentSha256: hash, authorId: actor.id, accepted: false });
      try {
        await consents.update(id, consentReviseUpdate, { actor, facts: { revision, contentSha256: hash, authorId: actor.id } });
      } catch (error) {
        if (saved && error instanceof ApiError && error.status < 500) await dropPendingConsentRevision(sql, id, revision, hash);
        throw error;
      }
      return show(actor, id, 'draft response');
    },

    async submit(actor: Actor, id: string, revision?: number) {
      const request = await open(actor, id);
      await consents.update(id, consentSubmitUpdate, { actor, revision: revision ?? request.revision });
      return stateAfter(actor, id);
    },

    /**
     * A decision at the open stage; the head of service's approval sends the request, so the
     * recipient is checked again then (its weighing note may have ended meanwhile). `decisionId`: a
     * review link's own id, which the workflow accepts once, so that the link works once.
     */
    async decide(actor: Actor, id: string, { comment, ...decision }: ConsentDecisionInput, decisionId: string = randomUUID()) {
      const request = await open(actor, id);
      if (decision.stage === 'HEAD_OF_SERVICE' && decision.outcome === 'approve' && decision.revision === request.revision) {
        await checkRecipient(request.originatorId, request.content);
      }
      await withText(decisionId, comment, () => consents.update(id, consentDecideUpdate, { decisionId, actor, ...decision }));
      return stateAfter(actor, id);
    },

    /** The partner's answer, with the day it was given and any conditions: kept here, the workflow told its kind. */
    async recordAnswer(actor: Actor, id: string, { answer, givenOn, conditions }: AnswerInput) {
      const request = await open(actor, id);
      refused(answerRefusal(actor, request));
      refused(answerDateRefusal(givenOn, request.requestedAt!, new Date()));
      const answerId = randomUUID();
      await stageAnswer(sql, { id: answerId, consentId: id, answer, givenOn, conditions: conditions ?? null, recordedBy: actor.id });
      try {
        await consents.update(id, consentAnswerUpdate, { answerId, actor, answer });
      } catch (error) {
        if (error instanceof ApiError) await dropStagedAnswer(sql, answerId);
        throw error;
      }
      return show(actor, id, 'answer response');
    },

    async withdraw(actor: Actor, id: string, reason: string) {
      await open(actor, id);
      const eventId = randomUUID();
      await withText(eventId, reason, () => consents.update(id, consentWithdrawUpdate, { eventId, actor }));
      return stateAfter(actor, id);
    },
  };
}
export type ConsentService = ReturnType<typeof consentService>;
