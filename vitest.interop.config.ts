import { defineConfig } from 'vitest/config';

// `npm run test:interop`: tests that drive the local stack with clients from outside npm (the AWS CLI).
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
