// Pressing-need scoring (SPEC §4): a pure function of the four ratings and the policy.
import type { Band } from '../shared/model/decision.js';
import { FACTOR_KEYS, type FactorKey, type Justification } from '../shared/model/proposal.js';
import type { ScoringPolicy } from './policy.js';

export interface FactorScore {
  /** One of the four factors of SPEC 4, or (policy 2026.2) majorCrime. */
  factor: FactorKey | 'majorCrime';
  rating: number;
  weight: number;
  /** Points this factor adds to the 0..100 score: weight × rating / maxRating × 100. */
  contribution: number;
  /** Policy 2026.2: whether this ground counts at the place's level of justification. */
  counts?: boolean;
}

export interface PressingNeed {
  score: number;
  band: Band;
  policyVersion: string;
  factors: FactorScore[];
  /** Policy 2026.2 (Appendix A): how the score was reached, the place, and its level. */
  method?: 'highest-ground';
  placeType?: string;
  level?: 'standard' | 'highest';
  decidingGround?: string | null;
}

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
