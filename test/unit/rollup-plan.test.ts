import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import { layoutFor } from '../../src/lib/partitions/layout.js';
import { ROLLUP_COLUMNS } from '../../deploy/stack-resources.js';
import { flowAggregation, flowsRelation, rollupColumns, servedFlowsRelation } from '../../src/lib/report/relations.js';
import { queryNames, queryText, stripComments } from '../../src/lib/sql/sql.js';
import { reportWindow } from '../../src/lib/report/window.js';
import {
  buildBatches,
  completeDays,
  daysPerBuild,
  daysWithRollup,
  isDayComplete,
  missingPartitions,
  presentPartitions,
  splitSpan,
  wantedRollupPartitions,
} from '../../src/lib/rollup/plan.js';
import { buildLocation, buildRollupReusingStagedSql, buildRollupSql } from '../../src/lib/rollup/statements.js';
import { athenaDailyScans, athenaScanOnce } from '../../bench/scan-once.js';

const day = (d: string) => d as UtcDay;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The files under src/queries whose SQL (comments left out) holds this text. */
const filesHolding = (text: string) => queryNames().filter((name) => stripComments(queryText(name)).includes(text));
const two = layoutFor([
  { account: '123456789012', region: 'ap-northeast-1', root: '' },
  { account: '210987654321', region: 'us-east-1', root: '' },
]);
/** Early rows of 2026-11-20 a report staged, which a build of that day reuses. */
const stagedEarly = [
  { day: day('2026-11-20'), build: 'early-1', stagedAt: '2026-11-20T00:40:00Z', files: [{ path: 's3://logs/a.log.gz', sizeBytes: 1, version: 'e1' }], partitions: [] },
];

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

  it('when the days fill whole batches exactly, no empty batch follows', () => {
    expect(buildBatches([day('2026-11-19'), day('2026-11-20'), day('2026-11-21'), day('2026-11-22')], 2, 4)).toEqual([
      ['2026-11-19', '2026-11-20'],
      ['2026-11-21', '2026-11-22'],
    ]);
  });

  it('when days come out of order, the build batches are in day order', () => {
    expect(buildBatches([day('2026-11-21'), day('2026-11-19'), day('2026-11-20')], 2, 4)).toEqual([['2026-11-19', '2026-11-20'], ['2026-11-21']]);
  });

  it("when a span off the hour has a late folder, the late folder's early files are read raw too; without one the split names no late folder at all", () => {
    const kolkata = reportWindow('2026-11-20', 'Asia/Kolkata');
    const late = { dt: '2026/11/21', utcDay: day('2026-11-21'), deliveredBy: '20261121T0030' };
    const offHour = { partitions: ['2026/11/20'], startEpoch: kolkata.startEpoch, endEpoch: kolkata.endEpoch, late };

    expect(splitSpan(offHour, [day('2026-11-20'), day('2026-11-21')])).toStrictEqual({ rollup: [], raw: ['2026/11/20'], rawLate: late });
    expect(splitSpan({ ...offHour, late: undefined }, [day('2026-11-20')])).toStrictEqual({ rollup: [], raw: ['2026/11/20'] });
    const tokyo = reportWindow('2026-11-20', 'Asia/Tokyo');
    expect(splitSpan(tokyo, [day('2026-11-19')])).toStrictEqual({ rollup: ['2026/11/19'], raw: ['2026/11/20'] });
  });

  it('when only the end of a span is off the hour, the whole span is read raw', () => {
    const span = { partitions: ['2026/11/19', '2026/11/20'], startEpoch: Date.parse('2026-11-19T15:00:00Z') / 1000, endEpoch: Date.parse('2026-11-20T15:30:00Z') / 1000 };

    expect(splitSpan(span, [day('2026-11-19'), day('2026-11-20')])).toEqual({ rollup: [], raw: ['2026/11/19', '2026/11/20'] });
    expect(splitSpan({ ...span, startEpoch: span.startEpoch + 1800, endEpoch: span.endEpoch - 1800 }, [day('2026-11-19')])).toEqual({
      rollup: [],
      raw: ['2026/11/19', '2026/11/20'],
    });
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

  it("when builds are sized, a day count never passes Athena's 100 partitions per INSERT (one per source and day): 100 days of one source fit, 101 do not", () => {
    // Athena: INSERT INTO / CTAS write at most 100 partitions per statement (Athena troubleshooting docs).
    const roomy = { bytesPerDay: 1, msPerDay: 1, maxBytesPerQuery: 10 * 1024 ** 3, timeLeftMs: 3_600_000 };
    expect(daysPerBuild({ ...roomy, sources: 1 })).toBe(100);
    expect(daysPerBuild({ ...roomy, sources: 1, maxPartitions: 99 })).toBe(99);
    expect(daysPerBuild({ ...roomy, sources: 3 })).toBe(33);
  });

  it('when a day limit is given (the local engine: one), a build covers at most that many days, and 0 still means no time left', () => {
    const roomy = { sources: 1, bytesPerDay: 1, msPerDay: 1, maxBytesPerQuery: 10 * 1024 ** 3, timeLeftMs: 3_600_000 };
    expect(daysPerBuild({ ...roomy, maxDays: 1 })).toBe(1);
    expect(daysPerBuild({ ...roomy, maxDays: 7 })).toBe(7);
    expect(daysPerBuild({ ...roomy, sources: 3, maxDays: 50 })).toBe(33);
    expect(daysPerBuild({ ...roomy, maxDays: 1, timeLeftMs: 29_999 })).toBe(0);
  });

  it('when an earlier build measured the bytes per day, a build covers the days whose bytes stay under three quarters of the workgroup cutoff', () => {
    const cutoff = 10 * 1024 ** 3; // the stack's default bytesScannedCutoffMb, 10240 MB
    const sized = (bytesPerDay: number) => daysPerBuild({ sources: 1, bytesPerDay, msPerDay: 1, maxBytesPerQuery: cutoff, timeLeftMs: 3_600_000 });
    expect(sized((cutoff * 0.75) / 10)).toBe(10);
    expect(sized((cutoff * 0.75) / 10 + 1)).toBe(9);
    expect(sized(200 * 1024 ** 2)).toBe(38);
    expect(sized(cutoff)).toBe(1);
    expect(sized(cutoff + 1)).toBe(0);
  });

  it('when the time left is short, a build covers the days whose measured time fits three quarters of it after 30 s kept for the switch; under 30 s none starts', () => {
    const sized = (timeLeftMs: number, msPerDay: number | undefined) =>
      daysPerBuild({ sources: 1, bytesPerDay: msPerDay === undefined ? undefined : 1, msPerDay, maxBytesPerQuery: 10 * 1024 ** 3, timeLeftMs });
    expect(sized(270_000, 20_000)).toBe(9);
    expect(sized(270_000, 18_001)).toBe(9);
    expect(sized(270_000, 18_000)).toBe(10);
    expect(sized(29_999, 1)).toBe(0);
    expect(sized(30_000, undefined)).toBe(1);
    expect(sized(30_000, 1)).toBe(0);
    // Before any build was measured, under 30 s still starts none.
    expect(sized(29_999, undefined)).toBe(0);
  });

  it('when the time left or the time per day is unknown, or a day was measured at 0 bytes or 0 ms, only what is known limits a build', () => {
    const cutoff = 10 * 1024 ** 3;
    // No deadline given (the local engine): the partitions decide.
    expect(daysPerBuild({ sources: 1, bytesPerDay: 1, msPerDay: 20_000, maxBytesPerQuery: cutoff, timeLeftMs: undefined })).toBe(100);
    // A deadline but no time per day measured.
    expect(daysPerBuild({ sources: 1, bytesPerDay: 1, msPerDay: undefined, maxBytesPerQuery: cutoff, timeLeftMs: 3_600_000 })).toBe(100);
    // An empty day measured: no bytes limit; no time per day: no time limit, even with exactly 30 s left.
    expect(daysPerBuild({ sources: 1, bytesPerDay: 0, msPerDay: 1, maxBytesPerQuery: cutoff, timeLeftMs: 3_600_000 })).toBe(100);
    expect(daysPerBuild({ sources: 1, bytesPerDay: 1, msPerDay: 0, maxBytesPerQuery: cutoff, timeLeftMs: 30_000 })).toBe(100);
  });

  it('when a Los Angeles day is split, its complete UTC day comes from the rollup and the current one from raw; a Kolkata day is read raw', () => {
    const la = reportWindow('2026-11-20', 'America/Los_Angeles');
    expect(splitSpan(la, [day('2026-11-20')])).toEqual({ rollup: ['2026/11/20'], raw: ['2026/11/21'] });
    const kolkata = reportWindow('2026-11-20', 'Asia/Kolkata');
    expect(splitSpan(kolkata, [day('2026-11-19'), day('2026-11-20')])).toEqual({ rollup: [], raw: ['2026/11/19', '2026/11/20'] });
  });

  it("when a day ends at 00:00 UTC, its window takes the next folder's files delivered up to the end plus the settle margin; a Tokyo or Kolkata day, or a margin of 0, takes none", () => {
    expect(reportWindow('2026-11-20', 'UTC').late).toEqual({ dt: '2026/11/21', utcDay: '2026-11-21', deliveredBy: '20261121T0030' });
    expect(reportWindow('2026-11-20', 'UTC', 45).late?.deliveredBy).toBe('20261121T0045');
    expect(reportWindow('2026-11-20', 'UTC').utcDays).toEqual(['2026-11-20', '2026-11-21']);
    expect(reportWindow('2026-11-20', 'UTC').baseline.late?.dt).toBe('2026/11/20');
    expect(reportWindow('2026-11-20', 'UTC', 0).late).toBeUndefined();
    expect(reportWindow('2026-11-20', 'UTC', 1).late?.deliveredBy).toBe('20261121T0001');
    // A window without a late folder carries no late key at all (its JSON and its spread copies alike).
    expect('late' in reportWindow('2026-11-20', 'Asia/Tokyo')).toBe(false);
    expect('late' in reportWindow('2026-11-20', 'UTC', 0).baseline).toBe(false);
    expect(reportWindow('2026-11-20', 'Asia/Tokyo').late).toBeUndefined();
    expect(reportWindow('2026-11-20', 'Asia/Kolkata').late).toBeUndefined();
  });

  it('when the next folder has its rollup, the late records come from its stored rows; before that only from its early files', () => {
    const utc = reportWindow('2026-11-20', 'UTC');
    expect(splitSpan(utc, [day('2026-11-20'), day('2026-11-21')])).toEqual({ rollup: ['2026/11/20', '2026/11/21'], raw: [] });
    expect(splitSpan(utc, [day('2026-11-20')])).toEqual({ rollup: ['2026/11/20'], raw: [], rawLate: utc.late });
    const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup' };
    const sql = String(servedFlowsRelation(tables, utc, splitSpan(utc, [day('2026-11-20')])));
    expect(sql).toContain("WHERE ((dt = '2026/11/21'\nAND coalesce(regexp_extract(\"$path\", '_([0-9]{8}T[0-9]{4})Z_[^/]*$', 1), '') <= '20261121T0030'))");
    expect(sql).not.toMatch(/dt IN \([^)]*2026\/11\/21/);
  });

  it('when a span is served, the SQL reads the rollup only, raw only or both, never a partition twice', () => {
    const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup' };
    const span = { partitions: ['2026/11/20', '2026/11/21'], startEpoch: 1_795_158_000, endEpoch: 1_795_244_400 };
    const rollupOnly = String(servedFlowsRelation(tables, span, { rollup: span.partitions, raw: [] }));
    const mixed = String(servedFlowsRelation(tables, span, { rollup: ['2026/11/20'], raw: ['2026/11/21'] }));
    expect(rollupOnly).toContain("FROM flowlogs.vpc_flow_logs_rollup\nWHERE dt IN ('2026/11/20', '2026/11/21')");
    expect(rollupOnly).not.toContain('FROM flowlogs.vpc_flow_logs\n');
    expect(mixed).toContain("WHERE dt IN ('2026/11/20')");
    expect(mixed).toContain("FROM flowlogs.vpc_flow_logs\nWHERE (dt IN ('2026/11/21'))");
    expect(() => servedFlowsRelation(tables, span, { rollup: ['2026/11/20'], raw: [] })).toThrow(/does not cover/);
  });

  it('when the rollup is written, read and created, the build, the relations, the Glue table and the local table name the same 13 columns in the same order', () => {
    const names = String(rollupColumns()).split(/,\s*/);
    const span = { partitions: ['2026/11/20', '2026/11/21'], startEpoch: 1_795_158_000, endEpoch: 1_795_244_400 };
    const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', buildsTable: 'vpc_flow_logs_rollup_builds' };
    const selected = (sql: string) =>
      /SELECT\n([\s\S]*?)\nFROM/
        .exec(sql)?.[1]
        ?.split(/,\s*/)
        .map((c) => c.trim());

    expect(names).toEqual([
      'hour',
      'interfaceid',
      'sourceaddress',
      'destinationaddress',
      'destinationport',
      'protocol',
      'action',
      'logstatus',
      'flows',
      'packets',
      'bytes',
      'first_start',
      'last_end',
    ]);
    expect(ROLLUP_COLUMNS.map((c) => c.Name)).toEqual(names);
    expect(
      [...queryText('local/rollup/create-table').matchAll(/\(hour BIGINT[^)]*\)/g)].map((m) =>
        m[0]
          .slice(1)
          .split(', ')
          .slice(0, 13)
          .map((c) => c.split(' ')[0]),
      ),
    ).toEqual([names]);
    // Locally the rollup is a view of the builds table's rows (create-view.sql names the columns through the fragment).
    expect(queryText('local/rollup/create-view')).toContain('{{rollup_columns}}');
    expect(selected(String(servedFlowsRelation(tables, span, { rollup: span.partitions, raw: [] })))).toEqual(names);
    expect(selected(String(servedFlowsRelation(tables, span, { rollup: ['2026/11/20'], raw: ['2026/11/21'] })))).toEqual(names);
    const late = { dt: '2026/11/21', utcDay: day('2026-11-21'), deliveredBy: '20261121T0010' };
    const staged = String(servedFlowsRelation(tables, { ...span, partitions: ['2026/11/20'], late }, { rollup: ['2026/11/20'], raw: [], stagedLate: { late, build: 'early-1' } }));
    expect(staged).toContain(`SELECT\n  ${names.join(',\n  ')}\nFROM flowlogs.vpc_flow_logs_rollup_builds\nWHERE build = 'early-1'`);
  });

  it('when raw records are aggregated, the two builds and the raw relation use the SELECT and GROUP BY lists of fragments/aggregation-*.sql, and no other query file holds them', () => {
    const { select, groupBy } = flowAggregation();
    const keys = 'aws_account, aws_region, dt';
    const build = buildRollupSql(
      { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: two.keys },
      [day('2026-11-20')],
      wantedRollupPartitions(two, [day('2026-11-20')]),
      'b-1',
    );
    const reusing = buildRollupReusingStagedSql(
      { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: two.keys },
      'athena',
      [day('2026-11-20')],
      wantedRollupPartitions(two, [day('2026-11-20')]),
      'b-2',
      stagedEarly,
    );
    const raw = String(flowsRelation('flowlogs', 'vpc_flow_logs', { partitions: ['2026/11/20'], startEpoch: 1_795_158_000, endEpoch: 1_795_244_400 }));

    expect(String(select)).toMatch(/^starttime - starttime % 3600 AS hour,\n {2}interfaceid,\n[\s\S]*\n {2}CAST\(max\(endtime\) AS BIGINT\) AS last_end$/);
    expect(
      String(select)
        .split(/,\n\s*/)
        .map((c) => c.replace(/^.* AS /, '')),
    ).toEqual(String(rollupColumns()).split(/,\s*/));
    expect(String(groupBy).split(/,\n\s*/)).toEqual(
      String(select)
        .split(/,\n\s*/)
        .slice(0, 8)
        .map((c) => c.replace(/ AS hour$/, '')),
    );
    expect(build).toContain(`SELECT\n  ${select},\n  'b-1',\n  ${keys}\nFROM flowlogs.vpc_flow_logs\nWHERE dt IN ('2026/11/20')\nGROUP BY\n  ${groupBy},\n  ${keys}\nUNION ALL\n`);
    expect(reusing).toContain(`  SELECT\n    ${select},\n    ${keys}\n  FROM flowlogs.vpc_flow_logs\n`);
    expect(reusing).toContain(`  GROUP BY\n    ${groupBy},\n    ${keys}\n  UNION ALL\n`);
    expect(raw).toMatch(new RegExp(`^SELECT\n  ${escaped(String(select))}\nFROM flowlogs\\.vpc_flow_logs\n[\\s\\S]*\nGROUP BY\n  ${escaped(String(groupBy))}$`));
    for (const text of ['sum(numpackets)', 'sum(numbytes)', 'min(starttime)', 'max(endtime)']) expect(filesHolding(text)).toEqual(['fragments/aggregation-select']);
    expect(filesHolding('starttime - starttime % 3600')).toEqual(['fragments/aggregation-group-by', 'fragments/aggregation-select']);
  });

  it('when a build writes its marker rows, both build statements end with the one branch of fragments/marker-rows.sql, one value per rollup column, and no other query file holds it', () => {
    const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: two.keys };
    const partitions = wantedRollupPartitions(two, [day('2026-11-20')]);
    const branch = (sql: string) => sql.slice(sql.lastIndexOf('\nUNION ALL\n') + '\nUNION ALL\n'.length);
    const fragment = stripComments(queryText('fragments/marker-rows')).trim();
    const expected = fragment
      .replaceAll('{{build}}', "'b-1'")
      .replaceAll('{{keys}}', 'aws_account, aws_region, dt')
      .replace('{{markers}}', "('123456789012', 'ap-northeast-1', '2026/11/20'), ('210987654321', 'us-east-1', '2026/11/20')");

    expect(branch(buildRollupSql(tables, [day('2026-11-20')], partitions, 'b-1'))).toBe(expected);
    expect(branch(buildRollupReusingStagedSql(tables, 'athena', [day('2026-11-20')], partitions, 'b-1', stagedEarly))).toBe(expected);
    expect(fragment.match(/CAST\((NULL|0) AS [A-Z]+\)/g)?.length).toBe(String(rollupColumns()).split(/,\s*/).length);
    expect(filesHolding('{{markers}}')).toEqual(['fragments/marker-rows']);
    expect(filesHolding('CAST(0 AS BIGINT)')).toEqual(['fragments/marker-rows']);
    expect(filesHolding('{{marker_rows}}')).toEqual(['rollup/build-rollup', 'rollup/build-rollup-reusing-staged']);
  });

  it('when a build is rendered for two sources, it reads the days once, writes into the builds table under its build id and a marker row per partition', () => {
    const sql = buildRollupSql(
      { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: two.keys },
      [day('2026-11-20')],
      wantedRollupPartitions(two, [day('2026-11-20')]),
      '20261121T093000000Z',
    );
    expect(sql).toMatch(/^INSERT INTO flowlogs\.vpc_flow_logs_rollup_builds\n/);
    expect(sql).toContain(
      '(hour,\n  interfaceid,\n  sourceaddress,\n  destinationaddress,\n  destinationport,\n  protocol,\n  action,\n  logstatus,\n  flows,\n  packets,\n  bytes,\n  first_start,\n  last_end, build, aws_account, aws_region, dt)\nSELECT\n',
    );
    expect(sql).toContain("CAST(max(endtime) AS BIGINT) AS last_end,\n  '20261121T093000000Z',\n  aws_account, aws_region, dt\nFROM");
    expect(sql).toContain("WHERE dt IN ('2026/11/20')");
    expect(sql).toContain("FROM (VALUES ('123456789012', 'ap-northeast-1', '2026/11/20'), ('210987654321', 'us-east-1', '2026/11/20')) AS markers (aws_account, aws_region, dt)");
    expect(buildLocation('s3://results/rollup', ['dt'], { values: { dt: '2026/11/20' }, location: '' }, '20261121T093000000Z')).toBe(
      's3://results/rollup/builds/20261121T093000000Z/dt=2026%2F11%2F20/',
    );
  });
});

describe('the rollup on the Athena path', () => {
  it("when a daily UTC report runs with the 7 previous rollups present, exactly one statement reads a raw folder whole (the build), the next folder's early files are read once (staged) and every query reads the stored rows; a second run reads no raw folder whole", async () => {
    const result = await athenaScanOnce(day('2026-11-20'));

    expect(result.wholeRawStatements).toEqual([1, 0]);
    expect(result.runs[0]?.find((s) => s.label.startsWith('INSERT'))?.reads).toEqual([{ table: 'flowlogs.vpc_flow_logs', partitions: ['2026/11/20'] }]);
    const reads = result.runs.flat().flatMap((s) => s.reads);
    expect(reads.filter((r) => r.partitions.includes('2026/11/21'))).toEqual([]);
    expect(reads.filter((r) => r.earlyFiles !== undefined)).toEqual([
      { table: 'flowlogs.vpc_flow_logs', partitions: [], earlyFiles: ['2026/11/21'] },
      { table: 'flowlogs.vpc_flow_logs', partitions: [], earlyFiles: ['2026/11/21'] },
    ]);
    expect(result.runs[0]?.map((s) => s.label).slice(0, 6)).toEqual([
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds',
      'INSERT INTO flowlogs.vpc_flow_logs_rollup_builds',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds',
      'INSERT INTO flowlogs.vpc_flow_logs_rollup_builds',
    ]);
    const queries = result.runs[1]?.filter((s) => s.label.startsWith('WITH') || s.label.startsWith('SELECT')) ?? [];
    // The 12 saved queries and the baseline-days query.
    expect(queries.length).toBe(13);
    expect(
      queries.every(
        (s) =>
          s.reads.length > 0 &&
          s.reads.every((r) => r.table === 'flowlogs.vpc_flow_logs_rollup' || (r.table === 'flowlogs.vpc_flow_logs_rollup_builds' && r.stagedRows?.join() === '2026/11/21')),
      ),
    ).toBe(true);
    expect(result.naiveRawStatements).toBe(12);
  });

  it("when five daily UTC reports run in a row, every raw file is read once over its life: the early files by the report of the day before (staged), the others by the folder's build, which reuses the staged rows", async () => {
    const { folders, reports } = await athenaDailyScans(day('2026-11-20'), 5);

    expect(folders.map((f) => f.dt)).toEqual(['2026/11/20', '2026/11/21', '2026/11/22', '2026/11/23', '2026/11/24', '2026/11/25']);
    // The first folder had no report the day before to stage its early files: its build reads it whole.
    expect(folders.map((f) => f.wholeReads)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(folders.map((f) => f.lessStagedReads)).toEqual([0, 1, 1, 1, 1, 0]);
    expect(folders.map((f) => f.earlyReads)).toEqual([0, 1, 1, 1, 1, 1]);
    expect(folders.slice(1, 5).map((f) => f.scans)).toEqual([1, 1, 1, 1]);
    expect(reports).toHaveLength(5);
    expect(reports.every((r) => r.bytesScanned > r.rawDayBytes)).toBe(true);
  });
});
