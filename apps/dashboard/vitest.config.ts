import { defineConfig } from 'vitest/config';

// Browser tests share one Chromium and one server per file; files run one after another so two
// Chromiums never fight over the machine's two cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
