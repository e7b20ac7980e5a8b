// `npm run bench`: measured figures, never asserted in tests. Every figure that has a goal is a
// ratio against a floor measured in the same run (this machine is shared; absolute times drift),
// or a count. Prints a table and writes bench/results.json, or bench/results-partial.json for a
// quick or partial run (`--out FILE` to write elsewhere; `--only NAME` runs the benchmarks whose
// name contains NAME, e.g. `--only fan-out`).
// `--quick` runs a small version of each benchmark: a smoke run whose correctness checks must hold
// (exit 1 when a benchmark fails or a check does not hold; a missed goal is reported, not fatal).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchReplies } from './replies.js';
import { benchScoring } from './scoring.js';
import { benchStartup } from './startup.js';
import { benchSuite } from './suite.js';
import { removeBenchDirectories, runIsolated } from './support/isolate.js';
import type { BenchOptions, BenchResult } from './support/result.js';

export type { BenchResult } from './support/result.js';

const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
/** `--only fan-out` (or any part of a benchmark's name) runs just the matching benchmarks. */
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1]?.toLowerCase() : undefined;
const outIndex = process.argv.indexOf('--out');
// bench/results.json, kept in git, is the record of a full run of every benchmark; a quick or
// partial run writes bench/results-partial.json (not kept) unless --out names a file.
const outFile =
  outIndex > 0 && process.argv[outIndex + 1]
    ? resolve(process.argv[outIndex + 1] as string)
    : new URL(quick || only ? './results-partial.json' : './results.json', import.meta.url).pathname;
const options: BenchOptions = { quick };
const limit = (fullSeconds: number) => (quick ? 90 : fullSeconds) * 1000;

const benchmarks: { name: string; run: () => Promise<BenchResult[]> }[] = [
  { name: 'scoring throughput', run: async () => [await benchScoring(options)] },
  // Issue 16: the reader on the labelled corpus (the same in --quick: it takes a second or two).
  { name: 'reply classification', run: () => benchReplies() },
  {
    name: 'lifecycle overhead',
    run: () => runIsolated('lifecycle.ts', 'benchLifecycle', options, limit(180)),
  },
  { name: 'fan-out', run: () => runIsolated('fanout.ts', 'benchFanOut', options, limit(120)) },
  { name: 'reply ingestion', run: () => runIsolated('ingestion.ts', 'benchIngestion', options, limit(300)) },
  { name: 'auditor queries', run: () => runIsolated('queries.ts', 'benchQueries', options, limit(240)) },
  { name: 'public register', run: () => runIsolated('register.ts', 'benchRegister', options, limit(240)) },
  // Every function imported in a few fresh processes beside its SDK floor: minutes on a loaded machine.
  { name: 'functions', run: () => runIsolated('functions.ts', 'benchFunctions', options, limit(420)) },
  {
    name: 'state transitions',
    run: () => runIsolated('transitions.ts', 'benchTransitions', options, limit(120)),
  },
  { name: 'dpia document', run: () => runIsolated('dpia.ts', 'benchDpia', options, limit(180)) },
  { name: 'npm start time-to-ready', run: async () => [await benchStartup(options)] },
  { name: 'test suite and synth', run: () => benchSuite(options) },
];

const started = performance.now();
const results: BenchResult[] = [];
for (const benchmark of benchmarks) {
  if (only && !benchmark.name.includes(only)) continue;
  const t = performance.now();
  process.stderr.write(`bench: ${benchmark.name}...`);
  try {
    results.push(...(await benchmark.run()));
    process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(` failed: ${message.split('\n')[0]}\n`);
    results.push({
      name: benchmark.name,
      figure: Number.NaN,
      unit: '',
      detail: `did not complete: ${message.split('\n')[0]}`,
      pass: false,
      checks: [{ name: 'the benchmark completes', ok: false, detail: message }],
    });
  }
}
const elapsed = performance.now() - started;
removeBenchDirectories();

const format = (n: number) =>
  Number.isNaN(n) ? '-' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
const verdict = (r: BenchResult) => (r.pass === true ? 'pass' : r.pass === false ? 'MISS' : '-');
const failedChecks = results.flatMap((r) =>
  (r.checks ?? [])
    .filter((c) => !c.ok)
    .map((c) => `  ${r.name}: ${c.name}${c.detail ? ` (${c.detail})` : ''}`),
);
const checkCount = results.reduce((n, r) => n + (r.checks?.length ?? 0), 0);
const header = `${'benchmark'.padEnd(30)} ${'figure'.padStart(9)} ${'unit'.padEnd(22)} ${'goal'.padEnd(36)} ${'result'.padEnd(6)} detail`;
process.stdout.write(
  [
    `camera-dpia benchmarks${quick ? ' (quick)' : ''} on ${cpus().length} cores, Node ${process.versions.node}, ` +
      `${(elapsed / 1000).toFixed(0)} s`,
    header,
    '-'.repeat(header.length),
    ...results.map(
      (r) =>
        `${r.name.padEnd(30)} ${format(r.figure).padStart(9)} ${r.unit.padEnd(22)} ${(r.goal ?? '').padEnd(36)} ` +
        `${verdict(r).padEnd(6)} ${r.detail}`,
    ),
    '',
    `goals: ${results.filter((r) => r.pass === true).length} met, ${results.filter((r) => r.pass === false).length} missed; ` +
      `correctness checks: ${checkCount - failedChecks.length} of ${checkCount} hold`,
    ...(failedChecks.length > 0 ? ['checks that do not hold:', ...failedChecks] : []),
    '',
  ].join('\n'),
);
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      quick,
      node: process.versions.node,
      cores: cpus().length,
      elapsed,
      results,
    },
    (_, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )}\n`,
);
process.exitCode = failedChecks.length > 0 ? 1 : 0;
