import { defineConfig } from 'vitest/config';

// `npm run test:interop`: tests that drive the local stack with clients from outside npm (the AWS CLI).
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    // Test proposals consult for seconds, not the deployment's 14-day minimum (issue 20); the tests
    // of that minimum set it themselves.
    env: { DPIA_MIN_CONSULTATION_DAYS: '0' },
    testTimeout: 60_000,
  },
});
