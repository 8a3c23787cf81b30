// Mutation testing of the pure modules (`npm run mutate`): each mutant is a small change to the
// code (a `>=` made `>`, a constant changed, a branch removed) that some test should notice.
// Stryker 9.x: 10.x needs Node 22, and the project supports Node 20.19.
// `MUTATE_MODULE=window npm run mutate` mutates one module with only its own tests (faster).

/** Each module mutated, with the fast unit tests that cover it. */
const MODULES = {
  'saved-queries': { file: 'src/lib/report/saved-queries.ts', tests: ['saved-queries.test.ts'] },
  window: { file: 'src/lib/report/window.ts', tests: ['report-window.test.ts', 'report-times.test.ts', 'rollup-plan.test.ts'] },
  'rollup-plan': { file: 'src/lib/rollup/plan.ts', tests: ['rollup-plan.test.ts'] },
  ddl: { file: 'src/lib/partitions/ddl.ts', tests: ['partition-ddl.test.ts', 'sql.test.ts', 'sql-rendering-properties.test.ts'] },
  'sns-message': { file: 'src/lib/render/sns-message.ts', tests: ['sns-message.test.ts', 'sns-notifier.test.ts'] },
};

const only = process.env.MUTATE_MODULE;
if (only !== undefined && !(only in MODULES)) throw new Error(`MUTATE_MODULE must be one of ${Object.keys(MODULES).join(', ')}`);
const chosen = only === undefined ? Object.values(MODULES) : [MODULES[only]];
// Read by vitest.mutate.config.ts in the test runner's process.
process.env.MUTATE_TESTS = [...new Set(chosen.flatMap((m) => m.tests))].join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: chosen.map((m) => m.file),
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants such as a limit) are tested too: each runs every test
  // of the module's list, which is why the lists are short.
  ignoreStatic: false,
  // The machine this runs on is shared: two test processes at most.
  concurrency: 2,
  // A mutant counts as timed out (detected) only after 30 s more than its tests took: with the
  // default 5 s, a busy machine turned most SNS message mutants into timeouts (80 of 135).
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${only ?? 'all'}.html` },
  jsonReporter: { fileName: `reports/mutation/${only ?? 'all'}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
