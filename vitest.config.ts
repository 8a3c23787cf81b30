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
    // The handler modules build their own `handler` at import, from the environment, as a cold
    // start does: this one (the local engine: no bucket, no AWS) lets a test import them. Each
    // test builds the handler it runs from its own settings (createXHandler(awsXDeps(settings))).
    env: { FLOWLOG_ENGINE: 'local' },
    reporters: ['default', new SummaryLineReporter()],
  },
});
