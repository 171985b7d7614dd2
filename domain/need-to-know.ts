import { STAGE_ROLE, STAGES, type Stage } from './pipeline';
import { type Actor, hasRole, type Role } from './roles';

/**
 * Need to know (DOMAIN.md): a note is read by its drafter, the reviewers of the stages it has
 * reached, the head of service, the minister once it reaches the minister, and the auditor. To
 * anyone else it does not exist: the API answers 404, since even a note's existence for a
 * partner is sensitive. Routes and pages ask `mayReadNote`; lists translate `readGrant` to SQL.
 */

/** Roles that read every note: the head of service answers for every relation, the auditor oversees. */
export const READS_EVERY_NOTE: Role[] = ['head_of_service', 'auditor'];

/** What a note's readers depend on. */
export interface NoteAudience {
  drafterId: string;
  /** Every review stage the note has been at, on any revision. */
  reachedStages: readonly Stage[];
}

/** What one person may read, in a form a query can use. */
export interface ReadGrant {
  everyNote: boolean;
  /** Set for a drafter: the notes they draft. */
  draftedBy: string | null;
  /** The stages at which this person reviews: a note that reached one is theirs to read. */
  stages: Stage[];
}

export function readGrant(actor: Actor): ReadGrant {
  return {
    everyNote: hasRole(actor, ...READS_EVERY_NOTE),
    draftedBy: hasRole(actor, 'drafter') ? actor.id : null,
    stages: STAGES.filter((stage) => hasRole(actor, STAGE_ROLE[stage])),
  };
}

export function mayReadNote(actor: Actor, note: NoteAudience): boolean {
  const grant = readGrant(actor);
  return grant.everyNote || grant.draftedBy === note.drafterId || note.reachedStages.some((stage) => grant.stages.includes(stage));
}

/**
 * Need to know of a consent request (the third-party rule): its drafter, legal advisers once it reached
 * legal review (and after, as for a note sent back), the head of service and the auditor; to anyone
 * else it does not exist (404). It is the note's rule over the request's own stages (legal review, the
 * head of service), which no team lead or minister reviews: lists translate the same `readGrant`.
 */
export const mayReadConsent = (actor: Actor, request: NoteAudience) => mayReadNote(actor, request);
