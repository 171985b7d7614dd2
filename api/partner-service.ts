import { randomUUID } from 'node:crypto';
import { appendAudit, auditEvent } from '../db/audit';
import type { Sql } from '../db/client';
import type { PageRequest } from '../db/page';
import { currentSrmPriority, findPartner, insertPartner, insertSrmPriority, isNameTaken, listPartners, lockPartner, srmPriorityHistory, updatePartner } from '../db/partners';
import { inKindOrder, type Partner, type PartnerChange, type PartnerInput, SRM_PRIORITY_SETTERS, type SrmPriorityEntry, type SrmPriorityInput } from '../domain/partner';
import { type Actor, hasRole, type Role, STAFF_ROLES } from '../domain/roles';
import { requireRole } from './auth';
import { ApiError } from './errors';

/** Who registers and changes partner services (DOMAIN.md: the admin; drafters at the partner desks). */
const PARTNER_EDITORS: Role[] = ['admin', 'drafter'];

/** What the trail keeps of a partner before and after a change. */
const onRecord = ({ name, country, kind, relationships }: Partner): PartnerInput => ({ name, country, kind, relationships });

/** The refusal of a name and country another partner has, naming the field a form shows it beside. */
const nameTaken = () => new ApiError(409, 'a partner with this name and country exists', { field: 'name' });
const noSuchPartner = () => new ApiError(404, 'no such partner');

/**
 * Partner services, for the JSON API and the staff pages alike. A partner's identity is itself
 * sensitive: who registered, changed or read which partner is on the record.
 */
export function partnerService({ sql }: { sql: Sql }) {
  return {
    mayRead: (actor: Actor) => hasRole(actor, ...STAFF_ROLES),
    mayChange: (actor: Actor) => hasRole(actor, ...PARTNER_EDITORS),
    maySetPriority: (actor: Actor) => hasRole(actor, ...SRM_PRIORITY_SETTERS),

    /** A new partner has no SRM priority until the head of service sets one. */
    async create(actor: Actor, input: PartnerInput): Promise<Partner> {
      requireRole(actor, ...PARTNER_EDITORS);
      const partner = await sql.begin(async (tx) => {
        const created = await insertPartner(tx, randomUUID(), input, actor.id);
        if (created) await appendAudit(tx, { eventKey: `partner/${created.id}/created`, at: new Date(), actorId: actor.id, action: 'partner.created', noteId: null, details: { partnerId: created.id } });
        return created;
      });
      if (!partner) throw nameTaken();
      return partner;
    },

    async list(actor: Actor, page: PageRequest) {
      requireRole(actor, ...STAFF_ROLES);
      const partners = await listPartners(sql, page);
      await auditEvent(sql, { actorId: actor.id, action: 'partner.list_read', noteId: null, details: { count: partners.items.length } });
      return partners;
    },

    async show(actor: Actor, id: string): Promise<Partner> {
      requireRole(actor, ...STAFF_ROLES);
      const partner = await findPartner(sql, id);
      if (!partner) throw noSuchPartner();
      await auditEvent(sql, { actorId: actor.id, action: 'partner.read', noteId: null, details: { partnerId: partner.id } });
      return partner;
    },

    /** Changes what the change names; setting what is so already changes nothing and is not on the record. */
    async update(actor: Actor, id: string, change: PartnerChange): Promise<{ partner: Partner; changed: boolean }> {
      requireRole(actor, ...PARTNER_EDITORS);
      try {
        return await sql.begin(async (tx) => {
          const before = await lockPartner(tx, id);
          if (!before) throw noSuchPartner();
          const after: Partner = { ...before, ...change, relationships: inKindOrder(change.relationships ?? before.relationships) };
          if (JSON.stringify(onRecord(after)) === JSON.stringify(onRecord(before))) return { partner: before, changed: false };
          await updatePartner(tx, id, after);
          const details = { partnerId: id, before: onRecord(before), after: onRecord(after) };
          await appendAudit(tx, { eventKey: `partner/${id}/updated/${randomUUID()}`, at: new Date(), actorId: actor.id, action: 'partner.updated', noteId: null, details });
          return { partner: after, changed: true };
        });
      } catch (error) {
        throw isNameTaken(error) ? nameTaken() : error;
      }
    },

    /**
     * Sets the partner's SRM priority: the head of service's alone, with a justification kept beside it
     * (the trail names the setting, not its text). Setting the priority it has already changes nothing
     * and answers the setting that gave it.
     */
    async setPriority(actor: Actor, id: string, { priority, justification }: SrmPriorityInput): Promise<{ entry: SrmPriorityEntry; changed: boolean }> {
      requireRole(actor, ...SRM_PRIORITY_SETTERS);
      return sql.begin(async (tx) => {
        const partner = await lockPartner(tx, id);
        if (!partner) throw noSuchPartner();
        const current = await currentSrmPriority(tx, id);
        if (current?.priority === priority) return { entry: current, changed: false };
        const entry = await insertSrmPriority(tx, { id: randomUUID(), partnerId: id, priority, previous: current?.priority ?? null, justification, setBy: actor.id });
        const details = { partnerId: id, srmPriorityEntry: entry.id, priorityBefore: entry.previous, priorityAfter: entry.priority };
        await appendAudit(tx, { eventKey: `partner/${id}/srm-priority/${entry.id}`, at: new Date(), actorId: actor.id, action: 'partner.srm_priority_set', noteId: null, details });
        return { entry, changed: true };
      });
    },

    /** Every setting of the partner's SRM priority, newest first: read by staff, as the partner is, and on the record. */
    async priorityHistory(actor: Actor, id: string, page: PageRequest) {
      requireRole(actor, ...STAFF_ROLES);
      if (!(await findPartner(sql, id))) throw noSuchPartner();
      const history = await srmPriorityHistory(sql, id, page);
      await auditEvent(sql, { actorId: actor.id, action: 'partner.read', noteId: null, details: { partnerId: id, what: 'SRM priority history' } });
      return history;
    },
  };
}
export type PartnerService = ReturnType<typeof partnerService>;
