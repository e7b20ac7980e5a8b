// Opt-in CPU profiles of the measured windows only: with DPIA_BENCH_PROFILE=<dir>, `profiled`
// writes <dir>/<name>.cpuprofile (open it in Chrome DevTools or speedscope) of this thread, and
// <dir>/<name>.window.json, the window's start and end on the profiler's clock. The stack runs in
// the benchmark's own process, so that profile shows the handlers, the emulators on this thread
// and the SDK together. The services in threads of their own (DynamoDB, S3, inbound SMTP) are
// profiled by Node itself: run with NODE_OPTIONS="--cpu-prof --cpu-prof-dir=<dir>" as well and
// `npx tsx bench/support/profile-summary.ts <dir> <name>` cuts every thread's profile to the window
// and prints where the time went (README, Benchmarks).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Microseconds on the monotonic clock V8's profiler stamps its samples with. */
const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Runs `work` as a measured window. With DPIA_BENCH_PROFILE=<dir>, V8's profile of this thread is
 * written too. With DPIA_BENCH_WINDOWS=<dir> only the window is, for a sampler outside the process:
 * `perf record -k CLOCK_MONOTONIC` (node run with `--perf-basic-prof`) samples every thread's real
 * CPU time, which a wall-clock profile of a loaded machine does not.
 */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const profileDir = process.env.DPIA_BENCH_PROFILE;
  const dir = profileDir ?? process.env.DPIA_BENCH_WINDOWS;
  if (!dir) return work();
  const session = profileDir ? await startProfiler() : undefined;
  const start = monotonicMicros();
  try {
    return await work();
  } finally {
    const end = monotonicMicros();
    mkdirSync(dir, { recursive: true });
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
    writeFileSync(join(dir, `${name}.window.json`), JSON.stringify({ start, end }));
  }
}

async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return session;
}
