// Mutation testing of the pure modules (`npm run mutate`): each mutant is a small change to the
// code (a `>=` made `>`, a constant changed, a branch removed) that some test should notice.
// Stryker 9.x: 10.x needs Node 22, and the project supports Node 20.19.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: [
    'src/lib/report/saved-queries.ts',
    'src/lib/report/window.ts',
    'src/lib/rollup/plan.ts',
    'src/lib/partitions/ddl.ts',
    'src/lib/report/sns-message.ts',
  ],
  coverageAnalysis: 'perTest',
  // The machine this runs on is shared: two test processes at most.
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
