// Policy 2026.2 (issue 19): the Home Office ANPR guidance's Appendix A. Grounds are rated on their
// own and never add up, the place sets the level of justification, community confidence never
// carries a camera; 2026.1 stays selectable and every result says which policy decided.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROUND_KEYS, type GroundKey, parseHighestGroundPolicy } from '../../functions/scoring/appendix-a.js';
import { appendixAPolicy, defaultPolicyVersion, scoreProposal } from '../../functions/scoring/policies.js';
import { PLACE_TYPES, type PlaceType } from '../../functions/shared/model/assessment.js';
import type { Justification } from '../../functions/shared/model/proposal.js';

const evidence = 'Recorded crime data for the last twelve months supports this rating.';
type Ratings = Partial<Record<GroundKey, number>>;

function justification(r: Ratings): Justification {
  const factor = (rating = 0) => (rating > 0 ? { rating, evidence } : { rating });
  return {
    nationalSecurity: factor(r.nationalSecurity),
    seriousCrime: factor(r.seriousCrime),
    localCrime: factor(r.localCrime),
    communityConfidence: factor(r.communityConfidence),
    ...(r.majorCrime !== undefined ? { majorCrime: factor(r.majorCrime) } : {}),
  };
}

const score = (r: Ratings, placeType?: PlaceType, scoringPolicy: '2026.1' | '2026.2' = '2026.2') =>
  scoreProposal({ justification: justification(r), ...(placeType ? { placeType } : {}), scoringPolicy });

describe('policy 2026.2 (Appendix A)', () => {
  it('two weak grounds do not add up: community confidence 5 and local crime 5 reach marginal under 2026.1, not under 2026.2', () => {
    const weak = { communityConfidence: 5, localCrime: 5 };
    expect(score(weak, 'residential', '2026.1')).toMatchObject({
      score: 40,
      band: 'marginal',
      policyVersion: '2026.1',
    });
    const appendixA = score(weak, 'residential', '2026.2');
    expect(appendixA).toMatchObject({
      score: 0,
      band: 'insufficient',
      policyVersion: '2026.2',
      level: 'highest',
    });
    expect(appendixA.decidingGround).toBe(null);
  });

  it('community confidence alone never carries a camera, at any place and any rating', () => {
    for (const place of PLACE_TYPES) {
      expect(score({ communityConfidence: 5 }, place).band).toBe('insufficient');
    }
    expect(score({ communityConfidence: 5, localCrime: 2 }, 'main-road')).toMatchObject({
      score: 40,
      band: 'insufficient',
    });
  });

  it('the need is the strongest counting ground, never a sum', () => {
    const need = score(
      { nationalSecurity: 3, seriousCrime: 3, majorCrime: 3, localCrime: 3, communityConfidence: 3 },
      'main-road',
    );
    // Under 2026.1 five threes would be 60 (clear); here it is the one strongest: 3 of 5.
    expect(need).toMatchObject({ score: 60, band: 'marginal', decidingGround: 'nationalSecurity' });
    expect(score({ seriousCrime: 4, localCrime: 2 }, 'main-road')).toMatchObject({
      score: 80,
      band: 'clear',
      decidingGround: 'seriousCrime',
    });
  });

  it('places that need the highest level of justification count only national security, serious and major crime', () => {
    expect(score({ localCrime: 5 }, 'town-centre')).toMatchObject({ band: 'clear', level: 'standard' });
    expect(score({ localCrime: 5 }, 'sensitive')).toMatchObject({
      score: 0,
      band: 'insufficient',
      level: 'highest',
    });
    expect(score({ localCrime: 5, majorCrime: 4 }, 'residential')).toMatchObject({
      score: 80,
      band: 'clear',
      decidingGround: 'majorCrime',
    });
    const factors = score({ localCrime: 5 }, 'residential').factors;
    expect(factors.find((f) => f.factor === 'localCrime')).toMatchObject({
      rating: 5,
      counts: false,
      contribution: 0,
    });
  });

  it('a proposal that does not say where the camera is needs the highest level (the cautious reading)', () => {
    expect(score({ localCrime: 5 })).toMatchObject({
      placeType: 'not-recorded',
      level: 'highest',
      band: 'insufficient',
    });
  });

  it('never scores more than the strongest counting rating, and adding a ground never lowers the score (property)', () => {
    const rating = fc.integer({ min: 0, max: 5 });
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(GROUND_KEYS.map((ground) => [ground, rating]))),
        fc.constantFrom(...PLACE_TYPES),
        (r, place) => {
          const need = score(r, place);
          const counting = need.factors.filter((f) => f.counts).map((f) => f.rating);
          expect(need.score).toBe(Math.max(0, ...counting) * 20);
          expect(score({ ...r, communityConfidence: 5 }, place).score).toBe(need.score);
        },
      ),
    );
  });

  it("2026.1 (SPEC 4's weights and bands) is the default; DPIA_SCORING_POLICY picks 2026.2, and a proposal may name either", () => {
    const unnamed = { justification: justification({ seriousCrime: 4 }), placeType: 'main-road' as const };
    expect(defaultPolicyVersion()).toBe('2026.1');
    expect(scoreProposal(unnamed).policyVersion).toBe('2026.1');
    process.env.DPIA_SCORING_POLICY = '2026.2';
    try {
      expect(scoreProposal(unnamed).policyVersion).toBe('2026.2');
      expect(score({ seriousCrime: 4 }, 'main-road', '2026.1').policyVersion).toBe('2026.1');
      process.env.DPIA_SCORING_POLICY = '2025.9';
      expect(() => defaultPolicyVersion()).toThrow(/must be one of 2026.1, 2026.2/);
    } finally {
      delete process.env.DPIA_SCORING_POLICY;
    }
  });

  it('refuses a policy file that lets community confidence carry a camera', () => {
    const bad = structuredClone(appendixAPolicy) as unknown as { qualifying: Record<string, string[]> };
    bad.qualifying.standard = ['serious', 'local', 'exceptional'];
    expect(() => parseHighestGroundPolicy(bad, 'bad.json')).toThrow(/never carries a camera/);
  });
});
