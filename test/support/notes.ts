import { SEED_PARTNERS } from '../../dev/seed-data';
import type { NoteContentInput } from '../../domain/note-content';
import type { Stack } from './stack';

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
    async createNote(as: string, content: NoteContentInput = completeContent(), partnerId = SEED_PARTNERS[0]!.id): Promise<string> {
      const res = await call(as, 'POST', '/notes', { partnerId, content });
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
  };
}
