// `dpia score FILE` driven as a user would: the real bin/dpia.js in a child process, reading real
// files, judged only by its exit code, stdout and stderr (SPEC §4, §9).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ANPR = 'examples/anpr-tenterden.json';
const CCTV = 'examples/cctv-insufficient.json';
const FACTORS = ['nationalSecurity', 'seriousCrime', 'localCrime', 'communityConfidence'];
/** The weighted policy (2026.1), still shipped and selectable with --policy or on the proposal. */
const WEIGHTED_POLICY = 'functions/scoring/policy.json';
const SHIPPED_POLICY_VERSION: string = JSON.parse(readFileSync(join(ROOT, WEIGHTED_POLICY), 'utf8')).version;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function dpia(...args: string[]): Run {
  return dpiaWith({}, ...args);
}

function dpiaWith(env: Record<string, string>, ...args: string[]): Run {
  const result = spawnSync(process.execPath, ['bin/dpia.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A user mistake: exit 2, nothing on stdout, plain lines on stderr and never a stack trace. */
function expectUserError(run: Run): string[] {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toContain('    at ');
  expect(run.stderr).not.toMatch(/\bError:|node:internal/);
  return run.stderr.trimEnd().split('\n');
}

const example = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

let dir: string;
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

/** A policy file weighting the four grounds alike, `weight` each, with policy 2026.1's scale and bands. */
const equalWeightsPolicy = (name: string, version: string, weight: number) =>
  file(name, {
    version,
    maxRating: 5,
    weights: {
      nationalSecurity: weight,
      seriousCrime: weight,
      localCrime: weight,
      communityConfidence: weight,
    },
    bands: { clear: 60, marginal: 40 },
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dpia-cli-score-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('dpia score: valid proposals', () => {
  it('prints the clear example under policy 2026.2 (DPIA_SCORING_POLICY): the strongest counting ground, the place and its level', () => {
    expect(dpia('score', ANPR).stdout).toContain('Score: 65/100'); // the default, 2026.1 (SPEC 4)
    const run = dpiaWith({ DPIA_SCORING_POLICY: '2026.2' }, 'score', ANPR);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Score: 80/100');
    expect(run.stdout).toContain('Band: clear');
    expect(run.stdout).toContain('Policy: 2026.2 (the strongest ground that counts; grounds do not add up)');
    expect(run.stdout).toContain('Place: main-road (standard level of justification)');
    expect(run.stdout).toMatch(/^\s+communityConfidence\s+3\/5\s+no$/m);
    expect(run.stdout).toMatch(/^\s+seriousCrime\s+4\/5\s+yes$/m);
  });

  it('prints the clear example under the weighted policy 2026.1 with its score, band, policy and every factor', () => {
    const run = dpia('score', ANPR, '--policy', WEIGHTED_POLICY);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('ANPR - A28 approach to Tenterden');
    expect(run.stdout).toContain('Score: 65/100');
    expect(run.stdout).toContain('Band: clear');
    expect(run.stdout).toContain(`Policy: ${SHIPPED_POLICY_VERSION}`);
    for (const factor of FACTORS) expect(run.stdout).toMatch(new RegExp(`^\\s+${factor}\\s+\\d/5`, 'm'));
    expect(run.stdout).toMatch(/^\s+seriousCrime\s+4\/5\s+0\.30\s+24\.00$/m);
  });

  it('prints insufficient for the weak CCTV example (still exit 0: scoring is not refusing)', () => {
    const run = dpia('score', CCTV, '--policy', WEIGHTED_POLICY);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Band: insufficient');
    expect(run.stdout).toContain('Score: 22/100');
    // Under 2026.2, local crime 2 of 5 in a town centre: 40, below marginal (60).
    const appendixA = dpiaWith({ DPIA_SCORING_POLICY: '2026.2' }, 'score', CCTV);
    expect(appendixA.stdout).toContain('Score: 40/100');
    expect(appendixA.stdout).toContain('Band: insufficient');
  });

  it('--json gives a parseable result whose factor contributions add up to the score', () => {
    const run = dpia('score', ANPR, '--json', '--policy', WEIGHTED_POLICY);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      title: 'ANPR - A28 approach to Tenterden',
      score: 65,
      band: 'clear',
      policyVersion: SHIPPED_POLICY_VERSION,
    });
    expect(result.factors.map((f: { factor: string }) => f.factor)).toEqual(FACTORS);
    const proposal = example(ANPR);
    let sum = 0;
    for (const f of result.factors as {
      factor: string;
      rating: number;
      weight: number;
      contribution: number;
    }[]) {
      expect(f.rating).toBe(proposal.justification[f.factor].rating);
      expect(f.contribution).toBeCloseTo((f.weight * f.rating * 100) / 5, 2);
      sum += f.contribution;
    }
    expect(Math.abs(sum - result.score)).toBeLessThanOrEqual(0.5);
  });

  it('--policy scores under a custom policy and prints its version', () => {
    const policy = equalWeightsPolicy('equal-weights.json', 'test-1', 0.25);
    // Ratings 0/1/2/2: 22 under the shipped weights, (0+1+2+2)/4/5 = 25 with equal weights.
    const run = dpia('score', CCTV, '--policy', policy);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Score: 25/100');
    expect(run.stdout).toContain('Policy: test-1');
    expect(run.stdout).not.toContain(SHIPPED_POLICY_VERSION);
    expect(run.stdout).toMatch(/^\s+localCrime\s+2\/5\s+0\.25\s+10\.00$/m);
  });
});

describe('dpia score: files it cannot use', () => {
  it('a missing file: exit 2, "file not found" naming it', () => {
    const missing = join(dir, 'no-such-proposal.json');
    const lines = expectUserError(dpia('score', missing));
    expect(lines).toEqual([`${missing}: file not found`]);
  });

  it('a file that is not JSON: exit 2, "not valid JSON"', () => {
    const notJson = file('proposal.json', 'title: ANPR - A28\ncameraType: ANPR\n');
    const lines = expectUserError(dpia('score', notJson));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${notJson}: not valid JSON`);
  });

  it('a policy whose weights do not add up to 1: exit 2, saying so', () => {
    const policy = equalWeightsPolicy('bad-policy.json', 'test-bad', 0.3);
    const lines = expectUserError(dpia('score', ANPR, '--policy', policy));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(policy);
    expect(lines[0]).toContain('add up to 1');
  });
});

describe('dpia score: invalid proposals, one line per problem naming its path', () => {
  it('reports each problem in a proposal with several mistakes', () => {
    const proposal = example(CCTV);
    proposal.justification.localCrime.rating = 6;
    proposal.justification.seriousCrime.rating = 2.5;
    proposal.justification.communityConfidence = { rating: 3 };
    proposal.consultees = Array.from({ length: 6 }, (_, i) => ({
      name: `Consultee ${i}`,
      email: `consultee${i}@parish.example`,
    }));
    proposal.consultees[3].email = 'consultee3 at parish.example';
    proposal.consultees[5].email = 'CONSULTEE1@Parish.Example';
    proposal.responseDeadline = '15/12/2026';
    const path = file('many-mistakes.json', proposal);

    const lines = expectUserError(dpia('score', path));
    const expected: [string, RegExp][] = [
      ['justification.seriousCrime.rating', /whole number from 0 to 5/],
      ['justification.localCrime.rating', /whole number from 0 to 5/],
      ['justification.communityConfidence.evidence', /Evidence of at least 20 characters is required/],
      ['consultees.3.email', /Invalid email address/],
      ['consultees.5.email', /Duplicate e-mail address/],
      ['responseDeadline', /ISO 8601 date-time/],
    ];
    expect(lines).toHaveLength(expected.length);
    for (const [field, message] of expected) {
      const line = lines.find((l) => l.startsWith(`${path}: ${field}: `));
      expect(line, `a line for ${field} in:\n${lines.join('\n')}`).toBeDefined();
      expect(line).toMatch(message);
    }
  });

  it('refuses 501 consultees with one line on the list', () => {
    const proposal = example(CCTV);
    proposal.consultees = Array.from({ length: 501 }, (_, i) => ({
      name: `Consultee ${i}`,
      email: `consultee${i}@parish.example`,
    }));
    const path = file('too-many.json', proposal);
    const lines = expectUserError(dpia('score', path));
    expect(lines).toEqual([`${path}: consultees: At most 500 consultees per proposal`]);
  });

  it('names unknown and missing fields at any depth', () => {
    const proposal = example(ANPR);
    delete proposal.title;
    proposal.site.postcode = 'TN30 6AA';
    proposal.priority = 'high';
    const path = file('fields.json', proposal);
    const lines = expectUserError(dpia('score', path));
    expect(lines.sort()).toEqual(
      [
        `${path}: (root): Unknown field: priority`,
        `${path}: site: Unknown field: postcode`,
        `${path}: title: Required`,
      ].sort(),
    );
  });
});

describe('dpia evidence: the user mistakes', () => {
  it('asks for the proposal id, and for a token for another API, in one line each', () => {
    const missing = dpia('evidence');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("missing required argument 'id'");
    const unreachable = dpia('evidence', 'some-id', '--api', 'http://127.0.0.1:1');
    expect(unreachable.status).not.toBe(0);
    expect(unreachable.stdout).toBe('');
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).not.toContain('    at ');
  });
});
