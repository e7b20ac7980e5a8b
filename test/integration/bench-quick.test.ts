// `npm run bench -- --quick` as a smoke test: every benchmark completes and its correctness
// checks hold (no consultee mailed twice, no reply lost or counted twice, the chain verifies, the
// newest decisions come first, every bundle imports...). Timings are never asserted: this machine
// is shared, and speed is what `npm run bench` reports, not what tests decide.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/support/result.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dpia-bench-quick-'));
const out = join(dir, 'results.json');

let results: BenchResult[] = [];

function runQuickBench(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: root,
      env: { ...process.env, DPIA_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The run is a test of its own (not a beforeAll), so the suite's report shows how long it takes.
describe('npm run bench -- --quick', () => {
  it('runs to the end and writes its results', async () => {
    const run = await runQuickBench();
    expect(run.code, run.output).toBe(0);
    results = (JSON.parse(readFileSync(out, 'utf8')) as { results: BenchResult[] }).results;
    expect(results.length).toBeGreaterThan(0);
  }, 300_000);

  it.each([
    'scoring throughput',
    'reply classification',
    'lifecycle overhead',
    'fan-out',
    'reply ingestion',
    'auditor queries',
    'public register',
    'auditor dashboard',
    'function ',
    'state transitions',
    'dpia document',
    'npm start time-to-ready',
  ])('completes %s', (name) => {
    const rows = results.filter((r) => r.name.startsWith(name));
    expect(rows.length, `no result for ${name}`).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.detail, row.name).not.toMatch(/^did not complete/);
      // JSON keeps a figure that could not be measured as null.
      expect(row.figure, `${row.name}: ${row.detail}`).not.toBeNull();
    }
  });

  it('holds every correctness check', () => {
    const failed = results.flatMap((r) =>
      (r.checks ?? []).filter((c) => !c.ok).map((c) => `${r.name}: ${c.name} (${c.detail ?? ''})`),
    );
    expect(failed).toEqual([]);
    expect(results.flatMap((r) => r.checks ?? []).length).toBeGreaterThan(10);
  });
});
