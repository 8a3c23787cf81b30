/**
 * Scan once on the Athena path: the report of a day stages the next folder's early rows naming the
 * files it read and keeps them; the next report's build of that folder reads the other files
 * ("$path" NOT IN) plus those staged rows, then lets them go. Run through the real use cases with
 * the recording engine (test/support/athena-statements.ts); statements checked with the Trino and
 * Hive grammars, and against Athena's 262,144-byte query limit.
 */
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordScanOnce, type RecordedScanOnce } from '../support/athena-statements.js';

const BUILDS = 'flowlogs_ci.vpc_flow_logs_rollup_ci_builds';
const STAGED_BUILD = 'early-20261126T234500000Z';
// Athena's query string limit (Athena quotas: "query string length 262,144 bytes").
const ATHENA_QUERY_LIMIT_BYTES = 262_144;

describe('scan once on the Athena path', () => {
  let run: RecordedScanOnce;
  let late: RecordedScanOnce;

  beforeAll(async () => {
    run = await recordScanOnce();
    // 44 h after the staging at 2026-11-26T23:45Z: the rows may be about to expire.
    late = await recordScanOnce({ secondAt: new Date('2026-11-28T19:45:00Z') });
  }, 120_000);

  it('when the next folder has no rollup yet, the staging names the listed early files, the record keeps exactly those, and nothing is dropped after the report', () => {
    // Act
    const rows = run.first.statements.find((s) => s.label === 'early-rows');

    // Assess
    expect(run.kept?.files.map((f) => /_(\d{8}T\d{4})Z_/.exec(f.path)?.[1])).toEqual([
      '20261126T0000',
      '20261126T0005',
      '20261126T0010',
      '20261126T0015',
      '20261126T0020',
      '20261126T0025',
      '20261126T0030',
    ]);
    for (const f of run.kept?.files ?? []) expect(rows?.sql).toContain(`'${f.path}'`);
    expect(rows?.sql).toContain('AND "$path" IN (');
    expect(new TrinoSQL().validate(rows?.sql ?? '')).toEqual([]);
    expect(run.first.statements.filter((s) => s.label === 'early-drop')).toEqual([]);
    expect(run.first.deletedFolders).toEqual([]);
    expect(run.kept).toMatchObject({ day: '2026-11-26', build: STAGED_BUILD, stagedAt: '2026-11-26T23:45:00.000Z' });
  });

  it('when the next report builds that folder, its INSERT reads the folder without the staged files and adds the staged rows, and parses as Trino', () => {
    // Act
    const build = run.second.statements.filter((s) => s.label === 'rollup-build');

    // Assess
    expect(build).toHaveLength(1);
    const sql = build[0]?.sql ?? '';
    expect(sql).toContain(`WHERE (dt IN ('2026/11/26'))\n    AND "$path" NOT IN (${(run.kept?.files ?? []).map((f) => `'${f.path}'`).join(', ')})`);
    expect(sql).toContain(`FROM ${BUILDS}\n  WHERE (build = '${STAGED_BUILD}' AND dt = '2026/11/26' AND flows > 0)`);
    expect(new TrinoSQL().validate(sql)).toEqual([]);
    expect(Buffer.byteLength(sql, 'utf8')).toBeLessThan(ATHENA_QUERY_LIMIT_BYTES);
    expect(run.second.report.queries.find((q) => q.name.startsWith('rollup-build'))?.status).toBe('succeeded');
  });

  it('when the build was switched in, the ledger lets the staged rows go, then their partition is dropped and their folder deleted', () => {
    // Act
    const labels = run.second.statements.map((s) => s.label);
    const drop = run.second.statements.find((s) => s.label === 'rollup-unstage' && s.sql.includes(STAGED_BUILD));

    // Assess
    expect(run.forgotten).toEqual(['2026-11-26']);
    expect(drop?.sql).toBe(`ALTER TABLE ${BUILDS} DROP IF EXISTS PARTITION (build = '${STAGED_BUILD}', dt = '2026/11/26')`);
    expect(new HiveSQL().validate(drop?.sql ?? '')).toEqual([]);
    expect(labels.indexOf('rollup-switch')).toBeLessThan(labels.lastIndexOf('rollup-unstage'));
    expect(run.second.deletedFolders).toContain(`s3://results-bucket/rollup/builds/${STAGED_BUILD}/dt=2026%2F11%2F26/`);
    // The second report's own late folder is staged and kept in turn.
    expect(run.keptAfter.map((r) => `${r.day} ${r.build}`)).toEqual(['2026-11-27 early-20261127T093000000Z']);
    expect(run.second.report.warnings.filter((w) => w.includes('staged'))).toEqual([]);
  });

  it('when the staged rows are 44 h old at the build, it reads every file of the folder, says why, and still lets them go', () => {
    // Act
    const build = late.second.statements.find((s) => s.label === 'rollup-build');

    // Assess
    expect(build?.sql).not.toContain('NOT IN');
    expect(build?.sql).toContain("WHERE dt IN ('2026/11/26')");
    expect(late.second.report.warnings).toContainEqual(
      'the early rows staged for 2026-11-26 were not reused (they were staged 44.0 h ago, not under 44 h (the lifecycle rule may have expired them)); its build read every file of the folder',
    );
    expect(late.forgotten).toEqual(['2026-11-26']);
  });
});
