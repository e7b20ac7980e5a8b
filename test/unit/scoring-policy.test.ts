import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScoringPolicy } from '../../functions/scoring/policy.js';
import { ConfigurationError } from '../../functions/shared/errors.js';

const shipped = JSON.parse(
  readFileSync(new URL('../../functions/scoring/policy.json', import.meta.url), 'utf8'),
);
const withChanges = (patch: Record<string, unknown>) => ({ ...structuredClone(shipped), ...patch });

function problemOf(document: unknown): string {
  try {
    parseScoringPolicy(document, 'policy.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('parseScoringPolicy', () => {
  it('accepts the shipped policy file with its version', () => {
    expect(parseScoringPolicy(shipped).version).toMatch(/\S/);
  });

  it('refuses weights that do not add up to 1, saying what they add up to', () => {
    const message = problemOf(
      withChanges({
        weights: { nationalSecurity: 0.3, seriousCrime: 0.3, localCrime: 0.3, communityConfidence: 0.3 },
      }),
    );
    expect(message).toContain('policy.json');
    expect(message).toContain('weights: The weights must add up to 1');
    expect(message).toContain('1.2');
  });

  it('refuses thresholds out of order', () => {
    expect(problemOf(withChanges({ bands: { clear: 40, marginal: 60 } }))).toMatch(
      /bands: The marginal threshold \(60\) must be below the clear threshold \(40\)/,
    );
    expect(problemOf(withChanges({ bands: { clear: 50, marginal: 50 } }))).toMatch(/must be below/);
  });

  it('refuses a missing version, a negative weight, an unknown factor and a missing factor', () => {
    expect(problemOf(withChanges({ version: '' }))).toMatch(/version: The policy needs a version/);
    expect(
      problemOf(
        withChanges({
          weights: { nationalSecurity: -0.1, seriousCrime: 0.5, localCrime: 0.45, communityConfidence: 0.15 },
        }),
      ),
    ).toMatch(/weights.nationalSecurity: A weight cannot be negative/);
    expect(problemOf(withChanges({ weights: { ...shipped.weights, roadSafety: 0 } }))).toMatch(/roadSafety/);
    const { localCrime: _dropped, ...three } = shipped.weights;
    expect(problemOf(withChanges({ weights: three }))).toMatch(/weights.localCrime: Required/);
  });
});
