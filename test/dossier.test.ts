import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalJson } from '../domain/canonical-json';
import { type Dossier, type DossierVerdict, verifyDossier } from '../domain/dossier';
import { noteRef } from '../domain/wording';
import { completeContent, newPartner } from './support/notes';
import { eventually } from './support/poll';
import { signedIn } from './support/staff';
import { useStack } from './support/stack';

/**
 * The dossier for oversight (issue 12), end to end on the real stack: a partner with a note adopted
 * after a requested change (two revisions, four decisions), a condition closed with evidence, and a
 * consent request answered with conditions. Its dossier, exported as JSON, verifies on its own, with
 * `domain/dossier.ts` and with the standalone `tools/verify-dossier.mjs` run as a child process, to
 * the same verdict; each kind of tampering is caught, by both, naming what. Only the auditor exports;
 * every export is on the record; the printable page has every section and each record's retention.
 */
const suite = useStack();
const http = () => suite.http;
const ROOT = join(__dirname, '..');
const VERIFIER = join(ROOT, 'tools', 'verify-dossier.mjs');
const dir = mkdtempSync(join(tmpdir(), 'dossier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMENT = 'Sharpen the data-protection findings before this goes further.';
const EVIDENCE = 'Exchange register checked for 2026: evaluated intelligence only.';
const ANSWER_CONDITIONS = 'Only to NATO analysts; no further dissemination.';
const WEIGHING = 'The interest outweighs the risk with the conditions below, reviewed yearly.';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let partnerId: string;
let noteId: string;
let consentId: string;

/** The standalone verifier on a file, as the committee runs it. */
function runVerifier(dossier: unknown, name: string) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, typeof dossier === 'string' ? dossier : JSON.stringify(dossier, null, 2));
  const run = spawnSync(process.execPath, [VERIFIER, file], { encoding: 'utf8' });
  const lines = run.stdout.split('\n');
  return {
    status: run.status,
    stderr: run.stderr,
    verdict: {
      ok: run.status === 0,
      held: lines.filter((line) => line.startsWith('holds: ')).map((line) => line.slice('holds: '.length)),
      ...(lines.some((line) => line.startsWith('DOES NOT HOLD: ')) ? { broken: lines.find((line) => line.startsWith('DOES NOT HOLD: '))!.slice('DOES NOT HOLD: '.length) } : {}),
    } satisfies DossierVerdict,
  };
}

const exportAs = (as: string, url: string) => http().call(as, 'GET', url);

beforeAll(async () => {
  partnerId = (await newPartner(suite.stack.sql, { srmPriority: 2 })).id;
  noteId = await http().createNote('anna.devries', completeContent({ classification: 'stg_confidentieel' }), partnerId);
  expect((await http().submit('anna.devries', noteId)).statusCode).toBe(200);
  expect((await http().decide('carla.bakker', noteId, 'request_changes', 1, { comment: COMMENT })).statusCode).toBe(200);
  const revised = await http().call('anna.devries', 'PUT', `/notes/${noteId}/draft`, { baseRevision: 1, content: completeContent({ weighing: WEIGHING, classification: 'stg_zeer_geheim' }) });
  expect([revised.statusCode, revised.body]).toEqual([200, expect.any(String)]);
  expect((await http().submit('anna.devries', noteId)).statusCode).toBe(200);
  for (const reviewer of ['carla.bakker', 'daan.visser', 'gert.mulder']) expect((await http().decide(reviewer, noteId, 'approve', 2)).statusCode).toBe(200);
  const conditionId = await eventually(async () => (await suite.stack.sql<{ id: string }[]>`select id from conditions where note_id = ${noteId} order by position`)[0]?.id, 'the adopted note’s conditions');
  expect((await http().call('anna.devries', 'POST', `/conditions/${conditionId}/close`, { evidence: EVIDENCE })).statusCode).toBe(200);

  const consent = await http().call('anna.devries', 'POST', '/consent-requests', {
    originatorId: partnerId,
    content: { recipient: 'nato', informationRef: 'NDIS-2026-0042', form: 'evaluated_intelligence_exchange', justification: 'The assessment bears on a threat to allied units.' },
  });
  expect(consent.statusCode).toBe(201);
  consentId = consent.json<{ id: string }>().id;
  expect((await http().call('anna.devries', 'POST', `/consent-requests/${consentId}/submit`)).statusCode).toBe(200);
  for (const [who, stage] of [['daan.visser', 'LEGAL_REVIEW'], ['gert.mulder', 'HEAD_OF_SERVICE']]) {
    expect((await http().call(who!, 'POST', `/consent-requests/${consentId}/decisions`, { outcome: 'approve', stage, revision: 1 })).statusCode).toBe(200);
  }
  const today = new Date().toISOString().slice(0, 10);
  expect((await http().call('anna.devries', 'POST', `/consent-requests/${consentId}/answer`, { answer: 'granted_with_conditions', givenOn: today, conditions: ANSWER_CONDITIONS })).statusCode).toBe(200);
}, 120_000);

describe('a partner’s dossier', () => {
  let body: string;
  let dossier: Dossier;

  beforeAll(async () => {
    const res = await exportAs('ivo.peters', `/partners/${partnerId}/dossier`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="dossier-partner-${partnerId.slice(0, 8)}-\\d{4}-\\d\\d-\\d\\d\\.json"$`));
    body = res.body;
    dossier = JSON.parse(body);
  });

  it('holds every note, revision, decision, condition and consent request, each with its retention class', () => {
    const keep = { class: 'bewaren', basis: expect.stringContaining('Generieke Selectielijst MIVD') };
    expect(dossier).toMatchObject({ scope: { kind: 'partner', partnerId }, exportedBy: 'ivo.peters', classification: 'stg_zeer_geheim', partner: { id: partnerId, retention: keep } });
    const [note] = dossier.notes;
    expect(dossier.notes).toHaveLength(1);
    expect(note).toMatchObject({ id: noteId, status: 'ACTIVE', currentRevision: 2, retention: keep });
    expect(note!.revisions.map((r) => [r.revision, r.retention])).toEqual([
      [1, keep],
      [2, keep],
    ]);
    expect(note!.revisions[1]!.content.weighing).toBe(WEIGHING);
    expect(note!.decisions.map((d) => [d.actorId, d.stage, d.revision, d.outcome, d.contentSha256, d.retention])).toEqual([
      ['carla.bakker', 'TEAM_REVIEW', 1, 'request_changes', note!.revisions[0]!.contentSha256, keep],
      ['carla.bakker', 'TEAM_REVIEW', 2, 'approve', note!.revisions[1]!.contentSha256, keep],
      ['daan.visser', 'LEGAL_REVIEW', 2, 'approve', note!.revisions[1]!.contentSha256, keep],
      ['gert.mulder', 'HEAD_OF_SERVICE', 2, 'approve', note!.revisions[1]!.contentSha256, keep],
    ]);
    expect(dossier.comments).toContainEqual(expect.objectContaining({ id: note!.decisions[0]!.id, body: COMMENT, retention: keep }));
    expect(note!.conditions).toEqual([expect.objectContaining({ position: 1, status: 'fulfilled', evidence: EVIDENCE, closedBy: 'anna.devries', retention: keep })]);
    expect(dossier.consentRequests).toEqual([
      expect.objectContaining({
        id: consentId,
        partnerIs: 'originator',
        status: 'GRANTED_WITH_CONDITIONS',
        retention: keep,
        revisions: [expect.objectContaining({ revision: 1, content: expect.objectContaining({ recipient: 'nato', informationRef: 'NDIS-2026-0042' }), retention: keep })],
        decisions: [expect.objectContaining({ stage: 'LEGAL_REVIEW', outcome: 'approve', retention: keep }), expect.objectContaining({ stage: 'HEAD_OF_SERVICE', outcome: 'approve', retention: keep })],
        answer: expect.objectContaining({ answer: 'granted_with_conditions', conditions: ANSWER_CONDITIONS, retention: keep }),
      }),
    ]);
    // The chain proof: from the first entry that concerns the partner to the head, the others as hashes only.
    const { links, head } = dossier.auditTrail;
    expect(links.at(-1)).toMatchObject(head);
    expect(links[0]!.entry).toBeDefined();
    const full = links.filter((link) => link.entry);
    expect(full.every((link) => link.retention?.class === 'bewaren')).toBe(true);
    expect(full.map((link) => link.entry!.action)).toEqual(expect.arrayContaining(['note.created', 'note.decided', 'condition.closed', 'consent.created', 'consent.answer_recorded']));
    expect(links.filter((link) => !link.entry).every((link) => Object.keys(link).sort().join() === 'hash,prevHash,seq')).toBe(true);
    expect(dossier.people).toEqual(expect.arrayContaining([{ id: 'ivo.peters', name: 'Ivo Peters' }, { id: 'carla.bakker', name: 'Carla Bakker' }]));
  });

  it('verifies on its own: with domain/dossier.ts, and with tools/verify-dossier.mjs to the same verdict', () => {
    const verdict = verifyDossier(JSON.parse(body));
    expect(verdict).toEqual({ ok: true, held: expect.any(Array) });
    expect(verdict.held).toEqual([
      'format weighing-notes-dossier/1',
      '3 revisions: the SHA-256 of each one\'s content is the hash it carries',
      '6 decisions: each carries the hash of the revision it decided on',
      '1 condition: each one\'s text is what its revision states',
      expect.stringMatching(/^the audit trail: \d+ entries from (the genesis|#\d+) to the head at export \(#\d+, [0-9a-f]{64}\), \d+ in full: each in full matches its hash, each links to the one before it$/),
      'each revision and decision is on the record: an entry proven above names it with its hash',
    ]);
    const tool = runVerifier(body, 'partner');
    expect([tool.status, tool.stderr]).toEqual([0, '']);
    expect(tool.verdict).toEqual(verdict);
  });

  describe('tampered with', () => {
    const ref = () => noteRef(noteId);
    const cases: [string, (d: Dossier) => void, () => string][] = [
      ['a revision’s text changed', (d) => void (d.notes[0]!.revisions[0]!.content.weighing = 'Nothing to weigh.'), () => `note ${ref()} revision 1: its content does not match its hash`],
      ['a decision’s hash changed', (d) => void (d.notes[0]!.decisions[2]!.contentSha256 = 'f'.repeat(64)), () => `note ${ref()} decision ${dossier.notes[0]!.decisions[2]!.id}: its hash is not that of revision 2`],
      [
        'an audit entry’s details changed',
        (d) => {
          const decided = d.auditTrail.links.find((link) => link.entry?.action === 'note.decided')!;
          decided.entry!.details.outcome = 'reject';
        },
        () => `audit entry #${dossier.auditTrail.links.find((link) => link.entry?.action === 'note.decided')!.seq}: its fields do not match its hash`,
      ],
      [
        'an entry dropped from the chain proof',
        (d) => void d.auditTrail.links.splice(2, 1),
        () => `audit entry #${dossier.auditTrail.links[3]!.seq} does not link to #${dossier.auditTrail.links[1]!.seq}, the entry before it in the proof`,
      ],
      [
        'a revision rewritten with its hash and its decisions’ hashes to match',
        (d) => {
          const note = d.notes[0]!;
          const revision = note.revisions[1]!;
          revision.content.weighing = 'The risk is negligible.';
          revision.contentSha256 = sha256(canonicalJson(revision.content));
          for (const decision of note.decisions.filter((x) => x.revision === 2)) decision.contentSha256 = revision.contentSha256;
        },
        () => `note ${ref()} revision 2 is not on the record: no entry of the dossier names it with its hash`,
      ],
    ];

    it.each(cases)('%s: caught by both, naming what', (name, tamper, what) => {
      const tampered = JSON.parse(body) as Dossier;
      tamper(tampered);
      const verdict = verifyDossier(tampered);
      expect(verdict).toMatchObject({ ok: false, broken: what() });
      const tool = runVerifier(tampered, name.replace(/\W+/g, '-'));
      expect(tool.status).toBe(1);
      expect(tool.verdict).toEqual(verdict);
    });
  });

  it('is on the record: each export names what it covers and the SHA-256 of what was handed out, and a later dossier proves it', async () => {
    const [entry] = await suite.stack.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where action = 'dossier.exported' and actor_id = 'ivo.peters' and details->>'sha256' = ${sha256(body)}`;
    expect(entry?.details).toEqual({
      scope: 'partner',
      partnerId,
      notes: [noteId],
      consentIds: [consentId],
      auditEntries: dossier.auditTrail.links.filter((link) => link.entry).length,
      chainHead: dossier.auditTrail.head,
      format: 'json',
      sha256: sha256(body),
    });
    const later = (await exportAs('ivo.peters', `/partners/${partnerId}/dossier`)).json<Dossier>();
    expect(verifyDossier(later).ok).toBe(true);
    expect(later.auditTrail.links.find((link) => link.entry?.action === 'dossier.exported' && link.entry.details.sha256 === sha256(body))).toBeDefined();
  });
});

describe('a note’s dossier', () => {
  it('holds the note alone, verifies on its own with both verifiers, and is on the record as the note’s', async () => {
    const res = await exportAs('ivo.peters', `/notes/${noteId}/dossier`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename="dossier-${noteRef(noteId)}-`);
    const dossier = res.json<Dossier>();
    expect(dossier).toMatchObject({ scope: { kind: 'note', noteId }, consentRequests: [] });
    expect(dossier.notes.map((n) => n.id)).toEqual([noteId]);
    expect(dossier.auditTrail.links.filter((link) => link.entry).every((link) => link.entry!.noteId === noteId || (link.entry!.details.notes as string[]).includes(noteId))).toBe(true);
    const verdict = verifyDossier(dossier);
    expect(verdict.ok).toBe(true);
    expect(runVerifier(res.body, 'note').verdict).toEqual(verdict);
    const [entry] = await suite.stack.sql`select note_id, details->>'format' as format from audit_log where action = 'dossier.exported' and details->>'sha256' = ${sha256(res.body)}`;
    expect(entry).toEqual({ noteId, format: 'json' });
  });
});

describe('need to know', () => {
  it('gives a partner’s dossier to the auditor alone: 403 to everyone else, 404 for no such partner', async () => {
    for (const who of ['anna.devries', 'carla.bakker', 'daan.visser', 'gert.mulder', 'hanna.deboer', 'joke.hendriks', 'karel.smits']) {
      for (const path of ['dossier', 'dossier.html']) expect([who, path, (await exportAs(who, `/partners/${partnerId}/${path}`)).statusCode]).toEqual([who, path, 403]);
    }
    expect((await exportAs('ivo.peters', '/partners/00000000-0000-4000-8000-000000000000/dossier')).statusCode).toBe(404);
    expect((await suite.stack.app.inject({ method: 'GET', url: `/partners/${partnerId}/dossier` })).statusCode).toBe(401);
  });

  it('refuses a note’s dossier as the note is refused (404) to those who may not read it, 403 to its readers, each refusal on the record', async () => {
    const statuses = async (path: string) =>
      Object.fromEntries(
        await Promise.all(['anna.devries', 'bram.jansen', 'carla.bakker', 'gert.mulder', 'hanna.deboer', 'joke.hendriks', 'karel.smits'].map(async (who) => [who, (await exportAs(who, `/notes/${noteId}/${path}`)).statusCode])),
      );
    const expected = { 'anna.devries': 403, 'bram.jansen': 404, 'carla.bakker': 403, 'gert.mulder': 403, 'hanna.deboer': 404, 'joke.hendriks': 404, 'karel.smits': 404 };
    expect(await statuses('dossier')).toEqual(expected);
    expect(await statuses('dossier.html')).toEqual(expected);
    const refused = await suite.stack.sql<{ actorId: string }[]>`
      select actor_id from audit_log where action = 'note.access_refused' and note_id = ${noteId} and details->>'route' = '/notes/:id/dossier'`;
    expect(new Set(refused.map((r) => r.actorId))).toEqual(new Set(Object.keys(expected)));
  });

  it('offers the "Dossier" action on a partner’s and a note’s page to the auditor alone, and serves it there', async () => {
    const auditor = await signedIn(suite.stack, 'ivo.peters');
    for (const page of [`/app/partners/${partnerId}`, `/app/notes/${noteId}`]) {
      const html = (await auditor.get(page)).body;
      expect(html).toContain(`href="${page}/dossier.html"`);
      expect(html).toContain(`href="${page}/dossier.json"`);
    }
    const download = await auditor.get(`/app/notes/${noteId}/dossier.json`);
    expect([download.statusCode, download.headers['content-disposition']]).toEqual([200, expect.stringMatching(/^attachment; filename="dossier-WN-/)]);
    expect(verifyDossier(download.json()).ok).toBe(true);

    const head = await signedIn(suite.stack, 'gert.mulder');
    for (const page of [`/app/partners/${partnerId}`, `/app/notes/${noteId}`]) {
      expect((await head.get(page)).body).not.toContain('dossier');
      expect((await head.get(`${page}/dossier.html`)).statusCode).toBe(404);
    }
  });
});

describe('the printable dossier', () => {
  it('shows every section and every record with its retention class, under the banner of its highest classification, without scripts', async () => {
    const res = await exportAs('ivo.peters', `/partners/${partnerId}/dossier.html`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const html = res.body;
    expect(html).not.toMatch(/<script/i);
    for (const section of ['Checked when it was exported', 'How to verify the JSON file without the system', 'The partner service', 'Wegingsnotities', 'Consent requests (the third-party rule)', 'The audit trail']) {
      expect(html).toContain(`>${section}</h2>`);
    }
    // Revision 2 is Stg. Zeer Geheim, the highest it holds: the banner above and below, and on every printed page.
    expect(html.match(/<p class="banner">Classification: Stg. Zeer Geheim<\/p>/g)).toHaveLength(2);
    expect(html).toContain('@top-center{content:"Classification: Stg. Zeer Geheim"');
    for (const text of [WEIGHING, COMMENT, EVIDENCE, ANSWER_CONDITIONS, 'NDIS-2026-0042', 'Set for a test.', `Wegingsnotitie ${noteRef(noteId)}`, 'Changes requested', 'Holds:']) expect([text, html.includes(text)]).toEqual([text, true]);
    expect(html).not.toContain('Does not hold');
    // Each record's retention: the partner, the note, 2 revisions, 4 decisions, the condition, the request, its revision, 2 decisions, its answer, and each entry in full.
    const dossier = (await exportAs('ivo.peters', `/partners/${partnerId}/dossier`)).json<Dossier>();
    const entries = dossier.auditTrail.links.filter((link) => link.entry).length;
    expect(html.match(/Keep \(bewaren\), Generieke Selectielijst MIVD \(versie 0\.16 ter inzagelegging, maart 2015\)/g)!.length).toBeGreaterThanOrEqual(14 + entries - 1);
    const [entry] = await suite.stack.sql`select details->>'format' as format from audit_log where action = 'dossier.exported' and details->>'sha256' = ${sha256(html)}`;
    expect(entry).toEqual({ format: 'html' });
  });
});

describe('nothing is deleted', () => {
  it('the API has no route that deletes anything', async () => {
    const { paths } = (await suite.stack.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).filter((method) => method === 'delete').map(() => path))).toEqual([]);
    expect(suite.stack.app.printRoutes({ commonPrefix: false })).not.toMatch(/\bDELETE\b/);
  });
});

describe('the standalone verifier’s canonical JSON', () => {
  /** Awkward values as JavaScript source, evaluated alike in this process and in the verifier's. */
  const AWKWARD = `[
    { b: 1, a: 2, B: 3, _: 4, ä: 5, 'a b': 6, '': 7, '10': 8, '9': 9 },
    { z: { y: { x: [3, { d: 1, c: [null, { f: 'é', e: '\\u0000' }] }] } } },
    ['Ünïcödé', 'e\\u0301', '\\u00e9', '😀', '\\ud83d', 'line\\nbreak\\ttab', '"quoted" \\\\ back', '\\u2028\\u2029', '</script>'],
    [0, -0, 1, -1, 1.5, 0.1 + 0.2, 1e21, 1e-7, 2 ** 53 + 1, -1e308, 5e-324, NaN, Infinity, -Infinity],
    { a: undefined, b: null, c: [undefined, null], d: true, e: false },
    { '\\ud83d\\ude00': 1, '\\uffff': 2, '\\u{10000}': 3, Z: 4, a: 5 },
    [], {}, '', 'text', null, 42, true,
  ]`;
  const viaVerifier = (source: string): string[] => {
    const script = `import { canonicalJson } from ${JSON.stringify(VERIFIER)}; process.stdout.write(JSON.stringify((${source}).map((v) => canonicalJson(v))));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout);
  };

  it('equals domain/canonical-json.ts on awkward values: unicode, nesting, key order, numbers', () => {
    const values = new Function(`return ${AWKWARD};`)() as unknown[];
    expect(viaVerifier(AWKWARD)).toEqual(values.map(canonicalJson));
  });

  it('equals it on generated JSON values', () => {
    const values = fc.sample(fc.jsonValue(), { numRuns: 300, seed: 20261128 });
    expect(viaVerifier(`JSON.parse(${JSON.stringify(JSON.stringify(values))})`)).toEqual(values.map(canonicalJson));
  });
});
