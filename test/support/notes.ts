import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/client';
import { insertPartner, insertSrmPriority } from '../../db/partners';
import type { NoteContentInput } from '../../domain/note-content';
import type { Partner, PartnerInput } from '../../domain/partner';
import type { Stack } from './stack';

/**
 * A partner of its own, registered straight into the database: a partner has one current note
 * (DOMAIN.md), and the suites of a run share one database, so each note a test means to keep
 * current needs a partner no other note holds. Without `srmPriority`, it has none, as a new partner;
 * with it, the head of service has set it.
 */
export async function newPartner(sql: Sql, { srmPriority, ...overrides }: Partial<PartnerInput> & { srmPriority?: number } = {}): Promise<Partner> {
  const id = randomUUID();
  const input: PartnerInput = { name: `Partner Service ${id.slice(0, 8)}`, country: 'Testland', kind: 'civil', relationships: [{ kind: 'bilateral', since: '2020-01-01' }], ...overrides };
  return sql.begin(async (tx) => {
    const partner = await insertPartner(tx, id, input, 'joke.hendriks');
    if (!partner) throw new Error(`partner ${id} exists`);
    if (srmPriority === undefined) return partner;
    await insertSrmPriority(tx, { id: randomUUID(), partnerId: id, priority: srmPriority, previous: null, justification: 'Set for a test.', setBy: 'gert.mulder' });
    return { ...partner, srmPriority };
  });
}

/** A note that passes every completeness check; overrides route it (risk, forms). */
export function completeContent(overrides: Partial<NoteContentInput> = {}): NoteContentInput {
  const criterion = (findings: string) => ({ findings, sources: ['Open-source assessment 2026'], rating: 'medium' as const, mitigations: '' });
  return {
    nationalSecurityInterest: 'Early warning on regional threats to deployed units.',
    criteria: {
      democraticEmbedding: criterion('Parliamentary oversight committee in place.'),
      humanRights: criterion('Concerns reported by NGOs in 2025.'),
      professionalism: criterion('Reliable in joint exercises.'),
      legalPowers: criterion('Bulk interception powers with judicial review.'),
      dataProtection: criterion('Data-protection authority audits the service.'),
    },
    overallRisk: 'medium',
    weighing: 'The interest outweighs the risk given the mitigations.',
    mitigations: 'Exchange limited to evaluated intelligence; annual review.',
    permittedCooperation: ['evaluated_intelligence_exchange'],
    classification: 'stg_geheim',
    reviewDate: '2028-06-30',
    ...overrides,
  };
}

/** Thin HTTP helpers over the stack's in-process API; each returns the raw response. */
export function api(stack: Stack) {
  const call = async (as: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    stack.app.inject({ method, url, headers: await stack.auth(as), ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    call,
    /** A new note, for a partner of its own unless `partnerId` names one. */
    async createNote(as: string, content: NoteContentInput = completeContent(), partnerId?: string): Promise<string> {
      const res = await call(as, 'POST', '/notes', { partnerId: partnerId ?? (await newPartner(stack.sql)).id, content });
      if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>().id;
    },
    submit: (as: string, id: string, revision?: number) => call(as, 'POST', `/notes/${id}/submit`, revision === undefined ? undefined : { revision }),
    /** A decision on the stage the note is at now (as a reviewer's screen shows it), unless `extra.stage` names another. */
    async decide(as: string, id: string, outcome: 'approve' | 'reject' | 'request_changes', revision = 1, extra: { comment?: string; stage?: string } = {}) {
      const stage = extra.stage ?? (await stack.sql<{ stage: string | null }[]>`select stage from notes where id = ${id}`)[0]?.stage ?? 'TEAM_REVIEW';
      return call(as, 'POST', `/notes/${id}/decisions`, { outcome, revision, ...extra, stage });
    },
    note: (as: string, id: string) => call(as, 'GET', `/notes/${id}`),
    /** Every item of a list, page after page (a list answers `{ items, total }`). */
    async all<T>(as: string, url: string): Promise<T[]> {
      const items: T[] = [];
      for (let total = Infinity; items.length < total; ) {
        const res = await call(as, 'GET', `${url}${url.includes('?') ? '&' : '?'}limit=200&offset=${items.length}`);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        const page = res.json<{ items: T[]; total: number }>();
        if (!page.items.length) break;
        items.push(...page.items);
        total = page.total;
      }
      return items;
    },
  };
}
