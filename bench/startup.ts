// Time from `dpia local` (what `npm start` runs) to its ready line, on free ports in a fresh data
// directory and again on a warm one (the second start reads back what the first wrote).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PORT_ENV } from '../local/config.js';
import { freePort } from '../test/support/ports.js';
import { atMost, type BenchOptions, type BenchResult, check } from './support/result.js';

const root = new URL('..', import.meta.url).pathname;
const GOAL_MS = 3000;

export async function benchStartup({ quick }: BenchOptions): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dpia-bench-start-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < (quick ? 2 : 5); i++) times.push(await timeToReady(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const [cold = Number.NaN, ...warm] = times;
  const median = warm.sort((a, b) => a - b)[Math.floor(warm.length / 2)] ?? Number.NaN;
  return {
    name: 'npm start time-to-ready',
    ...atMost(median, GOAL_MS, 'ms'),
    unit: 'ms (warm, median)',
    detail: `first start on an empty data dir ${cold.toFixed(0)} ms; ${times.length} starts`,
    checks: [check('dpia local prints its ready line and stops on Ctrl-C', times.length > 0)],
  };
}

/**
 * One start, with fresh free ports. A port found free can be taken before the stack binds it (by
 * an outgoing connection of a test running beside this one): then it starts again on others.
 */
async function timeToReady(dataDir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dataDir);
    } catch (error) {
      if (attempt >= 3 || !/is already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(dataDir: string): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, DPIA_DATA_DIR: dataDir };
  for (const name of Object.values(PORT_ENV)) env[name] = String(await freePort());
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/dpia.js', 'local'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const elapsed = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/^Ready in /m.test(output)) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`dpia local exited with ${code}:\n${output}`)));
  });
  await new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGINT');
  });
  return elapsed;
}
