// The pressing need as scored (SPEC 4): the score, its band, the policy that decided it and each
// factor's part. A domain type: the proposal record and the decision keep it; functions/scoring
// computes it.
import type { Band } from './decision.js';
import type { FactorKey } from './proposal.js';

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
