/**
 * The Athena path of a report whose window's late folder has no rollup yet: the folder's early
 * files are read by one INSERT into a builds-table partition of their own, every report query
 * reads those staged rows instead of the files, and the partition and its folder are removed
 * after the report. Run through the real use cases with the recording engine
 * (test/support/athena-statements.ts); the statements are checked with the Trino and Hive grammars.
 */
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import { LISTED_FILE_BYTES, recordReport, type RecordedReport } from '../support/athena-statements.js';

const BUILDS = 'flowlogs_ci.vpc_flow_logs_rollup_ci_builds';
const RAW = /FROM flowlogs_ci\.vpc_flow_logs\b(?!_)/;
// These reports have no watchlist, so the watchlist rule does not run.
const saved = loadSavedQueries()
  .list()
  .filter((q) => !q.usesWatchlist)
  .map((q) => q.name);

describe('staged early rows on the Athena path', () => {
  let staged: RecordedReport;
  let fallback: RecordedReport;

  beforeAll(async () => {
    staged = await recordReport();
    fallback = await recordReport({ failInserts: true });
  }, 60_000);

  it('when the late folder has no rollup yet, one INSERT stages its early files into a builds partition of its own, registered first', () => {
    // Prepare
    const labels = staged.statements.map((s) => s.label);

    // Act
    const add = staged.statements.find((s) => s.label === 'early-stage');
    const insert = staged.statements.filter((s) => s.label === 'early-rows');

    // Assess
    expect(add?.sql).toMatch(
      /^ALTER TABLE flowlogs_ci\.vpc_flow_logs_rollup_ci_builds ADD IF NOT EXISTS\s+PARTITION \(build = 'early-20261126T234500000Z', dt = '2026\/11\/26'\) LOCATION 's3:\/\/results-bucket\/rollup\/builds\/early-20261126T234500000Z\/dt=2026%2F11%2F26\/'$/,
    );
    expect(insert).toHaveLength(1);
    expect(insert[0]?.sql).toMatch(/^INSERT INTO flowlogs_ci\.vpc_flow_logs_rollup_ci_builds\n/);
    expect(insert[0]?.sql).toContain(`WHERE (dt = '2026/11/26'\nAND coalesce(regexp_extract("$path", '_([0-9]{8}T[0-9]{4})Z_[^/]*$', 1), '') <= '20261126T0030')`);
    expect(labels.indexOf('early-stage')).toBeLessThan(labels.indexOf('early-rows'));
    expect(new TrinoSQL().validate(insert[0]?.sql ?? '')).toEqual([]);
    expect(new HiveSQL().validate(add?.sql ?? '')).toEqual([]);
  });

  it('when the report queries run, none reads a raw file: each reads the rollup and the staged rows', () => {
    // Act
    const queries = staged.statements.filter((s) => saved.includes(s.label));

    // Assess
    expect(queries.map((q) => q.label).sort()).toEqual([...saved].sort());
    expect(queries.filter((q) => RAW.test(q.sql) || q.sql.includes('"$path"')).map((q) => q.label)).toEqual([]);
    for (const q of queries) expect(q.sql).toContain(`FROM ${BUILDS}\nWHERE build = 'early-20261126T234500000Z'\n  AND dt = '2026/11/26'`);
  });

  it('when the report is done, the staged partition is dropped and its folder deleted, after every query', () => {
    // Act
    const drop = staged.statements.findIndex((s) => s.label === 'early-drop');

    // Assess
    expect(staged.statements[drop]?.sql).toBe(`ALTER TABLE ${BUILDS} DROP IF EXISTS PARTITION (build = 'early-20261126T234500000Z', dt = '2026/11/26')`);
    expect(staged.statements.slice(drop + 1)).toEqual([]);
    expect(staged.deletedFolders).toEqual(['s3://results-bucket/rollup/builds/early-20261126T234500000Z/dt=2026%2F11%2F26/']);
    expect(staged.report.queries.filter((q) => q.name.startsWith('early-')).map((q) => q.name)).toEqual([
      'early-stage 2026-11-26',
      'early-rows 2026-11-26',
      'early-drop 2026-11-26',
    ]);
    expect(staged.report.warnings).toEqual([]);
  });

  it("when the rollup ledger lists the day's folder, the report gives its compressed size beside the bytes scanned", () => {
    expect(staged.report.rawDay).toEqual({ days: ['2026-11-25'], files: 288, bytes: 288 * LISTED_FILE_BYTES });
  });

  it('when the staging INSERT fails, each query reads the early files as before, the partition is dropped, its folder deleted and a warning says so', () => {
    // Act
    const queries = fallback.statements.filter((s) => saved.includes(s.label));

    // Assess
    expect(queries.filter((q) => !q.sql.includes(`dt = '2026/11/26'\nAND coalesce(regexp_extract("$path"`)).map((q) => q.label)).toEqual([]);
    expect(queries.filter((q) => q.sql.includes(BUILDS)).map((q) => q.label)).toEqual([]);
    expect(fallback.statements.filter((s) => s.label === 'early-drop')).toHaveLength(1);
    expect(fallback.deletedFolders).toEqual(['s3://results-bucket/rollup/builds/early-20261126T234500000Z/dt=2026%2F11%2F26/']);
    expect(fallback.report.warnings).toContainEqual(
      expect.stringMatching(/^the early files of 2026-11-26 could not be staged once for this report \(.*cancelled.*\); each query read them from the raw logs instead$/),
    );
  });
});
