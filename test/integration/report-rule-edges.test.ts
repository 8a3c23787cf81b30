import { afterEach, describe, expect, it } from 'vitest';
import { baselineDaysRelation } from '../../src/lib/report/baseline.js';
import { flowsRelation, pathTable } from '../../src/lib/report/relations.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import { reportWindow } from '../../src/lib/report/window.js';
import type { Row } from '../../src/lib/ports.js';
import { FlowBucket, flowLine, statusLine, type Flow, type TestEngine } from '../support/flow-log-files.js';

/*
 * Each rule threshold just below and exactly at its value, on real DuckDB over real gzip files.
 * The values are the defaults in the rules' headers (src/queries/reports/*.sql), written out here
 * as numbers so a changed default or a `>=` turned `>` fails a test.
 */
const DATE = '2026-11-20';
const DAY_START = Date.parse(`${DATE}T00:00:00Z`) / 1000;
const HOUR = 3600;
const DAY = 86400;
const GB = 1_000_000_000;
const catalog = loadSavedQueries();
let open: TestEngine | undefined;

afterEach(() => {
  open?.close();
  open = undefined;
});

interface RunOptions {
  readonly values?: Record<string, unknown>;
  readonly date?: string;
  readonly timezone?: string;
}

/** Runs one saved query for the report day over the given records. */
async function runRule(rule: string, lines: readonly string[], options: RunOptions = {}): Promise<readonly Row[]> {
  open?.close();
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(options.date ?? DATE, options.timezone ?? 'UTC');
  const values = options.values ?? {};
  // A span with a late folder reads its early files by "$path", which the local engine shows on a view of its own (as run-report does).
  const table = (late: unknown) => (late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'));
  const baselineFlows = flowsRelation('flowlogs', table(window.baseline.late), window.baseline);
  const sql = catalog.render(rule, {
    flows: flowsRelation('flowlogs', table(window.late), window),
    baselineFlows,
    baselineDays: baselineDaysRelation({
      baselineFlows,
      windowStartEpoch: window.startEpoch,
      baselineStartEpoch: window.baseline.startEpoch,
      minDayHours: Number(values.min_day_hours ?? 20),
    }),
    windowStartEpoch: window.startEpoch,
    windowEndEpoch: window.endEpoch,
    values,
  });
  return (await open.engine.execute(sql)).rows;
}

const flows = (count: number, make: (i: number) => Flow) => Array.from({ length: count }, (_, i) => flowLine(make(i)));
/** One public source refused on each of the given destination ports. */
const probes = (ports: readonly number[], extra: Partial<Flow> = {}) =>
  ports.map((dstPort, i) => flowLine({ src: '203.0.113.5', dst: '10.0.1.10', dstPort, action: 'REJECT', start: DAY_START + HOUR + i, ...extra }));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('port-scan at its edges (min_ports = 100, ephemeral_ports = linux 32768-61000)', () => {
  it('when one source reaches exactly 100 distinct ports, it is reported; at 99 it is not', async () => {
    const at = await runRule('port-scan', probes(range(1, 100)));
    const below = await runRule('port-scan', probes(range(1, 99)));

    expect(at.map((r) => [r.sourceaddress, r.ports])).toEqual([['203.0.113.5', 100]]);
    expect(below).toEqual([]);
  });

  it('when the 100 ports are UDP, the source is reported as scanning', async () => {
    const rows = await runRule('port-scan', probes(range(1, 100), { protocol: 17 }));

    expect(rows.map((r) => [r.sourceaddress, r.ports])).toEqual([['203.0.113.5', 100]]);
  });

  it('when the ports are ICMP (protocol 1), they are not counted', async () => {
    const rows = await runRule('port-scan', probes(range(1, 150), { protocol: 1 }));

    expect(rows).toEqual([]);
  });

  it('when 98 low ports come with 32767 and 61001 the source is reported; with 32768 and 61000 (inside the range) it is not', async () => {
    const outside = await runRule('port-scan', probes([...range(1, 98), 32767, 61001]));
    const inside = await runRule('port-scan', probes([...range(1, 98), 32768, 61000]));

    expect(outside.map((r) => r.ports)).toEqual([100]);
    expect(inside).toEqual([]);
  });

  it('when a public server answers 300 client ports inside the ephemeral range, it is not a scan', async () => {
    const answers = flows(300, (i) => ({ src: '198.51.100.77', dst: '10.0.1.10', srcPort: 443, dstPort: 32768 + i * 90, start: DAY_START + 2 * HOUR + i }));
    const rows = await runRule('port-scan', answers);

    expect(rows).toEqual([]);
  });
});

describe('admin-port-brute-force at its edge (min_flows = 100)', () => {
  const attempts = (count: number) =>
    flows(count, (i) => ({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: DAY_START + i * 60 }));

  it('when one public source has exactly 100 rejected flows to SSH, it is reported; at 99 it is not', async () => {
    const at = await runRule('admin-port-brute-force', attempts(100));
    const below = await runRule('admin-port-brute-force', attempts(99));

    expect(at.map((r) => [r.sourceaddress, r.rejected])).toEqual([['198.51.100.9', 100]]);
    expect(below).toEqual([]);
  });
});

/** `count` rejected records spread over the day starting at `dayStart`. */
const rejects = (count: number, dayStart: number) =>
  flows(count, (i) => ({ src: `203.0.113.${(i % 200) + 1}`, dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start: dayStart + Math.floor((i * DAY) / count) }));
/** A NODATA record at the start of each hour of the day: the day is delivered (complete) without adding any flow a rule counts. */
const delivered = (dayStart: number) => Array.from({ length: 24 }, (_, h) => statusLine('NODATA', dayStart + h * HOUR, 'eni-0ffffffffffffff01'));
/** Seven earlier days, each fully delivered around what `make` puts in it, so all 7 are complete baseline days. */
const baselineDays = (make: (dayStart: number) => string[]) =>
  Array.from({ length: 7 }, (_, d) => [...delivered(DAY_START - (d + 1) * DAY), ...make(DAY_START - (d + 1) * DAY)]).flat();

describe('reject-spike at its edges (reject_ratio = 2.0, min_rejected = 1000)', () => {
  it('when the day has exactly twice the mean (2,000 against 1,000), it is reported; at 1,999 it is not', async () => {
    const at = await runRule('reject-spike', [...baselineDays((s) => rejects(1000, s)), ...rejects(2000, DAY_START)]);
    const below = await runRule('reject-spike', [...baselineDays((s) => rejects(1000, s)), ...rejects(1999, DAY_START)]);

    expect(at).toEqual([expect.objectContaining({ rejected: 2000, baseline_days: 7, baseline_mean: 1000, ratio: 2 })]);
    expect(below).toEqual([]);
  });

  it('when the day has exactly 1,000 rejected records against 400 a day, it is reported; at 999 it is not', async () => {
    const at = await runRule('reject-spike', [...baselineDays((s) => rejects(400, s)), ...rejects(1000, DAY_START)]);
    const below = await runRule('reject-spike', [...baselineDays((s) => rejects(400, s)), ...rejects(999, DAY_START)]);

    expect(at).toEqual([expect.objectContaining({ rejected: 1000, baseline_mean: 400, ratio: 2.5 })]);
    expect(below).toEqual([]);
  });
});

/** `total` bytes sent by `src` to `dst` over the day, in 10 flows. */
const egress = (src: string, total: number, dayStart: number, dst = '93.184.216.34') =>
  flows(10, (i) => ({ src, dst, dstPort: 443, bytes: total / 10, start: dayStart + i * HOUR }));

describe('egress-spike at its edges (egress_ratio = 5.0, min_bytes = 1,000,000,000)', () => {
  it('when a host sends exactly 1 GB against 100 MB a day, it is reported; at 999,999,990 bytes it is not', async () => {
    const history = baselineDays((s) => egress('10.0.1.20', 100_000_000, s));
    const at = await runRule('egress-spike', [...history, ...egress('10.0.1.20', GB, DAY_START)]);
    const below = await runRule('egress-spike', [...history, ...egress('10.0.1.20', 999_999_990, DAY_START)]);

    expect(at).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', bytes: GB, ratio: 10 })]);
    expect(below).toEqual([]);
  });

  it('when a host sends exactly 5 times its daily mean (2 GB against 400 MB), it is reported; 10 bytes less is not', async () => {
    const history = baselineDays((s) => egress('10.0.1.20', 400_000_000, s));
    const at = await runRule('egress-spike', [...history, ...egress('10.0.1.20', 2 * GB, DAY_START)]);
    const below = await runRule('egress-spike', [...history, ...egress('10.0.1.20', 2 * GB - 10, DAY_START)]);

    expect(at).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', bytes: 2 * GB, baseline_mean_bytes: 400_000_000, ratio: 5 })]);
    expect(below).toEqual([]);
  });

  it('when the host also sent 10 GB a day to private addresses, only its internet bytes make its baseline', async () => {
    const history = baselineDays((s) => [...egress('10.0.1.20', 400_000_000, s), ...egress('10.0.1.20', 10 * GB, s, '10.0.9.9'), ...egress('10.0.1.20', 10 * GB, s, 'fd00:1::9')]);
    const rows = await runRule('egress-spike', [...history, ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_mean_bytes: 400_000_000, ratio: 5 })]);
  });
});

describe('baseline days across a 25-hour DST day', () => {
  // New York falls back on Sunday 2026-11-01: the 7 local days before 2026-11-05 are 169 hours.
  const date = '2026-11-05';
  const timezone = 'America/New_York';
  const window = reportWindow(date, timezone);
  const baselineHours = (window.baseline.endEpoch - window.baseline.startEpoch) / HOUR;
  /** One flow at the start of every hour of the baseline, the first (extra) hour included. */
  const hourly = (make: (start: number) => Flow) => Array.from({ length: baselineHours }, (_, h) => flowLine(make(window.baseline.startEpoch + h * HOUR)));

  it('when every hour of the 169-hour baseline has records, reject-spike counts 7 baseline days, not 8', async () => {
    expect(baselineHours).toBe(169);
    const baseline = hourly((start) => ({ src: '203.0.113.7', dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start }));
    const today = flows(1000, (i) => ({ src: '203.0.113.8', dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start: window.startEpoch + i * 60 }));
    const rows = await runRule('reject-spike', [...baseline, ...today], { date, timezone });

    expect(rows).toEqual([expect.objectContaining({ rejected: 1000, baseline_days: 7 })]);
  });

  it('when every hour of the 169-hour baseline has egress, egress-spike counts 7 baseline days, not 8', async () => {
    const baseline = hourly((start) => ({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 1_000_000, start }));
    const today = flows(10, (i) => ({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: GB / 10, start: window.startEpoch + i * HOUR }));
    const rows = await runRule('egress-spike', [...baseline, ...today], { date, timezone });

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_days: 7 })]);
  });
});
