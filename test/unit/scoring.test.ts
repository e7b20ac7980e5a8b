import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultScoringPolicy,
  parseScoringPolicy,
  type ScoringPolicy,
} from '../../functions/scoring/policy.js';
import { scorePressingNeed } from '../../functions/scoring/score.js';
import { FACTOR_KEYS, type Justification } from '../../functions/shared/model/proposal.js';

const evidence = 'Recorded crime data for the last twelve months supports this rating.';

function justification(ratings: Record<(typeof FACTOR_KEYS)[number], number>): Justification {
  return Object.fromEntries(
    FACTOR_KEYS.map((key) => [key, { rating: ratings[key], evidence }]),
  ) as unknown as Justification;
}

const ratings = fc.record({
  nationalSecurity: fc.integer({ min: 0, max: 5 }),
  seriousCrime: fc.integer({ min: 0, max: 5 }),
  localCrime: fc.integer({ min: 0, max: 5 }),
  communityConfidence: fc.integer({ min: 0, max: 5 }),
});

/** Any valid policy: four non-negative weights normalised to sum 1, marginal < clear. */
const policies: fc.Arbitrary<ScoringPolicy> = fc
  .record({
    raw: fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000)).filter((w) => w.some((x) => x > 0)),
    marginal: fc.integer({ min: 0, max: 99 }),
    gap: fc.integer({ min: 1, max: 100 }),
  })
  .map(({ raw, marginal, gap }) => {
    const total = raw.reduce((a, b) => a + b, 0);
    const [a, b, c] = raw.map((x) => x / total) as [number, number, number, number];
    return parseScoringPolicy({
      version: 'prop-test',
      maxRating: 5,
      // The last weight absorbs rounding so the sum is exactly 1.
      weights: {
        nationalSecurity: a,
        seriousCrime: b,
        localCrime: c,
        communityConfidence: Math.max(0, 1 - a - b - c),
      },
      bands: { marginal, clear: Math.min(100, marginal + gap) },
    });
  });

describe('scorePressingNeed with the default policy', () => {
  it('scores the seed example (2, 4, 4, 3) as 65, clear, with each factor contribution', () => {
    const result = scorePressingNeed(
      justification({ nationalSecurity: 2, seriousCrime: 4, localCrime: 4, communityConfidence: 3 }),
      defaultScoringPolicy,
    );
    expect(result.score).toBe(65);
    expect(result.band).toBe('clear');
    expect(result.policyVersion).toBe(defaultScoringPolicy.version);
    expect(result.factors.map((f) => [f.factor, f.contribution])).toEqual([
      ['nationalSecurity', 12],
      ['seriousCrime', 24],
      ['localCrime', 20],
      ['communityConfidence', 9],
    ]);
  });

  it('uses the SPEC weights 0.30 / 0.30 / 0.25 / 0.15 and bands clear >= 60, marginal >= 40', () => {
    expect(defaultScoringPolicy.weights).toEqual({
      nationalSecurity: 0.3,
      seriousCrime: 0.3,
      localCrime: 0.25,
      communityConfidence: 0.15,
    });
    expect(defaultScoringPolicy.bands).toEqual({ clear: 60, marginal: 40 });
  });

  it('puts band edges where SPEC says: 60 clear, 59 and 40 marginal, 39 insufficient', () => {
    const at = (r: [number, number, number, number]) =>
      scorePressingNeed(
        justification({
          nationalSecurity: r[0],
          seriousCrime: r[1],
          localCrime: r[2],
          communityConfidence: r[3],
        }),
        defaultScoringPolicy,
      );
    // 0.3*3 + 0.3*3 + 0.25*3 + 0.15*3 = 3/5 of 100 = 60
    expect(at([3, 3, 3, 3])).toMatchObject({ score: 60, band: 'clear' });
    // 0.3*2 + 0.3*2 + 0.25*2 + 0.15*2 = 40
    expect(at([2, 2, 2, 2])).toMatchObject({ score: 40, band: 'marginal' });
    // 0.3*3 + 0.3*3 + 0.25*3 + 0.15*2 = 57
    expect(at([3, 3, 3, 2])).toMatchObject({ score: 57, band: 'marginal' });
    // 0.3*2 + 0.3*2 + 0.25*2 + 0.15*1 = 37
    expect(at([2, 2, 2, 1])).toMatchObject({ score: 37, band: 'insufficient' });
    expect(at([0, 0, 0, 0])).toMatchObject({ score: 0, band: 'insufficient' });
    expect(at([5, 5, 5, 5])).toMatchObject({ score: 100, band: 'clear' });
  });
});

describe('scorePressingNeed properties (any valid policy)', () => {
  it('stays within 0..100 as a whole number', () => {
    fc.assert(
      fc.property(ratings, policies, (r, policy) => {
        const { score } = scorePressingNeed(justification(r), policy);
        return Number.isInteger(score) && score >= 0 && score <= 100;
      }),
    );
  });

  it('never falls when any one rating rises', () => {
    fc.assert(
      fc.property(ratings, policies, fc.constantFrom(...FACTOR_KEYS), (r, policy, factor) => {
        fc.pre(r[factor] < 5);
        const before = scorePressingNeed(justification(r), policy).score;
        const after = scorePressingNeed(justification({ ...r, [factor]: r[factor] + 1 }), policy).score;
        return after >= before;
      }),
    );
  });

  it('bands follow the policy thresholds', () => {
    fc.assert(
      fc.property(ratings, policies, (r, policy) => {
        const { score, band } = scorePressingNeed(justification(r), policy);
        const expected =
          score >= policy.bands.clear
            ? 'clear'
            : score >= policy.bands.marginal
              ? 'marginal'
              : 'insufficient';
        return band === expected;
      }),
    );
  });

  it('has contributions that add up to the score within rounding and records the policy version', () => {
    fc.assert(
      fc.property(ratings, policies, (r, policy) => {
        const result = scorePressingNeed(justification(r), policy);
        const sum = result.factors.reduce((a, f) => a + f.contribution, 0);
        // Each of the four contributions is rounded to 0.01, the score to a whole point.
        return (
          Math.abs(sum - result.score) <= 0.5 + 4 * 0.005 + 1e-9 && result.policyVersion === policy.version
        );
      }),
    );
  });
});
