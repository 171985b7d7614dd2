import { PRIORITIES_HIGH_FIRST, type RiskPriorityCell, RISKS_HIGH_FIRST } from '../../domain/portfolio';
import { RISK_NAME } from '../../domain/wording';

/**
 * The portfolio's chart: partners by overall risk (rows) and SRM priority (columns), a grid of squares
 * whose shade grows with the count, drawn as SVG on the server (no scripts). Geometry and words only:
 * the view escapes every value, and the table of the same counts beside it is what a screen reader reads.
 */
const COLUMN = 64;
const ROW = 44;
const LEFT = 104;
const TOP = 44;
const GAP = 3;

const riskLabel = (risk: RiskPriorityCell['risk']) => (risk ? RISK_NAME[risk] : 'Not rated');
const priorityLabel = (priority: RiskPriorityCell['priority']) => (priority === null ? 'None' : String(priority));

export function riskPriorityChart(cells: readonly RiskPriorityCell[]) {
  const most = Math.max(1, ...cells.map((cell) => cell.partners));
  const count = (risk: RiskPriorityCell['risk'], priority: RiskPriorityCell['priority']) => cells.find((c) => c.risk === risk && c.priority === priority)?.partners ?? 0;
  return {
    width: LEFT + COLUMN * PRIORITIES_HIGH_FIRST.length,
    height: TOP + ROW * RISKS_HIGH_FIRST.length,
    headings: { columns: { x: LEFT + (COLUMN * PRIORITIES_HIGH_FIRST.length) / 2, y: 14 }, rows: { x: 4, y: TOP - 8 } },
    columns: PRIORITIES_HIGH_FIRST.map((priority, i) => ({ x: LEFT + COLUMN * i + COLUMN / 2, y: TOP - 8, label: priorityLabel(priority) })),
    rows: RISKS_HIGH_FIRST.map((risk, j) => ({ x: 4, y: TOP + ROW * j + ROW / 2 + 5, label: riskLabel(risk) })),
    squares: RISKS_HIGH_FIRST.flatMap((risk, j) =>
      PRIORITIES_HIGH_FIRST.map((priority, i) => {
        const partners = count(risk, priority);
        const share = partners / most;
        return {
          x: LEFT + COLUMN * i + GAP,
          y: TOP + ROW * j + GAP,
          width: COLUMN - 2 * GAP,
          height: ROW - 2 * GAP,
          // An empty square stays faint; a full one is the darkest, its count in white.
          opacity: (partners ? 0.15 + 0.85 * share : 0.05).toFixed(2),
          text: { x: LEFT + COLUMN * i + COLUMN / 2, y: TOP + ROW * j + ROW / 2 + 5, value: partners, light: share > 0.5 },
        };
      }),
    ),
    table: {
      columns: PRIORITIES_HIGH_FIRST.map((priority) => (priority === null ? 'No priority' : `Priority ${priority}`)),
      rows: RISKS_HIGH_FIRST.map((risk) => ({ label: riskLabel(risk), counts: PRIORITIES_HIGH_FIRST.map((priority) => count(risk, priority)) })),
    },
  };
}
