import type { NoteView } from '../db/notes';
import type { Partner } from '../domain/partner';
import { CRITERIA, type Criterion } from '../domain/note-content';
import type { Stage } from '../domain/pipeline';

/** Server-rendered pages of the personal review link: no scripts, labelled controls, readable on a phone. */

const escape = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CRITERION_NAME: Record<Criterion, string> = {
  democraticEmbedding: 'Democratic embedding of the service',
  humanRights: 'Respect for human rights in the country',
  professionalism: 'Professionalism and reliability of the service',
  legalPowers: 'Legal powers and capabilities of the service',
  dataProtection: 'Level of data protection',
};
export const STAGE_NAME: Record<Stage, string> = {
  TEAM_REVIEW: 'Team review',
  LEGAL_REVIEW: 'Legal review',
  HEAD_OF_SERVICE: 'Head of service',
  MINISTER: 'Minister',
};

const STYLE = `
body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;color:#1b1b1b;background:#f6f6f4}
header,main{max-width:46rem;margin:0 auto;padding:1rem}
header{border-bottom:3px solid #154273}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem;margin-bottom:.2rem}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}.meta dt{font-weight:600}.meta dd{margin:0}
.box{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.notice{border-left:5px solid #154273}.error{border-left:5px solid #b00020}.changed{background:#fff7d6}
fieldset{border:1px solid #aaa;border-radius:6px}label{display:block;margin:.4rem 0}
textarea{width:100%;min-height:6rem;font:inherit;box-sizing:border-box}
button{font:inherit;padding:.6rem 1.4rem;background:#154273;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,input:focus,textarea:focus{outline:3px solid #f5a300;outline-offset:2px}
@media (max-width:30rem){.meta{grid-template-columns:1fr}}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — Weighing notes</title>
<style>${STYLE}</style>
</head>
<body>
<header><p>Weighing notes</p><h1>${escape(title)}</h1></header>
<main>
${body}
</main>
</body>
</html>`;
}

/** A page that explains why the link does nothing (expired, used, moved on, not valid). */
export function messagePage(title: string, message: string, kind: 'notice' | 'error' = 'notice'): string {
  return page(title, `<div class="box ${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><p>${escape(message)}</p></div>`);
}

export interface ReviewPageModel {
  note: NoteView;
  partner: Partner;
  reviewerName: string;
  stage: Stage;
  quorum: number;
  /** The revision this reviewer last saw, and the fields changed since; null when this is the first look. */
  changes: { since: number; fields: string[] } | null;
  /** Set when a submitted form was refused, to show beside the form. */
  error?: string;
  outcome?: string;
  comment?: string;
}

function field(label: string, value: string, path: string, changed: Set<string>): string {
  return `<h3${changed.has(path) ? ' class="changed"' : ''}>${escape(label)}${changed.has(path) ? ' (changed)' : ''}</h3><p>${escape(value || '—')}</p>`;
}

export function reviewPage(m: ReviewPageModel): string {
  const { note, partner } = m;
  const c = note.content;
  const changed = new Set(m.changes?.fields ?? []);
  const approvals = note.approvals.filter((a) => a.stage === m.stage);
  const changesBox = m.changes
    ? `<div class="box notice"><h2>Changed since revision ${m.changes.since}, which you saw last</h2>${
        m.changes.fields.length ? `<ul>${m.changes.fields.map((f) => `<li>${escape(f)}</li>`).join('')}</ul>` : '<p>Nothing in the content.</p>'
      }</div>`
    : '';
  const criteria = CRITERIA.map((key) => {
    const a = c.criteria[key];
    const base = `criteria.${key}`;
    return `<section aria-labelledby="c-${key}"><h3 id="c-${key}"${[...changed].some((f) => f.startsWith(base)) ? ' class="changed"' : ''}>${escape(CRITERION_NAME[key])}</h3>
<p><strong>Rating:</strong> ${escape(a.rating ?? 'not rated')}</p><p>${escape(a.findings || '—')}</p>
${a.sources.length ? `<p><strong>Sources:</strong></p><ul>${a.sources.map((s) => `<li>${escape(s)}</li>`).join('')}</ul>` : ''}
${a.mitigations ? `<p><strong>Mitigations:</strong> ${escape(a.mitigations)}</p>` : ''}</section>`;
  }).join('\n');
  const outcomes = [
    ['approve', 'Approve'],
    ['request_changes', 'Request changes (back to the drafter)'],
    ['reject', 'Reject'],
  ]
    .map(([value, label]) => `<label><input type="radio" name="outcome" value="${value}" required${m.outcome === value ? ' checked' : ''}> ${label}</label>`)
    .join('\n');
  return page(
    `Review: ${partner.name}`,
    `${m.error ? `<div class="box error" role="alert"><p>${escape(m.error)}</p></div>` : ''}
<dl class="box meta">
<dt>Reviewer</dt><dd>${escape(m.reviewerName)}</dd>
<dt>Stage</dt><dd>${escape(STAGE_NAME[m.stage])}</dd>
<dt>Revision</dt><dd>${note.revision} (SHA-256 ${escape(note.contentSha256.slice(0, 12))}…)</dd>
<dt>Due</dt><dd>${escape(note.stageDueAt ? `${note.stageDueAt.slice(0, 16).replace('T', ' ')} UTC` : '—')}</dd>
<dt>Approvals so far</dt><dd>${approvals.length} of ${m.quorum}${approvals.length ? ` (${approvals.map((a) => escape(a.actorId)).join(', ')})` : ''}</dd>
<dt>Classification</dt><dd>${escape(c.classification ?? '—')}</dd>
</dl>
${changesBox}
<h2>The partner</h2>
<p>${escape(partner.name)}, ${escape(partner.country)} — ${escape(partner.kind)}, ${escape(partner.relationship)}, SRM priority ${partner.srmPriority}</p>
<h2>The note</h2>
${field('National-security interest', c.nationalSecurityInterest, 'nationalSecurityInterest', changed)}
${criteria}
${field('Overall risk', c.overallRisk ?? 'not rated', 'overallRisk', changed)}
${field('Weighing', c.weighing, 'weighing', changed)}
${field('Mitigating measures and conditions', c.mitigations, 'mitigations', changed)}
${field('Permitted forms of cooperation', c.permittedCooperation.join(', ').replaceAll('_', ' '), 'permittedCooperation', changed)}
${field('Review date', c.reviewDate ?? 'two years after adoption', 'reviewDate', changed)}
<h2 id="decide">Your decision</h2>
<form method="post" aria-labelledby="decide">
<fieldset><legend>Outcome</legend>
${outcomes}
</fieldset>
<label for="comment">Comment (required to reject or request changes)</label>
<textarea id="comment" name="comment" maxlength="20000">${escape(m.comment ?? '')}</textarea>
<p><button type="submit">Record my decision</button></p>
</form>`,
  );
}

/** Field paths whose values differ between two revisions' content. */
export function changedFields(before: unknown, after: unknown, path = ''): string[] {
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedFields((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}
