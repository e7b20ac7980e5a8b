// Each benchmark that starts a local stack runs in a process of its own: the stack's SDK clients,
// handler modules and the SES emulator's store are per process, a crash or hang stays contained,
// and one benchmark's garbage is not collected on the next one's clock.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { BenchOptions, BenchResult } from './result.js';

const root = new URL('../..', import.meta.url).pathname;

/** Set in a benchmark's child process: its stack's data directory is left to this parent to remove. */
export const ISOLATED_ENV = 'DPIA_BENCH_ISOLATED';

/** The data directories of the benchmarks' stacks, removed at the end (support/stack.ts benchDataDir). */
const leftDirectories: string[] = [];

export function removeBenchDirectories(): void {
  for (const dir of leftDirectories.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs `export` of `bench/<module>` in a child process; rejects on error, exit or timeout. */
export function runIsolated(
  module: string,
  exportName: string,
  options: BenchOptions,
  timeoutMs: number,
): Promise<BenchResult[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/child.ts', module, exportName, JSON.stringify(options)],
    {
      cwd: root,
      env: { ...process.env, DPIA_LOG_LEVEL: 'silent', SMTP_TRANSPORT: '', [ISOLATED_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const tempDirs: string[] = [];
  let outcome: { results?: BenchResult[]; error?: string } | undefined;
  return new Promise<BenchResult[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      outcome ??= { error: `did not finish within ${Math.round(timeoutMs / 1000)} s` };
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }, timeoutMs);
    child.on('message', (message: { tempDir?: string; results?: BenchResult[]; error?: string }) => {
      if (message.tempDir) tempDirs.push(message.tempDir);
      else outcome ??= message;
    });
    child.on('error', (error) => {
      outcome ??= { error: error.message };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Removed once every benchmark has run (removeBenchDirectories), whether the child finished or was killed.
      leftDirectories.push(...tempDirs);
      if (outcome?.results) resolve(outcome.results);
      else reject(new Error(outcome?.error ?? `exited with ${signal ?? code} and no results`));
    });
  });
}
