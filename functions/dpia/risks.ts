import type { DecisionRecord } from '../shared/model/decision.js';
import type { Risk } from '../shared/model/proposal.js';
import {
  LIKELIHOOD_LABELS,
  RISK_LEVEL_LABELS,
  type RiskLevel,
  residual,
  riskLevel,
  SEVERITY_LABELS,
} from '../shared/model/risk.js';

export interface RiskView {
  id: string;
  description: string;
  likelihood: string;
  severity: string;
  level: string;
  levelClass: RiskLevel;
  measure: string;
  residualLikelihood: string;
  residualSeverity: string;
  residualLevel: string;
  residualClass: RiskLevel;
  effect: string;
  approved: string;
}

export interface MatrixView {
  id: string;
  title: string;
  description: string;
  cells: { x: number; y: number; labelX: number; labelY: number; level: string; levelClass: RiskLevel }[];
  markers: { x: number; y: number; id: string; tx: number; ty: number }[];
  columns: { x: number; label: string }[];
  rows: { y: number; label: string }[];
  empty: boolean;
}

export function riskView(
  risk: Risk,
  index: number,
  decision: DecisionRecord | null,
  say: (text: string) => string,
): RiskView {
  const before = riskLevel(risk.likelihood, risk.severity);
  const after = residual(risk);
  const afterLevel = riskLevel(after.likelihood, after.severity);
  const order = ['low', 'medium', 'high'];
  const effect =
    order.indexOf(afterLevel) < order.indexOf(before)
      ? `Reduced from ${RISK_LEVEL_LABELS[before].toLowerCase()} to ${RISK_LEVEL_LABELS[afterLevel].toLowerCase()}`
      : after.likelihood < risk.likelihood || after.severity < risk.severity
        ? `Reduced within ${RISK_LEVEL_LABELS[afterLevel].toLowerCase()}`
        : 'Accepted: no change';
  return {
    id: `R${index + 1}`,
    description: say(risk.description),
    likelihood: LIKELIHOOD_LABELS[risk.likelihood] ?? String(risk.likelihood),
    severity: SEVERITY_LABELS[risk.severity] ?? String(risk.severity),
    level: RISK_LEVEL_LABELS[before],
    levelClass: before,
    measure: say(risk.mitigation),
    residualLikelihood: LIKELIHOOD_LABELS[after.likelihood] ?? String(after.likelihood),
    residualSeverity: SEVERITY_LABELS[after.severity] ?? String(after.severity),
    residualLevel: RISK_LEVEL_LABELS[afterLevel],
    residualClass: afterLevel,
    effect,
    approved: decision ? (decision.outcome === 'approved' ? 'Yes' : 'No') : 'Not yet decided',
  };
}

// The matrix is drawn on a fixed grid: likelihood across (remote, possible, probable), severity up
// (minimal at the bottom, severe at the top), as the ICO template's table reads.
const CELL = 120;
const LEFT = 110;
const TOP = 16;
const MARKER_GAP = 34;

export function matrix(
  id: string,
  title: string,
  entries: { id: string; risk: Risk; after: boolean }[],
): MatrixView {
  const cells: MatrixView['cells'] = [];
  for (let likelihood = 1; likelihood <= 3; likelihood++) {
    for (let severity = 1; severity <= 3; severity++) {
      const level = riskLevel(likelihood, severity);
      const x = LEFT + (likelihood - 1) * CELL;
      const y = TOP + (3 - severity) * CELL;
      cells.push({
        x,
        y,
        labelX: x + CELL - 6,
        labelY: y + CELL - 8,
        level: RISK_LEVEL_LABELS[level],
        levelClass: level,
      });
    }
  }
  const perCell = new Map<string, number>();
  const markers = entries.map(({ id, risk, after }) => {
    const { likelihood, severity } = after ? residual(risk) : risk;
    const key = `${likelihood}/${severity}`;
    const n = perCell.get(key) ?? 0;
    perCell.set(key, n + 1);
    // Up to three a row, four rows: a cell holds twelve before markers overlap (and the text
    // alternative lists every one regardless).
    const x = LEFT + (likelihood - 1) * CELL + 22 + (n % 3) * MARKER_GAP;
    const y = TOP + (3 - severity) * CELL + 40 + Math.floor(n / 3) * 26;
    return { x, y, id, tx: x, ty: y + 5 };
  });
  const description =
    entries.length === 0
      ? 'No risks are recorded.'
      : entries
          .map(({ id, risk, after }) => {
            const { likelihood, severity } = after ? residual(risk) : risk;
            return `${id}: likelihood ${LIKELIHOOD_LABELS[likelihood]?.toLowerCase()}, severity ${SEVERITY_LABELS[severity]?.toLowerCase()}, overall ${riskLevel(likelihood, severity)}.`;
          })
          .join(' ');
  return {
    id,
    title,
    description,
    cells,
    markers,
    columns: [1, 2, 3].map((l) => ({ x: LEFT + (l - 0.5) * CELL, label: LIKELIHOOD_LABELS[l] ?? '' })),
    rows: [3, 2, 1].map((s, i) => ({ y: TOP + (i + 0.5) * CELL + 5, label: SEVERITY_LABELS[s] ?? '' })),
    empty: entries.length === 0,
  };
}

export function highestResidual(risks: readonly Risk[]): string {
  const levels = risks.map((r) => {
    const a = residual(r);
    return riskLevel(a.likelihood, a.severity);
  });
  return levels.includes('high') ? 'high' : levels.includes('medium') ? 'medium' : 'low';
}
