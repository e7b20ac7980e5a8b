// `npm run soak` (issue 15): every reliability suite in its long form (DPIA_SOAK=1) in one vitest
// run, then one summary line per area with its counts, as each suite reported them through
// test/reliability/summary.ts, and a line per test file that reported none. Exit status: vitest's.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * test/reliability/ holds the suites of issue 15 (bad input, faults, concurrency, load, and the
 * crash-* and fanout-* files beside them); the others are the tests of its earlier findings.
 */
export const SOAK_FILES = [
  'test/reliability',
  'test/integration/role-matrix.test.ts',
  'test/integration/privacy-logs.test.ts',
  'test/integration/chain-anchor.test.ts',
  'test/integration/tally-frozen.test.ts',
  'test/integration/lifecycle.test.ts',
  'test/unit/audit-verify.test.ts',
  'test/unit/decisions-list.test.ts',
  'test/unit/register.test.ts',
  'test/unit/proposals-handlers.test.ts',
  'test/unit/review-page.test.ts',
  'test/unit/review-form-rules.test.ts',
  'test/unit/replies-inbound-',
  'test/unit/web-session.test.ts',
  'test/unit/web-pages.test.ts',
];

interface FileResult {
  name: string;
  status: string;
  assertionResults: { status: string }[];
  startTime: number;
  endTime: number;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dpia-soak-'));
  const summaryFile = join(dir, 'summary.jsonl');
  const jsonFile = join(dir, 'vitest.json');
  const started = Date.now();
  try {
    const code = await new Promise<number>((done) => {
      const child = spawn(
        'npx',
        [
          'vitest',
          'run',
          ...SOAK_FILES,
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${jsonFile}`,
        ],
        {
          cwd: ROOT,
          stdio: 'inherit',
          env: { ...process.env, DPIA_SOAK: '1', DPIA_SOAK_SUMMARY: summaryFile },
        },
      );
      child.on('exit', (status) => done(status ?? 1));
    });
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    const lines = existsSync(summaryFile)
      ? readFileSync(summaryFile, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
    const files: FileResult[] = existsSync(jsonFile)
      ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as { testResults: FileResult[] }).testResults
      : [];
    const out: string[] = ['', `soak summary (DPIA_SOAK=1, ${minutes} min, exit ${code})`];
    for (const { area, ...counts } of lines) {
      out.push(
        `  ${String(area)}: ${Object.entries(counts)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')}`,
      );
    }
    for (const file of files) {
      const passed = file.assertionResults.filter((a) => a.status === 'passed').length;
      const failed = file.assertionResults.filter((a) => a.status === 'failed').length;
      const seconds = ((file.endTime - file.startTime) / 1000).toFixed(1);
      out.push(
        `  ${relative(ROOT, file.name)}: ${passed} passed, ${failed} failed (${seconds} s)${file.status === 'passed' ? '' : ' FAILED'}`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
