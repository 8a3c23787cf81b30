// Mutation testing of the rules' SQL (`npm run mutate:sql`), which Stryker cannot mutate: each
// mutant (scripts/sql-mutants.mjs) is written into a copy of src/queries, and the DuckDB tests of
// that query run against the copy (vitest.mutate-sql.config.mjs reads MUTATE_SQL_DIR). A mutant
// is killed when a test fails (or the run times out); the files of the repository are never
// changed. `MUTATE_SQL_FILE=port-scan npm run mutate:sql` mutates one query (a comma-separated list
// mutates several). The report goes to reports/mutation/sql.json (sql-port-scan.json for one query).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { join } from 'node:path';
import { QUERIES_DIR } from './sql-module.mjs';
import { sqlMutants } from './sql-mutants.mjs';

const RULE_TESTS = ['test/integration/report-rule-edges.test.ts', 'test/integration/report-rules.test.ts', 'test/integration/report-rule-history.test.ts'];
/**
 * Each query mutated (its path under src/queries), with the DuckDB tests that run it and the
 * names of the tests that concern it (vitest -t): a mutant is first run against those alone, and
 * one that survives them against every test of the files, so the focus only saves time.
 */
const QUERIES = {
  'port-scan': { file: 'reports/port-scan.sql', tests: RULE_TESTS, focus: 'port-scan|new or ongoing' },
  'admin-port-brute-force': { file: 'reports/admin-port-brute-force.sql', tests: RULE_TESTS, focus: 'admin-port-brute-force|new or ongoing' },
  'admin-port-exposure': { file: 'reports/admin-port-exposure.sql', tests: RULE_TESTS, focus: 'admin-port-exposure|new or ongoing' },
  'reject-spike': { file: 'reports/reject-spike.sql', tests: RULE_TESTS, focus: 'reject-spike|baseline|new or ongoing' },
  'egress-spike': { file: 'reports/egress-spike.sql', tests: RULE_TESTS, focus: 'egress-spike|baseline|new or ongoing' },
  'day-block': {
    file: 'fragments/day-block.sql',
    tests: [...RULE_TESTS, 'test/integration/watchlist-rule.test.ts', 'test/integration/report-series.test.ts'],
    focus: 'baseline|seen|new or ongoing|DST',
  },
  'baseline-days': { file: 'baseline/baseline-days.sql', tests: [...RULE_TESTS, 'test/integration/report-run.test.ts'], focus: 'baseline|spike|report over' },
  watchlist: { file: 'reports/watchlist.sql', tests: ['test/integration/watchlist-rule.test.ts'] },
  'top-rejected-sources': { file: 'reports/top-rejected-sources.sql', tests: ['test/integration/report-rules.test.ts'], focus: 'digests' },
  'top-rejected-ports': { file: 'reports/top-rejected-ports.sql', tests: ['test/integration/report-rules.test.ts'], focus: 'digests' },
  'rejected-by-interface': { file: 'reports/rejected-by-interface.sql', tests: ['test/integration/report-rules.test.ts'], focus: 'digests' },
  'top-talkers': { file: 'reports/top-talkers.sql', tests: ['test/integration/report-rules.test.ts'], focus: 'digests' },
  totals: { file: 'reports/totals.sql', tests: ['test/integration/report-run.test.ts', 'test/integration/report-rules.test.ts'], focus: 'totals' },
  'hourly-records': { file: 'reports/hourly-records.sql', tests: ['test/integration/report-series.test.ts'] },
  'host-egress': { file: 'reports/host-egress.sql', tests: ['test/integration/report-series.test.ts'] },
};
// A mutant's run counts as timed out (detected, as in Stryker) after 30 s more than three times
// the unmutated run: DuckDB tests on a shared machine vary in time.
const TIMEOUT_SLACK_MS = 30_000;

const only = process.env.MUTATE_SQL_FILE?.split(',');
for (const name of only ?? []) {
  if (!(name in QUERIES)) throw new Error(`MUTATE_SQL_FILE must name queries among ${Object.keys(QUERIES).join(', ')} (comma-separated); got ${name}`);
}
const chosen = only ?? Object.keys(QUERIES);
// A run of some queries has a report of its own, so two runs of different queries can go side by side.
const REPORT = `reports/mutation/sql${only === undefined ? '' : `-${only.join('-')}`}.json`;

const copy = mkdtempSync(join(tmpdir(), 'flowlog-mutate-sql-'));
const queriesCopy = join(copy, 'queries');
cpSync(QUERIES_DIR, queriesCopy, { recursive: true });
let child;
const cleanUp = () => {
  try {
    if (child?.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  rmSync(copy, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanUp();
  process.exit(130);
});
process.on('SIGTERM', () => {
  cleanUp();
  process.exit(143);
});

/** Runs the given test files against the copy; resolves with how the run ended and its output. */
function runTests(tests, timeoutMs, focus) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    let timedOut = false;
    child = spawn('node_modules/.bin/vitest', ['run', '--config', 'vitest.mutate-sql.config.mjs', '--bail=1', ...(focus === undefined ? [] : ['-t', focus]), ...tests], {
      env: { ...process.env, MUTATE_SQL_DIR: queriesCopy },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const timer = setTimeout(() => {
      // The whole group: vitest's workers too.
      process.kill(-child.pid, 'SIGKILL');
      timedOut = true;
      resolve({ status: 'timeout', ms: Date.now() - started, output });
    }, timeoutMs);
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!timedOut) resolve({ status: code === 0 ? 'passed' : 'failed', ms: Date.now() - started, output });
    });
  });
}

const results = [];
const writeReport = () => {
  mkdirSync('reports/mutation', { recursive: true });
  for (const r of results) {
    // Mutants run so far: a run stopped half-way reports the score of those.
    r.run = r.killed + r.timedOut + r.survived.length;
    r.score = score(r.killed + r.timedOut, r.run);
  }
  const total = results.reduce((n, r) => n + r.run, 0);
  const detected = results.reduce((n, r) => n + r.killed + r.timedOut, 0);
  const overall = { mutants: total, detected, score: score(detected, total) };
  writeFileSync(REPORT, JSON.stringify({ measuredAt: new Date().toISOString(), overall, files: results }, null, 2) + '\n');
  return { overall };
};
function score(killed, total) {
  return total === 0 ? 'n/a' : `${((100 * killed) / total).toFixed(2)}%`;
}

try {
  for (const name of chosen) {
    const { file, tests, focus } = QUERIES[name];
    const target = join(queriesCopy, file);
    const original = readFileSync(target, 'utf8');
    const baseline = await runTests(tests, 600_000, focus);
    if (baseline.status !== 'passed') {
      throw new Error(`the tests of ${file} fail without any mutant (${tests.join(', ')}):\n${baseline.output.slice(-3000)}`);
    }
    const whole = focus === undefined ? baseline : await runTests(tests, 600_000);
    if (whole.status !== 'passed') {
      throw new Error(`the tests of ${file} fail without any mutant (${tests.join(', ')}):\n${whole.output.slice(-3000)}`);
    }
    const timeoutMs = 3 * baseline.ms + TIMEOUT_SLACK_MS;
    const wholeTimeoutMs = 3 * whole.ms + TIMEOUT_SLACK_MS;
    const mutants = sqlMutants(original);
    console.log(`src/queries/${file}: ${mutants.length} mutants, ${tests.length} test files, unmutated run ${(baseline.ms / 1000).toFixed(1)} s`);
    const entry = { file: `src/queries/${file}`, tests, mutants: mutants.length, killed: 0, timedOut: 0, survived: [], baselineMs: baseline.ms, complete: false };
    results.push(entry);
    for (const [index, mutant] of mutants.entries()) {
      writeFileSync(target, mutant.text);
      let run;
      try {
        run = await runTests(tests, timeoutMs, focus);
        if (run.status === 'passed' && focus !== undefined) run = await runTests(tests, wholeTimeoutMs);
      } finally {
        writeFileSync(target, original);
      }
      const where = { kind: mutant.kind, line: mutant.line, column: mutant.column, original: mutant.original, replacement: mutant.replacement };
      if (run.status === 'passed') {
        entry.survived.push(where);
        console.log(`  survived ${file}:${mutant.line}:${mutant.column} ${mutant.kind} ${mutant.original} -> ${mutant.replacement}`);
      } else if (run.status === 'timeout') entry.timedOut++;
      else entry.killed++;
      process.stdout.write(`  ${index + 1}/${mutants.length} ${run.status === 'passed' ? 'survived' : run.status} (${(run.ms / 1000).toFixed(1)} s)\n`);
      writeReport();
    }
    entry.complete = true;
    writeReport();
    console.log(`src/queries/${file}: ${entry.score} (${entry.killed} killed, ${entry.timedOut} timed out, ${entry.survived.length} survived of ${entry.mutants})`);
  }
} finally {
  cleanUp();
}

const { overall } = writeReport();
console.log('\nSQL mutation score');
for (const r of results) console.log(`  ${r.file}: ${r.score} of ${r.run}`);
console.log(`  overall: ${overall.score} (${overall.detected} of ${overall.mutants} detected)`);
for (const r of results) for (const s of r.survived) console.log(`  survivor ${r.file}:${s.line}:${s.column} ${s.kind} ${s.original} -> ${s.replacement}`);
