// The developer loop: the test suite's wall time (`vitest run`, the part of `npm test` after the
// type check and lint, which are timed too) and `npm run synth`. Full mode only: the suite runs the
// quick benchmarks itself (test/integration/bench-quick.test.ts), never this.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { atMost, type BenchOptions, type BenchResult, seconds } from './support/result.js';

const root = new URL('..', import.meta.url).pathname;
const SUITE_GOAL_S = 90;
const SYNTH_GOAL_S = 20;

interface Run {
  ms: number;
  code: number | null;
  output: string;
}

function timedRun(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', DPIA_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - start, code, output });
    });
  });
}

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

export async function benchSuite({ quick }: BenchOptions): Promise<BenchResult[]> {
  if (quick) return [];
  return [await suite(), await synth()];
}

async function suite(): Promise<BenchResult> {
  const typecheck = await timedRun(bin('tsc'), ['-p', 'tsconfig.json'], 300_000);
  const lint = await timedRun(bin('biome'), ['check', '.'], 300_000);
  const dir = mkdtempSync(join(tmpdir(), 'dpia-bench-suite-'));
  try {
    const report = join(dir, 'vitest.json');
    const vitest = await timedRun(
      bin('vitest'),
      ['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`],
      400_000,
    );
    const files = readReport(report);
    const slowest = files
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((f) => `${f.name} ${seconds(f.ms)}`)
      .join(', ');
    const failed = files.reduce((n, f) => n + f.failed, 0);
    const seconds_ = vitest.ms / 1000;
    return {
      name: 'test suite (vitest run)',
      ...atMost(seconds_, SUITE_GOAL_S, 's'),
      unit: 's',
      detail:
        `${files.length} files, ${failed} failed tests (exit ${vitest.code}); slowest ${slowest}; npm test adds ` +
        `typecheck ${seconds(typecheck.ms)} (exit ${typecheck.code}) and lint ${seconds(lint.ms)} (exit ${lint.code}): ` +
        `${seconds(typecheck.ms + lint.ms + vitest.ms)} in all`,
      data: { vitest: vitest.ms, typecheck: typecheck.ms, lint: lint.ms, files },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readReport(file: string): { name: string; ms: number; failed: number }[] {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      testResults: {
        name: string;
        startTime: number;
        endTime: number;
        assertionResults: { status: string }[];
      }[];
    };
    return report.testResults.map((r) => ({
      name: r.name.replace(`${root}`, ''),
      ms: r.endTime - r.startTime,
      failed: r.assertionResults.filter((a) => a.status === 'failed').length,
    }));
  } catch {
    return [];
  }
}

async function synth(): Promise<BenchResult> {
  const run = await timedRun('npm', ['run', '--silent', 'synth'], 300_000);
  if (run.code !== 0 && /not built/i.test(run.output)) {
    return {
      name: 'npm run synth',
      figure: Number.NaN,
      unit: 's',
      goal: `<= ${SYNTH_GOAL_S} s`,
      pass: null,
      detail: `skipped: ${run.output.trim().split('\n').at(-1)}`,
    };
  }
  const s = run.ms / 1000;
  return {
    name: 'npm run synth',
    figure: s,
    unit: 's',
    goal: `<= ${SYNTH_GOAL_S} s`,
    pass: run.code === 0 && s <= SYNTH_GOAL_S,
    detail:
      run.code === 0
        ? 'cdk synth of every stack'
        : `failed (exit ${run.code}): ${run.output.trim().split('\n').at(-1)}`,
  };
}
