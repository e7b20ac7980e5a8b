// Scoring throughput: proposals scored per second, each parsed with the full proposal schema
// first (as every real request is), and the bare scoring function alone.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { defaultScoringPolicy } from '../functions/scoring/policy.js';
import { scorePressingNeed } from '../functions/scoring/score.js';
import { ProposalInput } from '../functions/shared/model/proposal.js';
import type { BenchOptions, BenchResult } from './support/result.js';

export async function benchScoring({ quick }: BenchOptions): Promise<BenchResult> {
  const example = JSON.parse(
    readFileSync(new URL('../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
  );
  const variants = Array.from({ length: 64 }, (_, i) => {
    const copy = structuredClone(example);
    for (const [n, factor] of Object.values(copy.justification).entries())
      (factor as { rating: number }).rating = (i + n) % 6;
    return copy;
  });
  const rounds = quick ? 2_000 : 50_000;

  const parseAndScore = measure(rounds, (i) => {
    const proposal = ProposalInput.parse(variants[i % variants.length]);
    return scorePressingNeed(proposal.justification, defaultScoringPolicy).score;
  });
  const parsed = variants.map((v) => ProposalInput.parse(v));
  const scoreOnly = measure(
    rounds * 10,
    (i) =>
      scorePressingNeed((parsed[i % parsed.length] as ProposalInput).justification, defaultScoringPolicy)
        .score,
  );

  return {
    name: 'scoring throughput',
    figure: parseAndScore,
    unit: 'proposals/s',
    detail: `validate + score (12 consultees each); score alone ${scoreOnly.toFixed(0)}/s`,
  };
}

function measure(rounds: number, work: (i: number) => number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(rounds, 500); i++) sink += work(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) sink += work(i);
  const seconds = (performance.now() - start) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return rounds / seconds;
}
