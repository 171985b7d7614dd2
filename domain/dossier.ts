import { z } from 'zod';
import { auditEntryHash, canonicalSha256, GENESIS_HASH } from './audit-chain';
import { Answer, ConsentStage, ConsentStatus } from './consent';
import { ConditionStatus } from './conditions';
import { Classification } from './note-content';
import { PartnerKind, RelationshipKind } from './partner';
import { NoteStatus, Outcome, Stage } from './pipeline';
import { consentRef, noteRef } from './wording';

/**
 * The dossier for oversight (issue 12): for a partner, or one note, every note and revision, every
 * decision with the hash of what it decided on, every consent request and condition, and the audit
 * entries that concern them with the proof that they stand in the hash-chained trail, as one JSON
 * document the oversight committee can verify without the system. Here: its format and its
 * verification, pure. `tools/verify-dossier.mjs` is the same verification in plain JavaScript with
 * nothing but Node (a test holds the two to the same verdicts); `docs/dossier.md` says it in words.
 */

export const DOSSIER_FORMAT = 'weighing-notes-dossier/1';

/**
 * Retention (DOMAIN.md: nothing is deleted by the application): every record of a dossier falls under
 * the service's selection list, which keeps them (`bewaren`): notes and their revisions, decisions,
 * consent requests and their answers, conditions, and the audit trail, with the partner's record and
 * the comments that decisions and withdrawals carry. One class today; each record names its own, so a
 * list that one day sets another for some records changes this function alone.
 */
export const RETENTION_BASIS = 'Generieke Selectielijst MIVD (versie 0.16 ter inzagelegging, maart 2015)';
const RetentionClass = z.enum(['bewaren']).describe('`bewaren`: keep; the record is never destroyed');
export const Retention = z.strictObject({ class: RetentionClass, basis: z.string() }).describe('The retention class of the record under the selection list, and that list');
export type Retention = z.infer<typeof Retention>;
export type RecordKind = 'partner' | 'note' | 'revision' | 'decision' | 'comment' | 'condition' | 'consent_request' | 'consent_answer' | 'audit_entry';
export const retentionOf = (_kind: RecordKind): Retention => ({ class: 'bewaren', basis: RETENTION_BASIS });

const Instant = z.string().describe('ISO 8601, UTC');
const Hash = z.string().describe('SHA-256, hex');
const Day = z.string().describe('YYYY-MM-DD');

const Revision = z.strictObject({
  revision: z.number().int(),
  authorId: z.string(),
  savedAt: Instant,
  content: z.record(z.string(), z.unknown()).describe('The revision whole, as stored: its SHA-256 is that of its canonical JSON'),
  contentSha256: Hash,
  retention: Retention,
});

const decisionFields = {
  id: z.uuid(),
  revision: z.number().int(),
  actorId: z.string(),
  outcome: Outcome,
  contentSha256: Hash.describe('The hash of the revision decided on'),
  decidedAt: Instant,
  retention: Retention,
};

const Condition = z.strictObject({
  id: z.uuid(),
  position: z.number().int(),
  source: z.string().describe('Where the revision states it: `mitigations` or `criteria.<criterion>.mitigations`'),
  revision: z.number().int().describe('The revision whose text it holds (for one carried over, the earlier note’s)'),
  text: z.string(),
  ownerId: z.string(),
  dueAt: Instant,
  status: ConditionStatus,
  closedBy: z.string().nullable(),
  closedAt: Instant.nullable(),
  evidence: z.string().nullable().describe('Fulfilled: the evidence; no longer applicable: the reason'),
  carriedFrom: z.uuid().nullable(),
  carriedTo: z.uuid().nullable(),
  createdAt: Instant,
  retention: Retention,
});

const Note = z.strictObject({
  id: z.uuid(),
  partnerId: z.uuid(),
  drafterId: z.string(),
  status: NoteStatus,
  stage: Stage.nullable(),
  currentRevision: z.number().int(),
  createdAt: Instant,
  adoptedAt: Instant.nullable(),
  reviewDueAt: Instant.nullable(),
  supersedes: z.uuid().nullable(),
  supersededBy: z.uuid().nullable(),
  reassessment: z.uuid().nullable(),
  retention: Retention,
  revisions: z.array(Revision),
  decisions: z.array(z.strictObject({ ...decisionFields, stage: Stage })),
  conditions: z.array(Condition),
});

const ConsentRequest = z.strictObject({
  id: z.uuid(),
  originatorId: z.uuid(),
  partnerIs: z.enum(['originator', 'recipient']).describe('Whether the dossier’s partner gave the information, or would receive it'),
  drafterId: z.string(),
  status: ConsentStatus,
  stage: ConsentStage.nullable(),
  currentRevision: z.number().int(),
  createdAt: Instant,
  requestedAt: Instant.nullable(),
  retention: Retention,
  revisions: z.array(Revision),
  decisions: z.array(z.strictObject({ ...decisionFields, stage: ConsentStage })),
  answer: z
    .strictObject({ id: z.uuid(), answer: Answer, givenOn: Day, conditions: z.string().nullable(), recordedBy: z.string(), recordedAt: Instant, retention: Retention })
    .nullable(),
});

const Partner = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  country: z.string(),
  kind: PartnerKind,
  createdBy: z.string(),
  createdAt: Instant,
  relationships: z.array(z.strictObject({ kind: RelationshipKind, since: Day })),
  srmPriorityHistory: z
    .array(z.strictObject({ id: z.uuid(), priority: z.number().int(), previous: z.number().int().nullable(), justification: z.string(), setBy: z.string().nullable(), setAt: Instant }))
    .describe('Every setting of its SRM priority, oldest first; setBy null: the system'),
  retention: Retention,
});

/** An entry's fields as its hash covers them. */
const ChainedEntry = z.strictObject({
  eventKey: z.string(),
  at: Instant,
  actorId: z.string().nullable(),
  action: z.string(),
  noteId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const Link = z
  .strictObject({ seq: z.number().int(), prevHash: Hash, hash: Hash, entry: ChainedEntry.optional(), retention: Retention.optional() })
  .describe('One entry of the trail: in full (`entry`) when it concerns the dossier, its hashes only otherwise');

export const Dossier = z
  .strictObject({
    format: z.literal(DOSSIER_FORMAT),
    exportedAt: Instant,
    exportedBy: z.string(),
    scope: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('partner'), partnerId: z.uuid() }), z.strictObject({ kind: z.literal('note'), noteId: z.uuid() })]),
    classification: Classification.describe('The highest classification of what it holds'),
    partner: Partner,
    notes: z.array(Note),
    consentRequests: z.array(ConsentRequest),
    comments: z
      .array(z.strictObject({ id: z.uuid(), body: z.string(), savedAt: Instant, retention: Retention }))
      .describe('Decision comments and the reasons of withdrawals and re-assessments, under the id of the decision or of the entry’s `ref`'),
    people: z.array(z.strictObject({ id: z.string(), name: z.string() })).describe('Everyone the dossier names, by id'),
    auditTrail: z.strictObject({
      genesis: Hash,
      head: z.strictObject({ seq: z.number().int(), hash: Hash }).describe('The trail’s last entry when the dossier was exported'),
      links: z.array(Link).describe('Every entry from the first that concerns the dossier to the head, in order'),
    }),
  })
  .describe('The dossier for oversight: see docs/dossier.md for how to verify it');
export type Dossier = z.infer<typeof Dossier>;
export type DossierNote = Dossier['notes'][number];
export type DossierLink = Dossier['auditTrail']['links'][number];

/** A highest classification: a revision not yet classified counts as Stg. Geheim, a partner's record alone as Dep. Vertrouwelijk. */
export function dossierClassification(notes: readonly Pick<DossierNote, 'revisions'>[], consentRequests: number): Classification {
  const levels = Classification.options;
  const ranks = notes.flatMap((note) => note.revisions.map((r) => levels.indexOf(Classification.safeParse(r.content.classification).data ?? 'stg_geheim')));
  // What a partner gave is handled as Stg. Geheim, as the consent pages do.
  if (consentRequests) ranks.push(levels.indexOf('stg_geheim'));
  return levels[Math.max(0, ...ranks)]!;
}

/** What holds, in order, and the first thing that does not. */
export interface DossierVerdict {
  ok: boolean;
  held: string[];
  broken?: string;
}

type Entry = z.infer<typeof ChainedEntry>;

/** A note or a consent request, as the checks read it. */
interface Decided {
  label: string;
  revisions: DossierNote['revisions'];
  decisions: (Omit<DossierNote['decisions'][number], 'stage'> & { stage: string })[];
  /** Whether an entry in full is about it. */
  about: (entry: Entry) => boolean;
}

/** The first thing that does not hold: it ends the verification. */
class Broken extends Error {}
const broken = (what: string): never => {
  throw new Broken(what);
};
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The text a revision states at a condition's source (`mitigations`, `criteria.<criterion>.mitigations`), trimmed; undefined if none. */
function statedAt(content: Record<string, unknown> | undefined, source: string): string | undefined {
  const value = source.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), content);
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * The checks, in order (`docs/dossier.md` says them in words; `tools/verify-dossier.mjs` makes them
 * again): each answers what holds, or stops at the first thing that does not.
 */
function checksOf(d: Dossier): (() => string)[] {
  const decided: Decided[] = [
    ...d.notes.map((n) => ({ label: `note ${noteRef(n.id)}`, revisions: n.revisions, decisions: n.decisions, about: (e: Entry) => e.noteId === n.id })),
    ...d.consentRequests.map((c) => ({ label: `consent request ${consentRef(c.id)}`, revisions: c.revisions, decisions: c.decisions, about: (e: Entry) => e.details.consentId === c.id })),
  ];
  const revisions = decided.flatMap((of) => of.revisions.map((revision) => ({ ...revision, of })));
  const decisions = decided.flatMap((of) => of.decisions.map((decision) => ({ ...decision, of })));
  const conditions = d.notes.flatMap((note) => note.conditions.map((condition) => ({ ...condition, note })));
  const { genesis, head, links } = d.auditTrail;
  const entries = links.flatMap((link) => link.entry ?? []);

  return [
    // 1. Every revision's content hashes to the hash it carries.
    () => {
      for (const r of revisions) if (canonicalSha256(r.content) !== r.contentSha256) broken(`${r.of.label} revision ${r.revision}: its content does not match its hash`);
      return `${count(revisions.length, 'revision')}: the SHA-256 of each one's content is the hash it carries`;
    },
    // 2. Every decision carries the hash of the revision it names.
    () => {
      for (const x of decisions) {
        const revision = x.of.revisions.find((r) => r.revision === x.revision);
        if (!revision) broken(`${x.of.label} decision ${x.id}: revision ${x.revision} is not in the dossier`);
        if (revision!.contentSha256 !== x.contentSha256) broken(`${x.of.label} decision ${x.id}: its hash is not that of revision ${x.revision}`);
      }
      return `${count(decisions.length, 'decision')}: each carries the hash of the revision it decided on`;
    },
    // 3. Every condition's text is what its revision states, or what the condition it was carried from says.
    () => {
      let outside = 0;
      for (const c of conditions) {
        const ref = `note ${noteRef(c.note.id)} condition ${c.position}`;
        if (c.carriedFrom === null) {
          if (statedAt(c.note.revisions.find((r) => r.revision === c.revision)?.content, c.source) !== c.text) broken(`${ref}: its text is not what revision ${c.revision} states`);
          continue;
        }
        const from = conditions.find((other) => other.id === c.carriedFrom);
        if (!from) outside += 1;
        else if (from.text !== c.text) broken(`${ref}: its text is not that of the condition it was carried from`);
      }
      return `${count(conditions.length, 'condition')}: each one's text is what its revision states${outside ? ` (${outside} carried from a note outside the dossier, not checked)` : ''}`;
    },
    // 4. The chain: each entry in full hashes, with the hash before it, to its own; each link follows the one before it; the last is the head.
    () => {
      if (genesis !== GENESIS_HASH) broken(`the audit trail's genesis is not ${GENESIS_HASH}`);
      for (const [i, link] of links.entries()) {
        const before = links[i - 1];
        if (before && link.seq <= before.seq) broken(`audit entry #${link.seq} comes after #${before.seq}: out of order`);
        if (before && link.prevHash !== before.hash) broken(`audit entry #${link.seq} does not link to #${before.seq}, the entry before it in the proof`);
        if (link.entry && auditEntryHash(link.prevHash, link.entry) !== link.hash) broken(`audit entry #${link.seq}: its fields do not match its hash`);
      }
      const last = links.at(-1);
      if (last && (last.seq !== head.seq || last.hash !== head.hash)) broken(`the proof does not end at the trail's head at export, #${head.seq}`);
      const from = links[0]?.prevHash === GENESIS_HASH ? 'the genesis' : `#${links[0]?.seq ?? head.seq}`;
      return `the audit trail: ${count(links.length, 'entry', 'entries')} from ${from} to the head at export (#${head.seq}, ${head.hash}), ${entries.length} in full: each in full matches its hash, each links to the one before it`;
    },
    // 5. Every revision and decision is on the record: an entry proven in 4 names it with its hash.
    () => {
      for (const r of revisions) {
        const named = entries.some((e) => r.of.about(e) && e.details.revision === r.revision && e.details.contentSha256 === r.contentSha256);
        if (!named) broken(`${r.of.label} revision ${r.revision} is not on the record: no entry of the dossier names it with its hash`);
      }
      for (const x of decisions) {
        const e = entries.find((entry) => x.of.about(entry) && entry.details.decisionId === x.id);
        const same = e && e.actorId === x.actorId && e.details.outcome === x.outcome && e.details.decidedStage === x.stage && e.details.contentSha256 === x.contentSha256;
        if (!same) broken(`${x.of.label} decision ${x.id} is not on the record as the dossier states it`);
      }
      return 'each revision and decision is on the record: an entry proven above names it with its hash';
    },
  ];
}

/** Verifies a dossier as read (JSON parsed): what holds, in order, up to the first thing that does not. */
export function verifyDossier(json: unknown): DossierVerdict {
  const parsed = Dossier.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, held: [], broken: `not a dossier of format ${DOSSIER_FORMAT}: at ${issue.path.join('.') || 'the top'}: ${issue.message}` };
  }
  const held = [`format ${DOSSIER_FORMAT}`];
  try {
    for (const check of checksOf(parsed.data)) held.push(check());
    return { ok: true, held };
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    return { ok: false, held, broken: error.message };
  }
}
