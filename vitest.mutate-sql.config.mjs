import { defineConfig } from 'vitest/config';
import { sqlVitePlugin } from './scripts/sql-module.mjs';

/**
 * The DuckDB rule tests as `npm run mutate:sql` runs them (scripts/mutate-sql.mjs): the saved
 * queries come from MUTATE_SQL_DIR, a copy of src/queries holding one mutant, so the files of the
 * repository are never changed. The test files are given on the command line.
 */
const dir = process.env.MUTATE_SQL_DIR;
if (dir === undefined) throw new Error('MUTATE_SQL_DIR must name the copy of src/queries to test (see scripts/mutate-sql.mjs)');

export default defineConfig({
  plugins: [sqlVitePlugin(dir.endsWith('/') ? dir : `${dir}/`)],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { FLOWLOG_ENGINE: 'local' },
  },
});
