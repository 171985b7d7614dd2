import type { Spread } from './figures';

/**
 * The benchmark's chart as an SVG: latencies side by side (p50 and p99 per series, the reference's
 * beside the product's), and how memory and list latencies grow with open notes. Labels are the
 * benchmark's own constants; they are escaped all the same.
 */
const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface GrowthPoint {
  openNotes: number;
  workerRssMiB: number;
  tasksP99: number;
  notesP99: number;
}

export interface ChartInput {
  title: string;
  latencies: { label: string; spread: Spread; reference?: boolean }[];
  growth: GrowthPoint[];
}

const WIDTH = 760;
const BAR_ROW = 26;

function latencyPanel(latencies: ChartInput['latencies'], top: number): { svg: string; height: number } {
  const max = Math.max(...latencies.map((l) => l.spread.p99), 1);
  const left = 230;
  const scale = (WIDTH - left - 80) / max;
  const rows = latencies.map(({ label, spread, reference }, i) => {
    const y = top + 30 + i * BAR_ROW;
    const colour = reference ? '#8a8a8a' : '#154273';
    return [
      `<text x="${left - 8}" y="${y + 13}" text-anchor="end" font-size="12">${escape(label)}</text>`,
      `<rect x="${left}" y="${y + 2}" width="${(spread.p99 * scale).toFixed(1)}" height="14" fill="${colour}" opacity="0.35"/>`,
      `<rect x="${left}" y="${y + 2}" width="${(spread.p50 * scale).toFixed(1)}" height="14" fill="${colour}"/>`,
      `<text x="${(left + spread.p99 * scale + 6).toFixed(1)}" y="${y + 13}" font-size="11">${spread.p50.toFixed(1)} / ${spread.p99.toFixed(1)} ms</text>`,
    ].join('');
  });
  const heading = `<text x="16" y="${top + 16}" font-size="14" font-weight="bold">Latency, p50 (dark) and p99 (light); grey: bare Temporal reference</text>`;
  return { svg: heading + rows.join(''), height: 40 + latencies.length * BAR_ROW };
}

function growthPanel(growth: GrowthPoint[], top: number): { svg: string; height: number } {
  if (growth.length < 2) return { svg: '', height: 0 };
  const height = 220;
  const [left, right, plotTop, plotBottom] = [70, WIDTH - 70, top + 30, top + height - 30];
  const maxNotes = Math.max(...growth.map((g) => g.openNotes));
  const maxRss = Math.max(...growth.map((g) => g.workerRssMiB)) * 1.1;
  const maxMs = Math.max(...growth.flatMap((g) => [g.tasksP99, g.notesP99])) * 1.1;
  const x = (n: number) => left + (n / maxNotes) * (right - left);
  const yOf = (value: number, max: number) => plotBottom - (value / max) * (plotBottom - plotTop);
  const line = (values: number[], max: number, colour: string, dash = '') =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${growth.map((g, i) => `${x(g.openNotes).toFixed(1)},${yOf(values[i]!, max).toFixed(1)}`).join(' ')}"/>`;
  const ticks = growth.map((g) => `<text x="${x(g.openNotes).toFixed(1)}" y="${plotBottom + 16}" text-anchor="middle" font-size="11">${g.openNotes}</text>`).join('');
  return {
    svg: [
      `<text x="16" y="${top + 16}" font-size="14" font-weight="bold">Growth with open notes: worker RSS (MiB, left), GET /tasks and GET /notes p99 (ms, right)</text>`,
      `<line x1="${left}" y1="${plotBottom}" x2="${right}" y2="${plotBottom}" stroke="#444"/>`,
      `<text x="${left - 6}" y="${plotTop + 4}" text-anchor="end" font-size="11">${maxRss.toFixed(0)}</text>`,
      `<text x="${right + 6}" y="${plotTop + 4}" font-size="11">${maxMs.toFixed(0)}</text>`,
      line(growth.map((g) => g.workerRssMiB), maxRss, '#154273'),
      line(growth.map((g) => g.tasksP99), maxMs, '#b35c00'),
      line(growth.map((g) => g.notesP99), maxMs, '#2e7d32', '5,4'),
      ticks,
      `<text x="${right}" y="${plotTop - 6}" text-anchor="end" font-size="11"><tspan fill="#154273">RSS</tspan> · <tspan fill="#b35c00">/tasks p99</tspan> · <tspan fill="#2e7d32">/notes p99</tspan></text>`,
    ].join(''),
    height,
  };
}

export function renderChart(input: ChartInput): string {
  const latency = latencyPanel(input.latencies, 40);
  const growth = growthPanel(input.growth, 40 + latency.height + 10);
  const height = 40 + latency.height + 10 + growth.height + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold">${escape(input.title)}</text>`,
    latency.svg,
    growth.svg,
    '</svg>',
  ].join('\n');
}
