import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{app,server,models,bench}/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Model sessions and headless Chromium are heavy: two files at a time fit 2 cores.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
