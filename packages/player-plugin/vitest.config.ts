import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Browser files each play real-time media; two at a time keeps a 2-core machine honest.
    maxWorkers: 2,
  },
});
