import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import type { SourceFile, StagedRowsRecord } from '../../src/lib/ports.js';
import { earlyFilesOf, parseStagedRecord, STAGED_ROWS_MAX_AGE_HOURS, stagedRowsDecision, usableStagedRows } from '../../src/lib/rollup/staged.js';
import { buildRollupReusingStagedSql, stageEarlyRowsSql } from '../../src/lib/rollup/statements.js';

const DAY = '2026-11-21' as UtcDay;
const file = (stamp: string, size = 100, version = '"e1"'): SourceFile => ({
  path: `s3://logs/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/21/123456789012_vpcflowlogs_ap-northeast-1_fl-1_${stamp}Z_abc.log.gz`,
  sizeBytes: size,
  version,
});
const record = (stagedAt: string, files: readonly SourceFile[] = [file('20261121T0005')]): StagedRowsRecord => ({
  day: DAY,
  build: 'early-20261121T093000000Z',
  stagedAt,
  files,
  partitions: [{ values: { build: 'early-20261121T093000000Z', dt: '2026/11/21' }, location: 's3://results/rollup/builds/early-20261121T093000000Z/dt=2026%2F11%2F21/' }],
});
const STAGED_AT = '2026-11-21T09:30:00.000Z';
const after = (ms: number) => new Date(Date.parse(STAGED_AT) + ms);

describe('staged early rows: when a build may reuse them', () => {
  it('when the margin is read, it is 44 hours: under the 48 h before the 2-day lifecycle rule can expire them, above the 24 h between daily reports', () => {
    expect(STAGED_ROWS_MAX_AGE_HOURS).toBe(44);
  });

  it('when the rows are 1 ms under 44 h old and their files unchanged, it uses them', () => {
    expect(stagedRowsDecision(record(STAGED_AT), [file('20261121T0005')], after(44 * 3_600_000 - 1))).toEqual({ use: true });
  });

  it('when the rows are exactly 44 h old, it reads the files instead, saying how old they are', () => {
    expect(stagedRowsDecision(record(STAGED_AT), [file('20261121T0005')], after(44 * 3_600_000))).toEqual({
      use: false,
      why: 'they were staged 44.0 h ago, not under 44 h (the lifecycle rule may have expired them)',
    });
  });

  it('when the rows claim to be staged after now, or at no readable time, it does not use them', () => {
    expect(stagedRowsDecision(record(STAGED_AT), [file('20261121T0005')], after(-1)).use).toBe(false);
    expect(stagedRowsDecision(record('yesterday'), [file('20261121T0005')], after(1)).use).toBe(false);
  });

  it.each([
    ['its size changed', [file('20261121T0005', 101)]],
    ['its version (ETag or mtime) changed', [file('20261121T0005', 100, '"e2"')]],
    ['it is gone', [file('20261121T0010')]],
  ])('when a staged file is listed again and %s, it does not use the rows', (_, listed) => {
    const decision = stagedRowsDecision(record(STAGED_AT), listed, after(1));
    expect(decision.use).toBe(false);
    expect(decision.use === false && decision.why).toMatch(/^1 of their 1 files changed or went away since \(s3:\/\/logs\/.*_20261121T0005Z_abc\.log\.gz\)$/);
  });

  it('when a file was added to the folder after the staging, it still uses the rows (the added file is read raw by the build)', () => {
    expect(stagedRowsDecision(record(STAGED_AT), [file('20261121T0005'), file('20261121T0010')], after(1))).toEqual({ use: true });
  });

  it('when a record names no file, it does not use it', () => {
    expect(stagedRowsDecision(record(STAGED_AT, []), [], after(1))).toEqual({ use: false, why: 'they name no file' });
  });

  it('when several days are built, it sorts their records into usable and refused, and ignores days without one', () => {
    const other = '2026-11-22' as UtcDay;
    const result = usableStagedRows(new Map([[DAY, record(STAGED_AT)]]), new Map([[DAY, [file('20261121T0005', 5)]]]), [DAY, other], after(1));
    expect(result.usable).toEqual([]);
    expect(result.refused.map((r) => r.day)).toEqual([DAY]);
  });
});

describe('staged early rows: which files are early', () => {
  it('when files are listed, it keeps those delivered up to the stamp (inclusive) and those without a stamp, as late-files.sql does', () => {
    const unstamped: SourceFile = { path: 's3://logs/2026/11/21/copied.log.gz', sizeBytes: 1, version: '' };
    expect(earlyFilesOf([file('20261121T0025'), file('20261121T0030'), file('20261121T0031'), unstamped], '20261121T0030').map((f) => f.path.slice(-24))).toEqual([
      file('20261121T0025').path.slice(-24),
      file('20261121T0030').path.slice(-24),
      'ogs/2026/11/21/copied.log.gz'.slice(-24),
    ]);
  });
});

describe('staged early rows: the ledger record', () => {
  it('when a stored record is read back, it is the record; when it says the rows were let go, there is none', () => {
    const r = record(STAGED_AT);
    expect(parseStagedRecord(DAY, JSON.stringify({ day: DAY, staged: r }), 'x')).toEqual(r);
    expect(parseStagedRecord(DAY, JSON.stringify({ day: DAY, staged: null, forgottenAt: STAGED_AT }), 'x')).toBeUndefined();
  });

  it('when a stored record is damaged or of another day, it is an error naming where it is', () => {
    expect(() => parseStagedRecord(DAY, '{', 's3://r/staged/2026-11-21.json')).toThrow(/^s3:\/\/r\/staged\/2026-11-21\.json is not JSON/);
    expect(() => parseStagedRecord(DAY, JSON.stringify({ day: '2026-11-20', staged: record(STAGED_AT) }), 'here')).toThrow('here is not the staged-rows record of 2026-11-21');
    expect(() => parseStagedRecord(DAY, JSON.stringify({ day: DAY, staged: { ...record(STAGED_AT), files: [{ path: 1 }] } }), 'here')).toThrow(
      'here is not the staged-rows record of 2026-11-21',
    );
  });
});

describe('staged early rows: the statements', () => {
  const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: ['dt'] };
  const partitions = [{ values: { dt: '2026/11/21' }, location: '' }];

  it('when the staging names its files, it reads the early files among exactly those', () => {
    const sql = stageEarlyRowsSql(tables, 'athena', { dt: '2026/11/21', utcDay: DAY, deliveredBy: '20261121T0030' }, partitions, 'early-x', [file('20261121T0005')]);
    expect(sql).toContain(`<= '20261121T0030')\nAND "$path" IN ('${file('20261121T0005').path}')`);
  });

  it('when a build reuses staged rows, it leaves their files out of the raw read and adds the rows of their build and day, markers left out', () => {
    const sql = buildRollupReusingStagedSql(tables, 'athena', [DAY], partitions, '20261123T093000000Z', [record(STAGED_AT)]);
    expect(sql).toContain(`WHERE (dt IN ('2026/11/21'))\n    AND "$path" NOT IN ('${file('20261121T0005').path}')`);
    expect(sql).toContain("FROM flowlogs.vpc_flow_logs_rollup_builds\n  WHERE (build = 'early-20261121T093000000Z' AND dt = '2026/11/21' AND flows > 0)");
    expect(() => buildRollupReusingStagedSql(tables, 'athena', [DAY], partitions, 'b', [record(STAGED_AT, [])])).toThrow(
      /staged rows are reused only with the files they came from/,
    );
  });
});
