import { defineConfig } from 'vitest/config';
import { SummaryLineReporter } from './test/summary-line-reporter.js';
// @ts-expect-error plain JavaScript helper shared with the esbuild builds
import { sqlVitePlugin } from './scripts/sql-module.mjs';

export default defineConfig({
  plugins: [sqlVitePlugin()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', new SummaryLineReporter()],
  },
});
