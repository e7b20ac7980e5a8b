// The scoring policies a proposal can be scored under (issue 19): 2026.1, the weighted sum of four
// factors (policy.json), and 2026.2, the Home Office Appendix A reading (policy-2026.2.json). A
// proposal may name one; otherwise DPIA_SCORING_POLICY, else 2026.1 (SPEC 4). The decision records which.
import { ENV } from '../shared/config.js';
import { ConfigurationError } from '../shared/errors.js';
import type { ScoringPolicyVersion } from '../shared/model/assessment-terms.js';
import { SCORING_POLICY_VERSIONS } from '../shared/model/assessment-terms.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import { type HighestGroundPolicy, parseHighestGroundPolicy, scoreHighestGround } from './appendix-a.js';
import { defaultScoringPolicy, type ScoringPolicy } from './policy.js';
import appendixAFile from './policy-2026.2.json' with { type: 'json' };
import { bandFor, type PressingNeed, scorePressingNeed } from './score.js';

export const appendixAPolicy: HighestGroundPolicy = parseHighestGroundPolicy(
  appendixAFile,
  'functions/scoring/policy-2026.2.json',
);

const POLICIES: Record<ScoringPolicyVersion, ScoringPolicy | HighestGroundPolicy> = {
  '2026.1': defaultScoringPolicy,
  '2026.2': appendixAPolicy,
};
if (Object.entries(POLICIES).some(([version, policy]) => policy.version !== version)) {
  throw new ConfigurationError('A scoring policy file does not carry the version it is listed under');
}

export const DEFAULT_POLICY_VERSION: ScoringPolicyVersion = '2026.1';

/** DPIA_SCORING_POLICY, else 2026.1 (SPEC 4's weights and bands). */
export function defaultPolicyVersion(): ScoringPolicyVersion {
  const configured = process.env[ENV.scoringPolicy]?.trim();
  if (!configured) return DEFAULT_POLICY_VERSION;
  if (!(SCORING_POLICY_VERSIONS as readonly string[]).includes(configured)) {
    throw new ConfigurationError(
      `${ENV.scoringPolicy} must be one of ${SCORING_POLICY_VERSIONS.join(', ')} (got "${configured}").`,
    );
  }
  return configured as ScoringPolicyVersion;
}

/** The proposal's pressing need under the policy it names, or the deployment's default. */
export function scoreProposal(
  input: Pick<ProposalInput, 'justification' | 'placeType' | 'scoringPolicy'>,
  version: ScoringPolicyVersion = input.scoringPolicy ?? defaultPolicyVersion(),
): PressingNeed {
  const policy = POLICIES[version];
  if (!('method' in policy)) return scorePressingNeed(input.justification, policy);
  const result = scoreHighestGround(input.justification, input.placeType, policy);
  return {
    score: result.score,
    band: bandFor(result.score, { bands: policy.bands }),
    policyVersion: policy.version,
    factors: result.grounds.map((g) => ({
      factor: g.factor,
      rating: g.rating,
      weight: 0,
      contribution: g.factor === result.decidingGround ? result.score : 0,
      counts: g.counts,
    })),
    method: 'highest-ground',
    placeType: result.placeType,
    level: result.level,
    decidingGround: result.decidingGround,
  };
}
