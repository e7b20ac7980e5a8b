// Risk to individuals as the ICO's sample DPIA template scores it (SPEC 11): likelihood 1..3
// (remote, possible, probable) times severity 1..3 (minimal, significant, severe) gives the overall
// risk, low (1-2), medium (3-4) or high (6-9). A high risk left after the measures needs prior
// consultation with the Information Commissioner before the processing may go ahead (DPA 2018 s.65).
import type { Risk } from './proposal.js';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const LIKELIHOOD_LABELS: Record<number, string> = { 1: 'Remote', 2: 'Possible', 3: 'Probable' };
export const SEVERITY_LABELS: Record<number, string> = { 1: 'Minimal', 2: 'Significant', 3: 'Severe' };
export const RISK_LEVEL_LABELS: Record<RiskLevel, string> = { low: 'Low', medium: 'Medium', high: 'High' };

/** The overall risk of a likelihood and a severity, each 1..3. */
export function riskLevel(likelihood: number, severity: number): RiskLevel {
  const product = likelihood * severity;
  if (product >= 6) return 'high';
  if (product >= 3) return 'medium';
  return 'low';
}

/** The risk left after the measures: the values before them unless the proposal says otherwise. */
export function residual(risk: Risk): { likelihood: number; severity: number } {
  return {
    likelihood: risk.residualLikelihood ?? risk.likelihood,
    severity: risk.residualSeverity ?? risk.severity,
  };
}

export const residualLevel = (risk: Risk): RiskLevel => {
  const r = residual(risk);
  return riskLevel(r.likelihood, r.severity);
};

/** The highest of a list of levels; null for none. */
export function highestLevel(levels: Iterable<RiskLevel>): RiskLevel | null {
  let highest: RiskLevel | null = null;
  for (const level of levels) {
    if (highest === null || RISK_LEVELS.indexOf(level) > RISK_LEVELS.indexOf(highest)) highest = level;
  }
  return highest;
}

/** True when any risk stays high after the measures: DPA 2018 s.65 prior consultation applies. */
export const needsPriorConsultation = (risks: readonly Risk[] | undefined): boolean =>
  (risks ?? []).some((risk) => residualLevel(risk) === 'high');

/** A likelihood, a severity and the level they make, in the template's words. */
export interface LevelInWords {
  likelihood: string;
  severity: string;
  level: string;
}

/** A risk in words, before and after its measures, as the pages show it. */
export interface RiskInWords {
  description: string;
  mitigation: string;
  before: LevelInWords;
  after: LevelInWords;
  /** High after the measures: prior consultation with the Commissioner applies. */
  high: boolean;
}

export function riskInWords(risk: Risk): RiskInWords {
  const after = residual(risk);
  const words = (likelihood: number, severity: number): LevelInWords => ({
    likelihood: LIKELIHOOD_LABELS[likelihood] ?? String(likelihood),
    severity: SEVERITY_LABELS[severity] ?? String(severity),
    level: RISK_LEVEL_LABELS[riskLevel(likelihood, severity)],
  });
  return {
    description: risk.description,
    mitigation: risk.mitigation,
    before: words(risk.likelihood, risk.severity),
    after: words(after.likelihood, after.severity),
    high: riskLevel(after.likelihood, after.severity) === 'high',
  };
}
