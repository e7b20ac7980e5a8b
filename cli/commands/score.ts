// `dpia score FILE`: validate a proposal file offline and show its pressing-need score.
import { scoreProposal } from '../../functions/scoring/policies.js';
import { parseScoringPolicy, type ScoringPolicy } from '../../functions/scoring/policy.js';
import { type PressingNeed, scorePressingNeed } from '../../functions/scoring/score.js';
import { ConfigurationError } from '../../functions/shared/errors.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { CliError } from '../errors.js';
import { parseOrExplain, readJsonFile } from '../files.js';

export interface ScoreOptions {
  json?: boolean;
  policy?: string;
}

export async function scoreCommand(file: string, options: ScoreOptions): Promise<string> {
  const policy = options.policy ? await loadPolicy(options.policy) : undefined;
  const proposal = parseOrExplain(ProposalInput, await readJsonFile(file), file);
  // A weighted policy file when given; otherwise the policy the proposal names, or the default.
  const result = policy ? scorePressingNeed(proposal.justification, policy) : scoreProposal(proposal);
  if (options.json) return JSON.stringify({ title: proposal.title, ...result }, null, 2);
  return renderScore(proposal.title, result);
}

async function loadPolicy(path: string): Promise<ScoringPolicy> {
  try {
    return parseScoringPolicy(await readJsonFile(path), path);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError([error.message]);
    throw error;
  }
}

export function renderScore(title: string, result: PressingNeed): string {
  const rows = result.factors.map(
    (f) =>
      `  ${f.factor.padEnd(20)} ${`${f.rating}/5`.padStart(6)} ${f.weight.toFixed(2).padStart(7)} ${f.contribution
        .toFixed(2)
        .padStart(7)}`,
  );
  if (result.method === 'highest-ground') {
    return [
      title,
      `Score: ${result.score}/100`,
      `Band: ${result.band}`,
      `Policy: ${result.policyVersion} (the strongest ground that counts; grounds do not add up)`,
      `Place: ${result.placeType} (${result.level} level of justification)`,
      '',
      `  ${'ground'.padEnd(20)} ${'rating'.padStart(6)}  counts`,
      ...result.factors.map(
        (f) => `  ${f.factor.padEnd(20)} ${`${f.rating}/5`.padStart(6)}  ${f.counts ? 'yes' : 'no'}`,
      ),
    ].join('\n');
  }
  return [
    title,
    `Score: ${result.score}/100`,
    `Band: ${result.band}`,
    `Policy: ${result.policyVersion}`,
    '',
    `  ${'factor'.padEnd(20)} ${'rating'.padStart(6)} ${'weight'.padStart(7)} ${'points'.padStart(7)}`,
    ...rows,
  ].join('\n');
}
