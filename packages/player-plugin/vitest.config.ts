import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Browser files play real-time media in parallel pages already; one file at a time keeps a
    // 2-core machine from starving the pages' timers (which would be measured as jumps).
    maxWorkers: 1,
    fileParallelism: false,
    // At most two scenario pages play at once.
    maxConcurrency: 2,
  },
});
