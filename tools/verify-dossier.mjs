#!/usr/bin/env node
// Verifies a dossier for oversight exported by the weighing-notes product, without the product: plain
// JavaScript with Node's standard library alone (Node 20 or later), so that the oversight committee can
// read it whole and run it anywhere.
//
//   node tools/verify-dossier.mjs dossier.json
//
// It prints what it checked, and exits 0 when everything holds, 1 at the first thing that does not (or
// when the file is no dossier). The same steps are written out in words in docs/dossier.md and in the
// dossier's printable rendering, for anyone who would rather implement them anew.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const FORMAT = 'weighing-notes-dossier/1';
/** The hash the trail's first entry links to. */
export const GENESIS = '0'.repeat(64);

/**
 * Canonical JSON: no spaces, the keys of every object sorted by UTF-16 code units (JavaScript's `<`),
 * members whose value is undefined left out, everything else as JSON.stringify writes it.
 */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 of a value's canonical JSON (UTF-8), as 64 lowercase hex digits. */
export const hashOf = (value) => createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');

/** An audit entry's hash: over the hash before it and the six fields of the entry. */
const entryHash = (prevHash, { eventKey, at, actorId, action, noteId, details }) => hashOf({ prevHash, eventKey, at, actorId, action, noteId, details });
const ENTRY_FIELDS = ['action', 'actorId', 'at', 'details', 'eventKey', 'noteId'];

class Broken extends Error {}
const broken = (what) => {
  throw new Broken(what);
};
const need = (ok, what) => ok || broken(`not a dossier of format ${FORMAT}: ${what}`);
const count = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const ref = (prefix, id) => `${prefix}-${String(id).slice(0, 8).toUpperCase()}`;
const isList = (value) => Array.isArray(value);

/** The text a revision states at a condition's source (`mitigations`, `criteria.<criterion>.mitigations`), trimmed. */
function statedAt(content, source) {
  const value = String(source)
    .split('.')
    .reduce((at, key) => (at && typeof at === 'object' ? at[key] : undefined), content);
  return typeof value === 'string' ? value.trim() : undefined;
}

/** The checks, in order: each returns what holds, or throws the first thing that does not. */
function checksOf(d) {
  need(d && typeof d === 'object' && d.format === FORMAT, 'its format is not named');
  need(isList(d.notes) && isList(d.consentRequests) && d.auditTrail && isList(d.auditTrail.links) && d.auditTrail.head, 'notes, consent requests or the audit trail missing');
  for (const r of [...d.notes, ...d.consentRequests]) need(isList(r.revisions) && isList(r.decisions), `${r.id}: revisions or decisions missing`);
  for (const n of d.notes) need(isList(n.conditions), `${n.id}: conditions missing`);
  for (const link of d.auditTrail.links) need(!link.entry || Object.keys(link.entry).sort().join() === ENTRY_FIELDS.join(), `audit entry #${link.seq}: fields its hash does not cover, or too few`);

  const decided = [
    ...d.notes.map((n) => ({ label: `note ${ref('WN', n.id)}`, revisions: n.revisions, decisions: n.decisions, about: (e) => e.noteId === n.id })),
    ...d.consentRequests.map((c) => ({ label: `consent request ${ref('TP', c.id)}`, revisions: c.revisions, decisions: c.decisions, about: (e) => e.details?.consentId === c.id })),
  ];
  const revisions = decided.flatMap((of) => of.revisions.map((revision) => ({ ...revision, of })));
  const decisions = decided.flatMap((of) => of.decisions.map((decision) => ({ ...decision, of })));
  const conditions = d.notes.flatMap((note) => note.conditions.map((condition) => ({ ...condition, note })));
  const { genesis, head, links } = d.auditTrail;
  const entries = links.flatMap((link) => link.entry ?? []);

  return [
    // 1. Every revision's content hashes to the hash it carries.
    () => {
      for (const r of revisions) if (hashOf(r.content) !== r.contentSha256) broken(`${r.of.label} revision ${r.revision}: its content does not match its hash`);
      return `${count(revisions.length, 'revision')}: the SHA-256 of each one's content is the hash it carries`;
    },
    // 2. Every decision carries the hash of the revision it names.
    () => {
      for (const x of decisions) {
        const revision = x.of.revisions.find((r) => r.revision === x.revision);
        if (!revision) broken(`${x.of.label} decision ${x.id}: revision ${x.revision} is not in the dossier`);
        if (revision.contentSha256 !== x.contentSha256) broken(`${x.of.label} decision ${x.id}: its hash is not that of revision ${x.revision}`);
      }
      return `${count(decisions.length, 'decision')}: each carries the hash of the revision it decided on`;
    },
    // 3. Every condition's text is what its revision states, or what the condition it was carried from says.
    () => {
      let outside = 0;
      for (const c of conditions) {
        const name = `note ${ref('WN', c.note.id)} condition ${c.position}`;
        if (c.carriedFrom === null) {
          if (statedAt(c.note.revisions.find((r) => r.revision === c.revision)?.content, c.source) !== c.text) broken(`${name}: its text is not what revision ${c.revision} states`);
          continue;
        }
        const from = conditions.find((other) => other.id === c.carriedFrom);
        if (!from) outside += 1;
        else if (from.text !== c.text) broken(`${name}: its text is not that of the condition it was carried from`);
      }
      return `${count(conditions.length, 'condition')}: each one's text is what its revision states${outside ? ` (${outside} carried from a note outside the dossier, not checked)` : ''}`;
    },
    // 4. The chain: each entry in full hashes, with the hash before it, to its own; each link follows the one before it; the last is the head.
    () => {
      if (genesis !== GENESIS) broken(`the audit trail's genesis is not ${GENESIS}`);
      links.forEach((link, i) => {
        const before = links[i - 1];
        if (before && link.seq <= before.seq) broken(`audit entry #${link.seq} comes after #${before.seq}: out of order`);
        if (before && link.prevHash !== before.hash) broken(`audit entry #${link.seq} does not link to #${before.seq}, the entry before it in the proof`);
        if (link.entry && entryHash(link.prevHash, link.entry) !== link.hash) broken(`audit entry #${link.seq}: its fields do not match its hash`);
      });
      const last = links.at(-1);
      if (last && (last.seq !== head.seq || last.hash !== head.hash)) broken(`the proof does not end at the trail's head at export, #${head.seq}`);
      const from = links[0]?.prevHash === GENESIS ? 'the genesis' : `#${links[0]?.seq ?? head.seq}`;
      return `the audit trail: ${count(links.length, 'entry', 'entries')} from ${from} to the head at export (#${head.seq}, ${head.hash}), ${entries.length} in full: each in full matches its hash, each links to the one before it`;
    },
    // 5. Every revision and decision is on the record: an entry proven in 4 names it with its hash.
    () => {
      for (const r of revisions) {
        const named = entries.some((e) => r.of.about(e) && e.details?.revision === r.revision && e.details?.contentSha256 === r.contentSha256);
        if (!named) broken(`${r.of.label} revision ${r.revision} is not on the record: no entry of the dossier names it with its hash`);
      }
      for (const x of decisions) {
        const e = entries.find((entry) => x.of.about(entry) && entry.details?.decisionId === x.id);
        const same = e && e.actorId === x.actorId && e.details.outcome === x.outcome && e.details.decidedStage === x.stage && e.details.contentSha256 === x.contentSha256;
        if (!same) broken(`${x.of.label} decision ${x.id} is not on the record as the dossier states it`);
      }
      return 'each revision and decision is on the record: an entry proven above names it with its hash';
    },
  ];
}

/** Verifies a dossier as read (JSON parsed): `{ ok, held, broken? }`, what holds in order up to the first thing that does not. */
export function verifyDossier(dossier) {
  const held = [];
  try {
    const checks = checksOf(dossier);
    held.push(`format ${FORMAT}`);
    for (const check of checks) held.push(check());
    return { ok: true, held };
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    return { ok: false, held, broken: error.message };
  }
}

function main(file) {
  if (!file) {
    console.error('usage: node tools/verify-dossier.mjs dossier.json');
    return 1;
  }
  let dossier;
  try {
    dossier = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: cannot be read as JSON: ${error.message}`);
    return 1;
  }
  const scope = dossier?.scope?.kind === 'note' ? `note ${ref('WN', dossier.scope.noteId)}` : `partner ${dossier?.partner?.name ?? '?'}`;
  console.log(`Dossier ${file}: ${scope}, exported ${dossier?.exportedAt ?? '?'} by ${dossier?.exportedBy ?? '?'}`);
  const verdict = verifyDossier(dossier);
  for (const line of verdict.held) console.log(`holds: ${line}`);
  if (verdict.broken) console.log(`DOES NOT HOLD: ${verdict.broken}`);
  console.log(verdict.ok ? 'The dossier verifies.' : 'The dossier does not verify.');
  return verdict.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv[2]);
