import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The AWS CLI tests need `aws` on PATH: `npm run test:interop` runs them.
    exclude: ['test/interop/**', '**/node_modules/**'],
    // Test proposals consult for seconds, not the deployment's 14-day minimum (issue 20); the tests
    // of that minimum set it themselves.
    env: { DPIA_MIN_CONSULTATION_DAYS: '0' },
    testTimeout: 30_000,
    // Starting a local stack in beforeAll takes well over vitest's 10 s default on a loaded 2-core
    // machine; the tests' own waits still bound everything after it.
    hookTimeout: 60_000,
    // Vitest would use cores - 1 workers: one on a 2-core machine. Most files wait on I/O.
    maxWorkers: 2,
  },
});
