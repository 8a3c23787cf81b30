import { defineConfig } from 'vitest/config';
// @ts-expect-error plain JavaScript helper shared with the esbuild builds
import { sqlVitePlugin } from './scripts/sql-module.mjs';

/**
 * The fast tests that cover the modules `npm run mutate` mutates (see stryker.config.mjs), so a
 * mutation run takes minutes: pure unit tests, no DuckDB, no packaging.
 */
export default defineConfig({
  plugins: [sqlVitePlugin()],
  test: {
    // MUTATE_TESTS=a.test.ts,b.test.ts narrows the run to one module's tests (see the README).
    include: process.env.MUTATE_TESTS?.split(',').map((f) => `test/unit/${f}`) ?? [
      'test/unit/saved-queries.test.ts',
      'test/unit/sql-rendering-properties.test.ts',
      'test/unit/report-window.test.ts',
      'test/unit/report-times.test.ts',
      'test/unit/rollup-plan.test.ts',
      'test/unit/partition-ddl.test.ts',
      'test/unit/sql.test.ts',
      'test/unit/sns-notifier.test.ts',
      'test/unit/sns-message.test.ts',
      'test/unit/report-renderings.test.ts',
      'test/unit/report-properties.test.ts',
    ],
    testTimeout: 30_000,
  },
});
