import { describe, expect, it } from 'vitest';
import { daysOf, type DayRange } from '../../src/lib/dates.js';
import { QueryError } from '../../src/lib/errors.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog, QueryEngine, QueryOptions, QueryResult } from '../../src/lib/ports.js';
import { ATHENA_MIN_BILLED_BYTES, queryCostUsd } from '../../src/lib/report/build-report.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';

const layout = layoutFor([{ account: '123456789012', region: 'ap-northeast-1', root: sourceRoot('s3://logs', '', '123456789012', 'ap-northeast-1') }]);
const config = loadReportConfig({});

/** A catalog that already has every partition, or none. */
function catalog(has: boolean): PartitionCatalog & { listed: DayRange[] } {
  const listed: DayRange[] = [];
  return {
    listed,
    describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
    listPartitions: async (range) => {
      listed.push(range);
      return has ? partitionsFor(layout, daysOf(range)) : [];
    },
  };
}

/** An engine that answers after a delay, records how many queries ran at once, and fails the labels it is told to. */
class FakeEngine implements QueryEngine {
  readonly kind: 'athena' | 'local';
  inFlight = 0;
  maxInFlight = 0;
  readonly labels: string[] = [];
  readonly statements: string[] = [];
  constructor(
    kind: 'athena' | 'local',
    readonly failing: readonly string[] = [],
    readonly bytes = 123_456_789,
  ) {
    this.kind = kind;
  }
  async execute(sql: string, options?: QueryOptions): Promise<QueryResult> {
    this.statements.push(sql);
    this.labels.push(options?.label ?? '');
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight--;
    if (this.failing.includes(options?.label ?? '')) throw new QueryError(`query ${options?.label} failed: HIVE_BAD_DATA`, { state: 'FAILED' });
    const label = options?.label ?? '';
    const rows =
      label === 'totals'
        ? [{ records: 10, accepted: 6, rejected: 3, bytes: 999 }]
        : label === 'port-scan'
          ? Array.from({ length: 60 }, (_, i) => ({ sourceaddress: `203.0.113.${i}`, ports: 100 + i }))
          : label === 'reject-spike'
            ? [{ rejected: 3000 }]
            : [];
    return {
      queryId: `q-${label}`,
      columns: [],
      rows: rows.slice(0, options?.maxRows ?? rows.length),
      rowsLeftOut: Math.max(0, rows.length - (options?.maxRows ?? rows.length)),
      bytesScanned: this.bytes,
      durationMs: 5,
      outputLocation: `s3://results/${label}.csv`,
      warnings: label === 'totals' ? ['skipped corrupt file x.gz'] : [],
    };
  }
}

const deps = (engine: QueryEngine, has = true) => ({
  engine,
  catalog: catalog(has),
  layout,
  database: 'flowlogs',
  table: 'vpc_flow_logs',
  config,
  now: () => new Date('2026-11-21T00:30:00Z'),
});

describe('running a report', () => {
  it('when twelve saved queries and the baseline-days query run with a bound of 4, at most 4 run at once and every query is listed', async () => {
    const engine = new FakeEngine('local');
    const report = await runReport({ ...deps(engine), concurrency: 4 }, { date: '2026-11-20' });

    expect(engine.maxInFlight).toBe(4);
    expect(report.queries.map((q) => q.name).sort()).toEqual([...engine.labels].sort());
    expect(report.queries).toHaveLength(13);
    expect(report.queries.map((q) => q.name)).toContain('baseline-days');
  });

  it('when one query fails, the others still run and the failure is listed with its error', async () => {
    const engine = new FakeEngine('local', ['top-talkers']);
    const report = await runReport(deps(engine), { date: '2026-11-20' });

    const failed = report.queries.filter((q) => q.status === 'failed');
    expect(failed).toEqual([expect.objectContaining({ name: 'top-talkers', status: 'failed', error: 'query top-talkers failed: HIVE_BAD_DATA' })]);
    expect(report.queries.filter((q) => q.status === 'succeeded')).toHaveLength(12);
    expect(report.totals).toEqual({ records: 10, accepted: 6, rejected: 3, bytes: 999 });
  });

  it('when detections match, findings are sorted high before medium, capped at 50 rows with the rest counted', async () => {
    const report = await runReport(deps(new FakeEngine('local')), { date: '2026-11-20' });

    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['port-scan', 'high'],
      ['reject-spike', 'medium'],
    ]);
    expect(report.findings[0]).toMatchObject({ count: 60, rowsLeftOut: 10, technique: 'T1046', resultsLocation: 's3://results/port-scan.csv' });
    expect(report.findings[0]?.rows).toHaveLength(50);
    expect(report.digests.map((d) => d.rule)).toEqual(['rejected-by-interface', 'top-rejected-ports', 'top-rejected-sources', 'top-talkers']);
    expect(report.warnings).toContain('skipped corrupt file x.gz');
  });

  it('when partitions are missing, it adds those of the window and the 7 baseline days before querying', async () => {
    const engine = new FakeEngine('local');
    const report = await runReport({ ...deps(engine, false) }, { date: '2026-11-20', timezone: 'Asia/Tokyo' });

    expect(engine.statements[0]).toMatch(/^ALTER TABLE flowlogs\.vpc_flow_logs ADD IF NOT EXISTS/);
    expect(engine.statements[0]?.match(/PARTITION \(dt = /g)).toHaveLength(9);
    expect(engine.statements[0]).toContain("dt = '2026/11/12'");
    expect(engine.statements[0]).toContain("dt = '2026/11/20'");
    expect(report.window).toMatchObject({ timezone: 'Asia/Tokyo', partitions: ['2026/11/19', '2026/11/20'] });
    expect(report.warnings).toContain('9 missing partitions were added before the report ran');
  });

  it('when the table is projected, it neither lists nor adds partitions, and the queries still read the window', async () => {
    // Prepare: a projected table with no catalog partitions at all.
    const engine = new FakeEngine('athena');
    const projectedDeps = { ...deps(engine, false), layout: { ...layout, projected: true } };
    // Act
    const report = await runReport(projectedDeps, { date: '2026-11-20', timezone: 'Asia/Tokyo' });
    // Assess
    expect(engine.statements.filter((sql) => /ALTER TABLE/.test(sql))).toEqual([]);
    expect(projectedDeps.catalog.listed).toEqual([]);
    expect(engine.statements.some((sql) => sql.includes("dt IN ('2026/11/19', '2026/11/20')") || sql.includes("'2026/11/19'"))).toBe(true);
    expect(report.warnings.filter((w) => w.includes('partition'))).toEqual([]);
  });

  it('when the engine is Athena, each query costs its bytes at the price per TB and the report adds them up', async () => {
    const report = await runReport(deps(new FakeEngine('athena', [], 2e12)), { date: '2026-11-20' });

    const succeeded = report.queries.filter((q) => q.status === 'succeeded');
    const billed = Math.ceil(2e12 / 1048576) * 1048576;
    for (const q of succeeded) expect(q.costUsd).toBeCloseTo((billed / 1e12) * 5, 9);
    // Twelve saved queries and the baseline-days query.
    expect(report.bytesScanned).toBe(2e12 * 13);
    expect(report.costUsd).toBeCloseTo(succeeded.length * (billed / 1e12) * 5, 6);
  });
});

describe('query cost', () => {
  it('when Athena scans less than 10 MB, it bills 10 MB; locally nothing is billed', () => {
    expect(queryCostUsd('athena', 1000, 5)).toBeCloseTo((ATHENA_MIN_BILLED_BYTES / 1e12) * 5, 12);
    expect(queryCostUsd('athena', 1e12, 5)).toBeCloseTo(5, 2);
    expect(queryCostUsd('athena', 1e12, 6.75)).toBeCloseTo(6.75, 2);
    expect(queryCostUsd('local', 1e12, 5)).toBe(0);
  });
});

describe('report settings', () => {
  it('when nothing is set, it uses UTC, always notifies, USD 5 per TB and the default thresholds', () => {
    expect(config).toMatchObject({
      timezone: 'UTC',
      notify: 'always',
      pricePerTbUsd: 5,
      thresholds: { portScanMinPorts: 100, ephemeralPorts: 'linux', adminPorts: [22, 3389, 5985, 5986, 3306, 5432, 1433, 1521, 27017, 6379, 9042] },
    });
    expect(Object.isFrozen(config.thresholds)).toBe(true);
  });

  it('when the time zone and other keys are bad, one error names each of them', () => {
    const load = () => loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: 'Asia/Tokio', FLOWLOG_ADMIN_PORTS: '22,0', FLOWLOG_NOTIFY: 'sometimes' });

    expect(load).toThrow(/FLOWLOG_REPORT_TIMEZONE: "Asia\/Tokio" is not a known time zone/);
    expect(load).toThrow(/FLOWLOG_ADMIN_PORTS: ports are whole numbers from 1 to 65535, got "0"/);
    expect(load).toThrow(/FLOWLOG_NOTIFY must be one of always, findings/);
  });

  it('when the baseline settings are unset, spike rules need 3 complete days of at least 20 hours', () => {
    expect(config.thresholds).toMatchObject({ minBaselineDays: 3, baselineMinDayHours: 20 });
  });

  it('when the baseline settings are at their bounds (1..7 days, 1..24 hours) they are taken; one past them is refused', () => {
    expect(loadReportConfig({ FLOWLOG_MIN_BASELINE_DAYS: '1', FLOWLOG_BASELINE_MIN_DAY_HOURS: '24' }).thresholds).toMatchObject({ minBaselineDays: 1, baselineMinDayHours: 24 });
    expect(loadReportConfig({ FLOWLOG_MIN_BASELINE_DAYS: '7', FLOWLOG_BASELINE_MIN_DAY_HOURS: '1' }).thresholds).toMatchObject({ minBaselineDays: 7, baselineMinDayHours: 1 });
    const load = () => loadReportConfig({ FLOWLOG_MIN_BASELINE_DAYS: '8', FLOWLOG_BASELINE_MIN_DAY_HOURS: '25' });
    expect(load).toThrow(/FLOWLOG_MIN_BASELINE_DAYS must be a whole number from 1 to 7/);
    expect(load).toThrow(/FLOWLOG_BASELINE_MIN_DAY_HOURS must be a whole number from 1 to 24/);
    expect(() => loadReportConfig({ FLOWLOG_MIN_BASELINE_DAYS: '0' })).toThrow(/FLOWLOG_MIN_BASELINE_DAYS/);
  });

  it('when thresholds are set, they are read as numbers', () => {
    const read = loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: 'Asia/Tokyo', FLOWLOG_EGRESS_SPIKE_RATIO: '3.5', FLOWLOG_ADMIN_PORTS: '22, 8443', FLOWLOG_EPHEMERAL_PORTS: 'iana' });

    expect(read).toMatchObject({ timezone: 'Asia/Tokyo', thresholds: { egressSpikeRatio: 3.5, adminPorts: [22, 8443], ephemeralPorts: 'iana' } });
  });
});
