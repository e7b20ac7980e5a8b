// Pressing need as the Home Office ANPR guidance's Appendix A reads it (issue 19, policy 2026.2):
// each ground is rated on its own and grounds never add up; the place the camera watches sets the
// level of justification it needs, and only grounds of that level count; the need is the strongest
// counting ground. Community confidence is exceptional only: it never carries a camera by itself.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { ConfigurationError, formatPath } from '../shared/errors.js';
import type { PlaceType } from '../shared/model/assessment-terms.js';
import { PLACE_TYPES } from '../shared/model/assessment-terms.js';
import type { Justification } from '../shared/model/proposal.js';

export const GROUND_KEYS = [
  'nationalSecurity',
  'seriousCrime',
  'majorCrime',
  'localCrime',
  'communityConfidence',
] as const;
export type GroundKey = (typeof GROUND_KEYS)[number];

const TIERS = ['serious', 'local', 'exceptional'] as const;
export type GroundTier = (typeof TIERS)[number];
const LEVELS = ['standard', 'highest'] as const;
export type JustificationLevel = (typeof LEVELS)[number];
const Tier = z.enum(TIERS);
const Level = z.enum(LEVELS);
const threshold = z.number().check(z.gte(0), z.lte(100));

export const HighestGroundPolicy = z
  .strictObject({
    version: z.string().check(z.trim(), z.minLength(1, 'The policy needs a version')),
    method: z.literal('highest-ground'),
    description: z.optional(z.string()),
    maxRating: z.literal(5),
    grounds: z.strictObject({
      nationalSecurity: Tier,
      seriousCrime: Tier,
      majorCrime: Tier,
      localCrime: Tier,
      communityConfidence: Tier,
    }),
    /** Each place type's level, and `not-recorded` for a proposal that does not say. */
    places: z.record(z.enum([...PLACE_TYPES, 'not-recorded']), Level),
    /** The tiers of ground that count at each level. */
    qualifying: z.record(Level, z.array(Tier)),
    bands: z.strictObject({ clear: threshold, marginal: threshold }),
  })
  .check(
    z.superRefine((policy, ctx) => {
      if (!(policy.bands.marginal < policy.bands.clear)) {
        ctx.addIssue({
          code: 'custom',
          path: ['bands'],
          message: 'The marginal threshold must be below clear',
        });
      }
      if (
        policy.qualifying.highest?.includes('exceptional') ||
        policy.qualifying.standard?.includes('exceptional')
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['qualifying'],
          message: 'An exceptional ground (community confidence) never carries a camera by itself',
        });
      }
    }),
  );
export type HighestGroundPolicy = z.infer<typeof HighestGroundPolicy>;

export function parseHighestGroundPolicy(document: unknown, source: string): HighestGroundPolicy {
  const parsed = HighestGroundPolicy.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigurationError(`${source} is not usable: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export interface GroundScore {
  factor: GroundKey;
  rating: number;
  tier: GroundTier;
  /** Whether this ground counts at the place's level of justification. */
  counts: boolean;
}

export interface HighestGroundResult {
  score: number;
  level: JustificationLevel;
  placeType: PlaceType | 'not-recorded';
  /** The counting ground that decided the score (the strongest), or null when none counts. */
  decidingGround: GroundKey | null;
  grounds: GroundScore[];
}

/** score = the strongest counting ground's rating / maxRating × 100; nothing adds up. */
export function scoreHighestGround(
  justification: Justification,
  placeType: PlaceType | undefined,
  policy: HighestGroundPolicy,
): HighestGroundResult {
  const place = placeType ?? 'not-recorded';
  // A place the policy does not list needs the highest level: the cautious reading.
  const level = policy.places[place] ?? 'highest';
  const qualifying = policy.qualifying[level] ?? [];
  const grounds = GROUND_KEYS.map((factor): GroundScore => {
    const tier = policy.grounds[factor];
    return { factor, rating: justification[factor]?.rating ?? 0, tier, counts: qualifying.includes(tier) };
  });
  let deciding: GroundScore | null = null;
  for (const ground of grounds) {
    if (ground.counts && ground.rating > 0 && (!deciding || ground.rating > deciding.rating))
      deciding = ground;
  }
  const score = deciding ? Math.round((deciding.rating / policy.maxRating) * 100) : 0;
  return { score, level, placeType: place, decidingGround: deciding?.factor ?? null, grounds };
}
