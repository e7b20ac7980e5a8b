// The versioned scoring policy (SPEC §4): weights and band thresholds live in policy.json, and a
// policy is used only after it has been checked, so a bad edit fails loudly instead of mis-scoring.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { ConfigurationError, formatPath } from '../shared/errors.js';
import defaultPolicyFile from './policy.json' with { type: 'json' };

const weight = z
  .number()
  .check(z.gte(0, 'A weight cannot be negative'), z.lte(1, 'A weight cannot exceed 1'));

export const ScoringPolicy = z
  .strictObject({
    version: z.string().check(z.trim(), z.minLength(1, 'The policy needs a version')),
    description: z.optional(z.string()),
    maxRating: z.literal(5),
    weights: z.strictObject({
      nationalSecurity: weight,
      seriousCrime: weight,
      localCrime: weight,
      communityConfidence: weight,
    }),
    bands: z.strictObject({
      clear: z.number().check(z.gte(0), z.lte(100)),
      marginal: z.number().check(z.gte(0), z.lte(100)),
    }),
  })
  .check(
    z.superRefine((policy, ctx) => {
      const sum = Object.values(policy.weights).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['weights'],
          message: `The weights must add up to 1 (they add up to ${sum})`,
        });
      }
      if (!(policy.bands.marginal < policy.bands.clear)) {
        ctx.addIssue({
          code: 'custom',
          path: ['bands'],
          message: `The marginal threshold (${policy.bands.marginal}) must be below the clear threshold (${policy.bands.clear})`,
        });
      }
    }),
  );
export type ScoringPolicy = z.infer<typeof ScoringPolicy>;

/** Parses a policy document; an unusable one throws a ConfigurationError naming every problem. */
export function parseScoringPolicy(document: unknown, source = 'scoring policy'): ScoringPolicy {
  const parsed = ScoringPolicy.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigurationError(`${source} is not usable: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export const defaultScoringPolicy: ScoringPolicy = parseScoringPolicy(
  defaultPolicyFile,
  'functions/scoring/policy.json',
);
