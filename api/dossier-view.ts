import { auditActionName } from '../domain/audit-actions';
import type { ConditionSource } from '../domain/conditions';
import { canonicalJson } from '../domain/canonical-json';
import { isOrganisation } from '../domain/consent';
import type { Dossier, DossierVerdict, Retention } from '../domain/dossier';
import { type CooperationForm, NoteContent } from '../domain/note-content';
import type { Outcome, Stage } from '../domain/pipeline';
import {
  ANSWER_NAME,
  CLASSIFICATION_NAME,
  CONDITION_STATUS_NAME,
  conditionSourceName,
  CONSENT_STATUS_NAME,
  consentRef,
  COOPERATION_FORM_NAME,
  dayInWords,
  noteRef,
  ORGANISATION_NAME,
  PARTNER_KIND_NAME,
  relationshipsInWords,
  STAGE_NAME,
  STATUS_NAME,
  srmPriorityName,
  utcMinute,
} from '../domain/wording';
import { renderPage } from './pages';
import { contentAsText } from './staff/revision-diff';

/**
 * The dossier's printable rendering (`api/views/dossier.eta`): every record of the JSON, codes in
 * words, each with its retention class, and how to verify the JSON without the system. Everything
 * is text that the template escapes; no scripts.
 */

const OUTCOME_NAME: Record<Outcome, string> = { approve: 'Approved', reject: 'Rejected', request_changes: 'Changes requested' };
const RETENTION_NAME: Record<Retention['class'], string> = { bewaren: 'Keep (bewaren)' };

const when = (at: string | null) => (at ? utcMinute(at) : '—');
const retained = (r: Retention) => `${RETENTION_NAME[r.class]}, ${r.basis}`;

/** The content of a note's revision as its fields read, or its JSON where it is no note content this version knows. */
function noteFields(content: Record<string, unknown>) {
  const parsed = NoteContent.safeParse(content);
  if (!parsed.success) return [{ label: 'Content (JSON)', text: canonicalJson(content) }];
  return contentAsText(parsed.data).map(({ label, text }) => ({ label, text }));
}

export function renderDossier(d: Dossier, verdict: DossierVerdict, fileName: string): string {
  const names = new Map(d.people.map((p) => [p.id, p.name]));
  const who = (id: string | null) => (id === null ? 'The system' : names.has(id) ? `${names.get(id)} (${id})` : id);
  const comments = new Map(d.comments.map((c) => [c.id, c]));
  const partnerName = (id: string) => (id === d.partner.id ? d.partner.name : id);
  const decision = (x: { id: string; stage: Stage; revision: number; actorId: string; outcome: Outcome; contentSha256: string; decidedAt: string; retention: Retention }) => ({
    at: when(x.decidedAt),
    by: who(x.actorId),
    stage: STAGE_NAME[x.stage],
    revision: x.revision,
    outcome: OUTCOME_NAME[x.outcome],
    hash: x.contentSha256,
    comment: comments.get(x.id)?.body ?? null,
    retention: retained(x.retention),
  });
  const decisionIds = new Set([...d.notes, ...d.consentRequests].flatMap((r) => r.decisions.map((x) => x.id)));
  const full = d.auditTrail.links.filter((link) => link.entry);
  const title = d.scope.kind === 'partner' ? `Dossier for oversight: ${d.partner.name}` : `Dossier for oversight: wegingsnotitie ${noteRef(d.scope.noteId)}`;

  return renderPage('dossier', {
    title,
    classification: CLASSIFICATION_NAME[d.classification],
    facts: [
      ['Covers', d.scope.kind === 'partner' ? `The partner service ${d.partner.name}: every note, consent request and condition` : `The wegingsnotitie ${noteRef(d.scope.noteId)} of ${d.partner.name}`],
      ['Exported', `${when(d.exportedAt)} by ${who(d.exportedBy)}`],
      ['Format', d.format],
      ['JSON file', fileName],
      ['Audit trail head at export', `#${d.auditTrail.head.seq} ${d.auditTrail.head.hash}`],
    ],
    verdict,
    partner: {
      facts: [
        ['Name', d.partner.name],
        ['Country', d.partner.country],
        ['Kind', PARTNER_KIND_NAME[d.partner.kind]],
        ['Relationships', relationshipsInWords(d.partner.relationships) || '—'],
        ['Registered', `${when(d.partner.createdAt)} by ${who(d.partner.createdBy)}`],
        ['Retention', retained(d.partner.retention)],
      ],
      priorities: d.partner.srmPriorityHistory.map((h) => ({
        at: when(h.setAt),
        by: who(h.setBy),
        from: h.previous === null ? '—' : srmPriorityName(h.previous),
        to: srmPriorityName(h.priority),
        why: h.justification,
      })),
    },
    notes: d.notes.map((n) => ({
      ref: noteRef(n.id),
      facts: [
        ['Id', n.id],
        ['Status', `${STATUS_NAME[n.status]}${n.stage ? `: ${STAGE_NAME[n.stage]}` : ''}`],
        ['Current revision', String(n.currentRevision)],
        ['Drafter', who(n.drafterId)],
        ['Created', when(n.createdAt)],
        ['Adopted', when(n.adoptedAt)],
        ['Review date', n.reviewDueAt ? dayInWords(n.reviewDueAt) : '—'],
        ...(n.supersedes ? [['Re-assesses', noteRef(n.supersedes)]] : []),
        ...(n.supersededBy ? [['Superseded by', noteRef(n.supersededBy)]] : []),
        ['Retention', retained(n.retention)],
      ],
      revisions: n.revisions.map((r) => ({ number: r.revision, by: who(r.authorId), at: when(r.savedAt), hash: r.contentSha256, retention: retained(r.retention), fields: noteFields(r.content) })),
      decisions: n.decisions.map(decision),
      conditions: n.conditions.map((c) => ({
        position: c.position,
        source: `${conditionSourceName(c.source as ConditionSource)}, revision ${c.revision}`,
        text: c.text,
        owner: who(c.ownerId),
        due: when(c.dueAt),
        status: CONDITION_STATUS_NAME[c.status],
        closed: c.closedAt ? `${when(c.closedAt)}${c.closedBy ? ` by ${who(c.closedBy)}` : ''}` : '—',
        evidence: c.evidence,
        retention: retained(c.retention),
      })),
    })),
    consents: d.consentRequests.map((c) => ({
      ref: consentRef(c.id),
      facts: [
        ['Id', c.id],
        ['This partner', c.partnerIs === 'originator' ? 'Gave the information (the originating partner)' : `Would receive it (from ${partnerName(c.originatorId)})`],
        ['Status', `${CONSENT_STATUS_NAME[c.status]}${c.stage ? `: ${STAGE_NAME[c.stage]}` : ''}`],
        ['Drafter', who(c.drafterId)],
        ['Created', when(c.createdAt)],
        ['Sent to the partner', when(c.requestedAt)],
        ['Retention', retained(c.retention)],
      ],
      revisions: c.revisions.map((r) => {
        const recipient = String(r.content.recipient);
        return {
          number: r.revision,
          by: who(r.authorId),
          at: when(r.savedAt),
          hash: r.contentSha256,
          retention: retained(r.retention),
          fields: [
            { label: 'Recipient', text: isOrganisation(recipient) ? ORGANISATION_NAME[recipient] : partnerName(recipient) },
            { label: 'Information (reference)', text: String(r.content.informationRef) },
            { label: 'Form of cooperation', text: COOPERATION_FORM_NAME[r.content.form as CooperationForm] ?? String(r.content.form) },
            { label: 'Justification', text: String(r.content.justification) },
          ],
        };
      }),
      decisions: c.decisions.map(decision),
      answer: c.answer && {
        answer: ANSWER_NAME[c.answer.answer],
        givenOn: dayInWords(c.answer.givenOn),
        conditions: c.answer.conditions,
        recorded: `${when(c.answer.recordedAt)} by ${who(c.answer.recordedBy)}`,
        retention: retained(c.answer.retention),
      },
    })),
    reasons: d.comments.filter((c) => !decisionIds.has(c.id)).map((c) => ({ id: c.id, at: when(c.savedAt), body: c.body, retention: retained(c.retention) })),
    trail: {
      span: d.auditTrail.links.length
        ? `${d.auditTrail.links.length} entries, #${d.auditTrail.links[0]!.seq} to #${d.auditTrail.head.seq}; ${full.length} concern this dossier and are shown below, the ${d.auditTrail.links.length - full.length} others are in the JSON file as their hashes only.`
        : 'No entry of the trail concerns this dossier.',
      entries: full.map(({ seq, prevHash, hash, entry, retention }) => ({
        seq,
        at: when(entry!.at),
        by: who(entry!.actorId),
        action: auditActionName(entry!.action),
        note: entry!.noteId ? noteRef(entry!.noteId) : '—',
        fields: canonicalJson({ eventKey: entry!.eventKey, at: entry!.at, actorId: entry!.actorId, action: entry!.action, noteId: entry!.noteId, details: entry!.details }),
        prevHash,
        hash,
        retention: retained(retention!),
      })),
    },
  });
}
