import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import { layoutFor } from '../../src/lib/partitions/layout.js';
import { servedFlowsRelation } from '../../src/lib/report/relations.js';
import { reportWindow } from '../../src/lib/report/window.js';
import { buildBatches, completeDays, daysWithRollup, isDayComplete, missingPartitions, presentPartitions, splitSpan, wantedRollupPartitions } from '../../src/lib/rollup/plan.js';
import { buildRollupSql, rebuildLocation } from '../../src/lib/rollup/statements.js';
import { athenaScanOnce } from '../../bench/scan-once.js';

const day = (d: string) => d as UtcDay;
const two = layoutFor([
  { account: '123456789012', region: 'ap-northeast-1', root: '' },
  { account: '210987654321', region: 'us-east-1', root: '' },
]);

describe('rollup decisions', () => {
  it('when now is before the day end plus the settle margin, the day is not complete; from that instant it is', () => {
    expect(isDayComplete(day('2026-11-20'), new Date('2026-11-21T00:29:59Z'), 30)).toBe(false);
    expect(isDayComplete(day('2026-11-20'), new Date('2026-11-21T00:30:00Z'), 30)).toBe(true);
    expect(completeDays([day('2026-11-19'), day('2026-11-20'), day('2026-11-21')], new Date('2026-11-21T09:30:00Z'), 30)).toEqual(['2026-11-19', '2026-11-20']);
  });

  it('when the settle margin is 0, the day is complete from the first second of the next UTC day, not before', () => {
    expect(isDayComplete(day('2026-11-20'), new Date('2026-11-20T23:59:59Z'), 0)).toBe(false);
    expect(isDayComplete(day('2026-11-20'), new Date('2026-11-21T00:00:00Z'), 0)).toBe(true);
    expect(isDayComplete(day('2026-11-20'), new Date('2026-11-21T00:00:00Z'), 1)).toBe(false);
  });

  it('when a rebuild asks which wanted rollup partitions exist, it returns exactly those, whatever their locations', () => {
    const wanted = wantedRollupPartitions(two, [day('2026-11-19'), day('2026-11-20')]);
    const existing = wantedRollupPartitions(two, [day('2026-11-20')]).map((p) => ({ ...p, location: 's3://rollup/build-7/' }));

    expect(wanted.every((p) => p.location === '')).toBe(true);
    expect(presentPartitions(two.keys, wanted, existing).map((p) => p.values.dt)).toEqual(['2026/11/20', '2026/11/20']);
    expect(presentPartitions(two.keys, wanted, []).length).toBe(0);
  });

  it('when days come out of order, the build batches are in day order', () => {
    expect(buildBatches([day('2026-11-21'), day('2026-11-19'), day('2026-11-20')], 2, 4)).toEqual([['2026-11-19', '2026-11-20'], ['2026-11-21']]);
  });

  it('when only the end of a span is off the hour, the whole span is read raw', () => {
    const span = { partitions: ['2026/11/19', '2026/11/20'], startEpoch: Date.parse('2026-11-19T15:00:00Z') / 1000, endEpoch: Date.parse('2026-11-20T15:30:00Z') / 1000 };

    expect(splitSpan(span, [day('2026-11-19'), day('2026-11-20')])).toEqual({ rollup: [], raw: ['2026/11/19', '2026/11/20'] });
    expect(splitSpan({ ...span, startEpoch: span.startEpoch + 1800, endEpoch: span.endEpoch - 1800 }, [day('2026-11-19')])).toEqual({ rollup: [], raw: ['2026/11/19', '2026/11/20'] });
  });

  it('when one source of a day has its rollup and the other has not, the day is missing and not readable from the rollup', () => {
    const existing = wantedRollupPartitions(two, [day('2026-11-19')]).concat(wantedRollupPartitions(two, [day('2026-11-20')]).slice(0, 1));
    const wanted = wantedRollupPartitions(two, [day('2026-11-19'), day('2026-11-20')]);
    expect(missingPartitions(two.keys, wanted, existing).map((p) => p.values)).toEqual([{ aws_account: '210987654321', aws_region: 'us-east-1', dt: '2026/11/20' }]);
    expect(daysWithRollup(two, [day('2026-11-19'), day('2026-11-20')], existing)).toEqual(['2026-11-19']);
  });

  it('when 120 days are built for two sources, each statement writes at most 100 partitions', () => {
    const days = Array.from({ length: 120 }, (_, i) => day(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)));
    const batches = buildBatches(days, 2);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(days);
  });

  it('when a Los Angeles day is split, its complete UTC day comes from the rollup and the current one from raw; a Kolkata day is read raw', () => {
    const la = reportWindow('2026-11-20', 'America/Los_Angeles');
    expect(splitSpan(la, [day('2026-11-20')])).toEqual({ rollup: ['2026/11/20'], raw: ['2026/11/21'] });
    const kolkata = reportWindow('2026-11-20', 'Asia/Kolkata');
    expect(splitSpan(kolkata, [day('2026-11-19'), day('2026-11-20')])).toEqual({ rollup: [], raw: ['2026/11/19', '2026/11/20'] });
  });

  it('when a span is served, the SQL reads the rollup only, raw only or both, never a partition twice', () => {
    const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup' };
    const span = { partitions: ['2026/11/20', '2026/11/21'], startEpoch: 1_795_158_000, endEpoch: 1_795_244_400 };
    const rollupOnly = String(servedFlowsRelation(tables, span, { rollup: span.partitions, raw: [] }));
    const mixed = String(servedFlowsRelation(tables, span, { rollup: ['2026/11/20'], raw: ['2026/11/21'] }));
    expect(rollupOnly).toContain("FROM flowlogs.vpc_flow_logs_rollup\nWHERE dt IN ('2026/11/20', '2026/11/21')");
    expect(rollupOnly).not.toContain('FROM flowlogs.vpc_flow_logs\n');
    expect(mixed).toContain("WHERE dt IN ('2026/11/20')");
    expect(mixed).toContain("FROM flowlogs.vpc_flow_logs\nWHERE dt IN ('2026/11/21')");
    expect(() => servedFlowsRelation(tables, span, { rollup: ['2026/11/20'], raw: [] })).toThrow(/does not cover/);
  });

  it('when a build is rendered for two sources, it reads the days once and writes a marker row per partition', () => {
    const sql = buildRollupSql({ database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: two.keys }, [day('2026-11-20')], wantedRollupPartitions(two, [day('2026-11-20')]));
    expect(sql).toMatch(/^INSERT INTO flowlogs\.vpc_flow_logs_rollup\n/);
    expect(sql).toContain("WHERE dt IN ('2026/11/20')");
    expect(sql).toContain("FROM (VALUES ('123456789012', 'ap-northeast-1', '2026/11/20'), ('210987654321', 'us-east-1', '2026/11/20')) AS markers (aws_account, aws_region, dt)");
    expect(rebuildLocation('s3://results/rollup', ['dt'], { values: { dt: '2026/11/20' }, location: '' }, '20261121T093000000Z')).toBe('s3://results/rollup/dt=2026%2F11%2F20/build=20261121T093000000Z/');
  });
});

describe('the rollup on the Athena path', () => {
  it('when a daily UTC report runs with the 7 previous rollups present, exactly one statement reads the raw table (the build), and a second run issues none', async () => {
    const result = await athenaScanOnce(day('2026-11-20'));

    expect(result.rawStatements).toEqual([1, 0]);
    expect(result.runs[0]?.[0]?.reads).toEqual([{ table: 'flowlogs.vpc_flow_logs', partitions: ['2026/11/20'] }]);
    expect(result.runs[1]?.every((s) => s.reads.length > 0 && s.reads.every((r) => r.table === 'flowlogs.vpc_flow_logs_rollup'))).toBe(true);
    expect(result.naiveRawStatements).toBe(10);
  });
});
