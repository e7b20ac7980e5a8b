import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The AWS CLI tests need `aws` on PATH: `npm run test:interop` runs them.
    exclude: ['test/interop/**', '**/node_modules/**'],
    testTimeout: 30_000,
    // Vitest would use cores - 1 workers: one on a 2-core machine. Most files wait on I/O.
    maxWorkers: 2,
  },
});
