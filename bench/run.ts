// `npm run bench`: measured figures, never asserted in tests. Prints a table and writes
// bench/results.json. `--quick` runs a small version of each benchmark (a smoke run).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchScoring } from './scoring.js';
import { benchStartup } from './startup.js';

export interface BenchResult {
  name: string;
  figure: number;
  unit: string;
  detail: string;
}

const quick = process.argv.includes('--quick');
const results: BenchResult[] = [await benchScoring({ quick }), await benchStartup({ quick })];

const table = results.map(
  (r) => `${r.name.padEnd(28)} ${r.figure.toFixed(0).padStart(12)} ${r.unit.padEnd(22)} ${r.detail}`,
);
process.stdout.write(
  [
    `camera-dpia benchmarks${quick ? ' (quick)' : ''} on ${cpus().length} cores, Node ${process.versions.node}`,
    ...table,
    '',
  ].join('\n'),
);
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify({ at: new Date().toISOString(), quick, node: process.versions.node, results }, null, 2)}\n`,
);
