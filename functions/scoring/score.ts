// Pressing-need scoring (SPEC §4): a pure function of the four ratings and the policy.
import type { Band } from '../shared/model/decision.js';
import type { FactorScore, PressingNeed } from '../shared/model/need.js';
import type { Justification } from '../shared/model/proposal.js';
import { FACTOR_KEYS } from '../shared/model/proposal-terms.js';
import type { ScoringPolicy } from './policy.js';

export type { FactorScore, PressingNeed } from '../shared/model/need.js';

/**
 * score = round(Σ weight × rating / maxRating × 100). Rounding to a whole point keeps the bands
 * unambiguous (marginal is 40..59) and hides floating-point dust such as 59.999999.
 */
export function scorePressingNeed(justification: Justification, policy: ScoringPolicy): PressingNeed {
  const factors = FACTOR_KEYS.map((factor): FactorScore => {
    const rating = justification[factor].rating;
    const weight = policy.weights[factor];
    return { factor, rating, weight, contribution: roundTo((weight * rating * 100) / policy.maxRating, 2) };
  });
  const exact = FACTOR_KEYS.reduce(
    (sum, factor) => sum + (policy.weights[factor] * justification[factor].rating * 100) / policy.maxRating,
    0,
  );
  const score = Math.min(100, Math.max(0, Math.round(roundTo(exact, 6))));
  return { score, band: bandFor(score, policy), policyVersion: policy.version, factors };
}

export function bandFor(score: number, policy: Pick<ScoringPolicy, 'bands'>): Band {
  if (score >= policy.bands.clear) return 'clear';
  if (score >= policy.bands.marginal) return 'marginal';
  return 'insufficient';
}

function roundTo(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}
