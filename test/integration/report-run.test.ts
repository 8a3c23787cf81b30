import { afterEach, describe, expect, it } from 'vitest';
import { daysOf } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog } from '../../src/lib/ports.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { reportWindow } from '../../src/lib/report/window.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { ACCOUNT, FlowBucket, flowLine, REGION, statusLine, type TestEngine } from '../support/flow-log-files.js';

const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('/data', '', ACCOUNT, REGION) }]);
const everyPartition: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
  listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
};
let open: TestEngine | undefined;
afterEach(() => {
  open?.close();
  open = undefined;
});

const HOUR = 3600;
const start = Date.parse('2026-11-19T00:00:00Z') / 1000;
/** Three UTC days of records, one every 20 minutes, a third refused, NODATA and SKIPDATA among them. */
const lines = Array.from({ length: 3 * 72 }, (_, i) => {
  const at = start + i * 1200;
  if (i % 17 === 0) return statusLine('NODATA', at);
  if (i % 29 === 0) return statusLine('SKIPDATA', at);
  return flowLine({ src: '198.51.100.4', dst: '10.0.1.10', dstPort: 443, bytes: 1000 + i, start: at, action: i % 3 === 0 ? 'REJECT' : 'ACCEPT' });
});

function expectedTotals(date: string, timezone: string) {
  const window = reportWindow(date, timezone);
  const inWindow = lines.map((l) => l.split(' ')).filter((f) => Number(f[10]) >= window.startEpoch && Number(f[10]) < window.endEpoch);
  return {
    records: inWindow.length,
    accepted: inWindow.filter((f) => f[12] === 'ACCEPT').length,
    rejected: inWindow.filter((f) => f[12] === 'REJECT').length,
    bytes: inWindow.reduce((sum, f) => sum + (f[9] === '-' ? 0 : Number(f[9])), 0),
  };
}

describe('a report over local flow-log files', () => {
  it.each(['UTC', 'Asia/Tokyo', 'America/New_York'])('when the day is taken in %s, the totals equal the records that started in it', async (timezone) => {
    open = await new FlowBucket().write(lines).open();
    const config = loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: timezone });
    const report = await runReport(
      { engine: open.engine, catalog: everyPartition, layout, database: 'flowlogs', table: 'vpc_flow_logs', config, now: () => new Date() },
      { date: '2026-11-20' },
    );

    const expected = expectedTotals('2026-11-20', timezone);
    expect(expected.records).toBeGreaterThan(60);
    expect(report.totals).toEqual(expected);
    expect(report.queries.every((q) => q.status === 'succeeded')).toBe(true);
    expect(report.window.partitions).toEqual(
      timezone === 'UTC' ? ['2026/11/20', '2026/11/21'] : timezone === 'Asia/Tokyo' ? ['2026/11/19', '2026/11/20'] : ['2026/11/20', '2026/11/21'],
    );
  });

  it('when the day is quiet, the report has digests but no finding; with a scan and a brute force injected, it finds each under its rule', async () => {
    const quietEngine = await new FlowBucket().write(lines).open();
    const config = loadReportConfig({});
    const run = (engine: TestEngine) =>
      runReport({ engine: engine.engine, catalog: everyPartition, layout, database: 'flowlogs', table: 'vpc_flow_logs', config, now: () => new Date() }, { date: '2026-11-20' });
    const quiet = await run(quietEngine);
    quietEngine.close();
    const day = Date.parse('2026-11-20T00:00:00Z') / 1000;
    const scan = Array.from({ length: 120 }, (_, i) => flowLine({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: 1000 + i, action: 'REJECT', start: day + 5 * HOUR + i }));
    const brute = Array.from({ length: 130 }, (_, i) => flowLine({ src: '198.51.100.66', dst: '10.0.1.11', dstPort: 3389, action: 'REJECT', start: day + 7 * HOUR + i }));
    open = await new FlowBucket().write([...lines, ...scan, ...brute]).open();
    const noisy = await run(open);

    expect(quiet.findings).toEqual([]);
    expect(noisy.findings.map((f) => [f.rule, f.severity, f.count])).toEqual([
      ['port-scan', 'high', 1],
      ['admin-port-brute-force', 'medium', 1],
    ]);
    expect(noisy.totals.records).toBe(quiet.totals.records + 250);
  });

  it('when only 1 earlier day is complete, the spike rules say "baseline building: 1 of 3 days"; with 1 required they compare', async () => {
    open = await new FlowBucket().write(lines).open();
    const run = (settings: Record<string, string>) =>
      runReport(
        { engine: open!.engine, catalog: everyPartition, layout, database: 'flowlogs', table: 'vpc_flow_logs', config: loadReportConfig(settings), now: () => new Date() },
        { date: '2026-11-20' },
      );

    const building = await run({});
    const mature = await run({ FLOWLOG_MIN_BASELINE_DAYS: '1' });

    expect(building.baseline).toMatchObject({ requiredDays: 3, completeDays: 1, minDayHours: 20 });
    expect(building.baseline?.days.map((d) => [d.date, d.hours, d.complete])).toEqual([
      ['2026-11-13', 0, false],
      ['2026-11-14', 0, false],
      ['2026-11-15', 0, false],
      ['2026-11-16', 0, false],
      ['2026-11-17', 0, false],
      ['2026-11-18', 0, false],
      ['2026-11-19', 24, true],
    ]);
    expect(building.building?.map((b) => [b.rule, b.completeDays, b.requiredDays])).toEqual([
      ['egress-spike', 1, 3],
      ['reject-spike', 1, 3],
    ]);
    expect(renderText(building)).toContain('rule reject-spike; baseline building: 1 of 3 days, not compared yet');
    expect(building.queries.find((q) => q.name === 'baseline-days')).toMatchObject({ status: 'succeeded', rows: 1 });
    expect(mature.building).toBeUndefined();
    expect(mature.baseline?.completeDays).toBe(1);
  });
});
