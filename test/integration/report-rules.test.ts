import { afterEach, describe, expect, it } from 'vitest';
import { baselineDaysQuery, baselineDaysRelation, baselineStatus } from '../../src/lib/report/baseline.js';
import { flowsRelation, pathTable } from '../../src/lib/report/relations.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import { reportWindow } from '../../src/lib/report/window.js';
import type { Row } from '../../src/lib/ports.js';
import { FlowBucket, flowLine, statusLine, type Flow, type TestEngine } from '../support/flow-log-files.js';

const DATE = '2026-11-20';
const DAY_START = Date.parse(`${DATE}T00:00:00Z`) / 1000;
const HOUR = 3600;
const DAY = 86400;
const catalog = loadSavedQueries();
let open: TestEngine | undefined;

afterEach(() => {
  open?.close();
  open = undefined;
});

/** Runs one saved query for the report day over the given records, on real DuckDB. */
async function runRule(rule: string, lines: readonly string[], values: Record<string, unknown> = {}, timezone = 'UTC'): Promise<readonly Row[]> {
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(DATE, timezone);
  const baselineFlows = flowsRelation('flowlogs', window.baseline.late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'), window.baseline);
  const sql = catalog.render(rule, {
    // A window with a late folder reads its early files by "$path", which the local engine shows on a view of its own.
    flows: flowsRelation('flowlogs', window.late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'), window),
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
/** Background traffic every report day has: web clients, their answers, some refused probes. */
const background = (dayStart: number) => [
  ...flows(30, (i) => ({ src: `198.51.100.${i + 1}`, dst: '10.0.1.10', dstPort: 443, start: dayStart + i * 600 })),
  ...flows(30, (i) => ({ src: '10.0.1.10', dst: `198.51.100.${i + 1}`, srcPort: 443, dstPort: 33000 + i * 900, start: dayStart + i * 600 })),
  ...flows(5, (i) => ({ src: `192.0.2.${i + 1}`, dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start: dayStart + i * 7000 })),
];

describe('port-scan', () => {
  it('when one source reaches 150 distinct ports, it reports that source with its port count', async () => {
    const scan = flows(150, (i) => ({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: i + 1, action: 'REJECT', start: DAY_START + 3 * HOUR + i }));
    const rows = await runRule('port-scan', [...background(DAY_START), ...scan]);

    expect(rows.map((r) => r.sourceaddress)).toEqual(['203.0.113.5']);
    expect(rows[0]?.ports).toBe(150);
    expect(rows[0]?.rejected).toBe(150);
  });

  it('when sources reach 99 ports or a server answers hundreds of client ports, it reports nothing', async () => {
    const under = flows(99, (i) => ({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: i + 1, action: 'REJECT', start: DAY_START + HOUR + i }));
    const answers = flows(500, (i) => ({ src: '10.0.1.10', dst: '198.51.100.77', srcPort: 443, dstPort: 32768 + i * 50, start: DAY_START + 2 * HOUR + i }));
    const rows = await runRule('port-scan', [...background(DAY_START), ...under, ...answers]);

    expect(rows).toEqual([]);
  });

  it('when a private server answers Windows clients on 61001-65535 (outside the Linux preset), it reports nothing', async () => {
    const answers = flows(300, (i) => ({ src: '10.0.1.10', dst: `198.51.100.${(i % 200) + 1}`, srcPort: 443, dstPort: 61001 + i * 10, start: DAY_START + 2 * HOUR + i }));
    const rows = await runRule('port-scan', [...background(DAY_START), ...answers]);

    expect(rows).toEqual([]);
  });

  it('when a private host is refused on 120 ports, it is reported as scanning', async () => {
    const lateral = flows(120, (i) => ({ src: '10.0.2.99', dst: '10.0.1.10', dstPort: 1000 + i, action: 'REJECT', start: DAY_START + 4 * HOUR + i }));
    const rows = await runRule('port-scan', [...background(DAY_START), ...lateral]);

    expect(rows.map((r) => [r.sourceaddress, r.ports])).toEqual([['10.0.2.99', 120]]);
  });

  it('when the threshold is lowered to 50, the 99-port source is reported', async () => {
    const under = flows(99, (i) => ({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: i + 1, action: 'REJECT', start: DAY_START + HOUR + i }));
    const rows = await runRule('port-scan', under, { min_ports: 50 });

    expect(rows.map((r) => r.ports)).toEqual([99]);
  });
});

describe('admin-port-exposure', () => {
  const privateSources = [
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.0.9',
    '100.64.0.1',
    '100.127.255.1',
    '127.0.0.1',
    '169.254.169.254',
    'fd12:3456:789a::1',
    'fc00::5',
    'fe80::1',
    'FE80::abcd',
  ];

  it('when public addresses reach SSH, RDP and database ports and are accepted, it reports each of them', async () => {
    const exposed = [
      { src: '198.51.100.7', dstPort: 22 },
      { src: '172.32.0.1', dstPort: 3389 },
      { src: '100.128.0.1', dstPort: 5432 },
      { src: '2001:db8::7', dstPort: 27017 },
    ].map((e, i) => flowLine({ ...e, dst: '10.0.1.10', start: DAY_START + i * HOUR }));
    const rows = await runRule('admin-port-exposure', [...background(DAY_START), ...exposed]);

    expect(rows.map((r) => `${r.sourceaddress}:${r.destinationport}`).sort()).toEqual(['100.128.0.1:5432', '172.32.0.1:3389', '198.51.100.7:22', '2001:db8::7:27017']);
  });

  it('when admin ports are reached only from private ranges, or refused, or public traffic goes to 443, it reports nothing', async () => {
    const inside = privateSources.map((src, i) => flowLine({ src, dst: '10.0.1.10', dstPort: 22, start: DAY_START + i * 60 }));
    const refused = flowLine({ src: '198.51.100.7', dst: '10.0.1.10', dstPort: 3389, action: 'REJECT', start: DAY_START + 500 });
    const rows = await runRule('admin-port-exposure', [...background(DAY_START), ...inside, refused]);

    expect(rows).toEqual([]);
  });

  it('when the admin port list is configured to 8443 only, SSH from the internet is no longer reported', async () => {
    const ssh = flowLine({ src: '198.51.100.7', dst: '10.0.1.10', dstPort: 22, start: DAY_START });
    const console8443 = flowLine({ src: '198.51.100.8', dst: '10.0.1.10', dstPort: 8443, start: DAY_START });
    const rows = await runRule('admin-port-exposure', [ssh, console8443], { admin_ports: [8443] });

    expect(rows.map((r) => r.sourceaddress)).toEqual(['198.51.100.8']);
  });
});

describe('admin-port-brute-force', () => {
  it('when one public source has 150 rejected flows to SSH, it reports it', async () => {
    const attempts = flows(150, (i) => ({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: DAY_START + i * 60 }));
    const rows = await runRule('admin-port-brute-force', [...background(DAY_START), ...attempts]);

    expect(rows.map((r) => [r.sourceaddress, r.rejected])).toEqual([['198.51.100.9', 150]]);
  });

  it('when a public source has 99 rejected flows, or a private one 200, it reports nothing', async () => {
    const few = flows(99, (i) => ({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: DAY_START + i * 60 }));
    const inside = flows(200, (i) => ({ src: '172.20.1.1', dst: '10.0.1.10', dstPort: 3306, srcPort: 40000 + i, action: 'REJECT', start: DAY_START + i * 60 }));
    const rows = await runRule('admin-port-brute-force', [...background(DAY_START), ...few, ...inside]);

    expect(rows).toEqual([]);
  });
});

/** `count` rejected records spread over the day starting at `dayStart`. */
const rejects = (count: number, dayStart: number) =>
  flows(count, (i) => ({ src: `203.0.113.${(i % 200) + 1}`, dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start: dayStart + Math.floor((i * DAY) / count) }));
/** One NODATA record in each hour from `fromHour`: what AWS writes for an idle interface, so the day counts as fully delivered. */
const delivered = (dayStart: number, fromHour = 0, toHour = 24) =>
  Array.from({ length: toHour - fromHour }, (_, h) => statusLine('NODATA', dayStart + (fromHour + h) * HOUR, 'eni-0ffffffffffffff01'));
/** Seven earlier days, each fully delivered around what `make` puts in it (day 0 is the day before the report). */
const baselineDays = (make: (dayStart: number, day: number) => string[]) =>
  Array.from({ length: 7 }, (_, d) => [...delivered(DAY_START - (d + 1) * DAY), ...make(DAY_START - (d + 1) * DAY, d)]).flat();

describe('reject-spike', () => {
  it('when the day has 3,000 rejected records against about 1,000 a day before, it reports the ratio', async () => {
    const rows = await runRule('reject-spike', [...baselineDays((start) => rejects(1000, start)), ...rejects(3000, DAY_START)]);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rejected: 3000, baseline_days: 7, baseline_mean: 1000, ratio: 3 });
  });

  it('when the day is at its usual level, or a large ratio stays under the minimum volume, it reports nothing', async () => {
    const usual = await runRule('reject-spike', [...baselineDays((start) => rejects(1000, start)), ...rejects(1100, DAY_START)]);
    open?.close();
    open = undefined;
    const small = await runRule('reject-spike', [...baselineDays((start) => rejects(10, start)), ...rejects(500, DAY_START)]);

    expect(usual).toEqual([]);
    expect(small).toEqual([]);
  });

  it('when only 3 previous days have data, it takes the mean of those 3', async () => {
    const threeDays = [0, 1, 2].flatMap((d) => [...delivered(DAY_START - (d + 1) * DAY), ...rejects(1000, DAY_START - (d + 1) * DAY)]);
    const rows = await runRule('reject-spike', [...threeDays, ...rejects(2500, DAY_START)]);

    expect(rows[0]).toMatchObject({ baseline_days: 3, baseline_mean: 1000, ratio: 2.5 });
  });

  it('when the mean is not a whole number (1,000, 1,000 and 1,001 a day), it shows the mean to one decimal and the ratio to two', async () => {
    const threeDays = [1000, 1000, 1001].flatMap((count, d) => [...delivered(DAY_START - (d + 1) * DAY), ...rejects(count, DAY_START - (d + 1) * DAY)]);
    const rows = await runRule('reject-spike', [...threeDays, ...rejects(2345, DAY_START)]);

    // 3,001 / 3 = 1,000.333...; 2,345 / 1,000.333... = 2.3442...
    expect(rows).toEqual([expect.objectContaining({ rejected: 2345, baseline_days: 3, baseline_mean: 1000.3, ratio: 2.34 })]);
  });

  it('when the complete baseline days had no rejected record, it reports the day with no ratio rather than an infinite one; with one in three days, the ratio is 3,000', async () => {
    const none = [0, 1, 2].flatMap((d) => delivered(DAY_START - (d + 1) * DAY));
    const never = await runRule('reject-spike', [...none, ...rejects(1000, DAY_START)]);
    open?.close();
    open = undefined;
    const once = await runRule('reject-spike', [...none, ...rejects(1, DAY_START - 2 * DAY), ...rejects(1000, DAY_START)]);

    expect(never).toEqual([expect.objectContaining({ rejected: 1000, baseline_days: 3, baseline_mean: 0, ratio: null })]);
    // A mean of 1/3: under 1, yet not 0, so the ratio is shown.
    expect(once).toEqual([expect.objectContaining({ rejected: 1000, baseline_days: 3, baseline_mean: 0.3, ratio: 3000 })]);
  });

  it('when the window has no record at all, even with min_rejected set to 0 it reports no spike of 0', async () => {
    const quietDays = [0, 1, 2].flatMap((d) => delivered(DAY_START - (d + 1) * DAY));
    const rows = await runRule('reject-spike', quietDays, { min_rejected: 0 });

    expect(rows).toEqual([]);
  });

  it('when 2 complete days precede the day (min_baseline_days 3), it stays quiet; with exactly 3 it fires', async () => {
    const days = (n: number) => Array.from({ length: n }, (_, d) => [...delivered(DAY_START - (d + 1) * DAY), ...rejects(1000, DAY_START - (d + 1) * DAY)]).flat();
    const two = await runRule('reject-spike', [...days(2), ...rejects(5000, DAY_START)]);
    open?.close();
    open = undefined;
    const three = await runRule('reject-spike', [...days(3), ...rejects(5000, DAY_START)]);

    expect(two).toEqual([]);
    expect(three).toEqual([expect.objectContaining({ rejected: 5000, baseline_days: 3, ratio: 5 })]);
  });

  it("when the oldest day is a flow log's partial first day (delivery from 09:00), it is left out of the mean", async () => {
    const full = [0, 1, 2].flatMap((d) => [...delivered(DAY_START - (d + 1) * DAY), ...rejects(1000, DAY_START - (d + 1) * DAY)]);
    const firstDay = DAY_START - 4 * DAY;
    const partial = [
      ...delivered(firstDay, 9),
      ...flows(100, (i) => ({ src: '203.0.113.9', dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start: firstDay + 9 * HOUR + i * 300 })),
    ];
    const rows = await runRule('reject-spike', [...partial, ...full, ...rejects(2500, DAY_START)]);

    // Counted, the partial day would make the mean 775 and the ratio 3.23.
    expect(rows).toEqual([expect.objectContaining({ baseline_days: 3, baseline_mean: 1000, ratio: 2.5 })]);
  });
});

describe('baseline days (which earlier days are complete)', () => {
  /** Runs the baseline-days query over the records, as the report does once per run, and returns its rows. */
  async function baselineRows(lines: readonly string[], minDayHours = 20, date = DATE, timezone = 'UTC') {
    open = await new FlowBucket().write(lines).open();
    const window = reportWindow(date, timezone);
    const sql = baselineDaysQuery({
      baselineFlows: flowsRelation('flowlogs', window.baseline.late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'), window.baseline),
      windowStartEpoch: window.startEpoch,
      baselineStartEpoch: window.baseline.startEpoch,
      minDayHours,
    });
    return { rows: (await open.engine.execute(sql)).rows, window };
  }
  /** The same rows read into the report's baseline status. */
  async function status(lines: readonly string[], minDayHours = 20, date = DATE, timezone = 'UTC') {
    const { rows, window } = await baselineRows(lines, minDayHours, date, timezone);
    return baselineStatus(rows, window.baseline.days, 3, minDayHours);
  }
  const dayStart = (d: number) => DAY_START - (d + 1) * DAY;

  it('when a day has records in 20 of its hours it is complete, in 19 it is not (threshold 20)', async () => {
    const result = await status([...delivered(dayStart(0), 0, 20), ...delivered(dayStart(1), 0, 19)]);

    expect(result.days.slice(-2)).toEqual([
      { date: '2026-11-18', hours: 19, firstRecordAfterSeconds: 0, complete: false },
      { date: '2026-11-19', hours: 20, firstRecordAfterSeconds: 0, complete: true },
    ]);
    expect(result.completeDays).toBe(1);
  });

  it("when a day's first record starts 1,800 s after midnight it is complete, 1,801 s it is not", async () => {
    const at = (d: number, offset: number) => [statusLine('NODATA', dayStart(d) + offset, 'eni-0ffffffffffffff01'), ...delivered(dayStart(d), 1)];
    const result = await status([...at(0, 1800), ...at(1, 1801)]);

    expect(result.days.slice(-2).map((d) => [d.date, d.firstRecordAfterSeconds, d.complete])).toEqual([
      ['2026-11-18', 1801, false],
      ['2026-11-19', 1800, true],
    ]);
  });

  it('when delivery stopped for 5 hours one day and a day has no record at all, neither counts', async () => {
    const gap = [...delivered(dayStart(0), 0, 10), ...delivered(dayStart(0), 15, 24)];
    const result = await status([...gap, ...delivered(dayStart(2))]);

    expect(result.days.map((d) => [d.date, d.hours, d.complete])).toEqual([
      ['2026-11-13', 0, false],
      ['2026-11-14', 0, false],
      ['2026-11-15', 0, false],
      ['2026-11-16', 0, false],
      ['2026-11-17', 24, true],
      ['2026-11-18', 0, false],
      ['2026-11-19', 19, false],
    ]);
    expect(result.completeDays).toBe(1);
  });

  it('when all seven earlier days are fully delivered, each is a complete day of its own, the oldest included', async () => {
    const result = await status([0, 1, 2, 3, 4, 5, 6].flatMap((d) => delivered(dayStart(d))));

    expect(result.days.map((d) => [d.date, d.hours, d.complete])).toEqual([
      ['2026-11-13', 24, true],
      ['2026-11-14', 24, true],
      ['2026-11-15', 24, true],
      ['2026-11-16', 24, true],
      ['2026-11-17', 24, true],
      ['2026-11-18', 24, true],
      ['2026-11-19', 24, true],
    ]);
    expect(result.completeDays).toBe(7);
  });

  it('when the oldest baseline day is the 25-hour day clocks went back (New York, 2026-11-01), its 25 delivered hours count as 24 and its first record as on time', async () => {
    const localMidnight = Date.parse('2026-11-01T04:00:00Z') / 1000;
    const result = await status(delivered(localMidnight, 0, 25), 20, '2026-11-08', 'America/New_York');

    // The extra hour starts 3,600 s before the oldest 24-hour block: still on time, never negative.
    expect(result.days[0]).toEqual({ date: '2026-11-01', hours: 24, firstRecordAfterSeconds: 0, complete: true });
  });

  it('when the baseline-days rows are read as they are, complete is 1 or 0', async () => {
    // Day 2 has records at the first and the last second (:00:00 and :59:59) of 10 hours: 10 hours, not 11.
    const lastSeconds = Array.from({ length: 10 }, (_, h) => statusLine('NODATA', dayStart(2) + h * HOUR + 3599, 'eni-0ffffffffffffff02'));
    const { rows } = await baselineRows([...delivered(dayStart(0), 0, 20), ...delivered(dayStart(1), 0, 19), ...delivered(dayStart(2), 0, 10), ...lastSeconds]);

    expect(rows.map((r) => [r.day_block, r.hours, r.complete])).toEqual([
      [0, 20, 1],
      [86400, 19, 0],
      [172800, 10, 0],
    ]);
  });

  it('when the threshold is lowered to 19 hours, the 19-hour day counts', async () => {
    const result = await status(delivered(dayStart(0), 0, 19), 19);

    expect(result.days.at(-1)).toMatchObject({ hours: 19, complete: true });
  });

  it('when the day is taken in Asia/Tokyo, the days are Tokyo days (15:00 to 15:00 UTC)', async () => {
    const result = await status(delivered(DAY_START - 9 * HOUR - DAY, 0, 24), 24, DATE, 'Asia/Tokyo');

    expect(result.days.at(-1)).toEqual({ date: '2026-11-19', hours: 24, firstRecordAfterSeconds: 0, complete: true });
  });
});

const GB = 1_000_000_000;
/** `total` bytes sent by `src` to a public address over the day, in 10 flows. */
const egress = (src: string, total: number, dayStart: number) => flows(10, (i) => ({ src, dst: '93.184.216.34', dstPort: 443, bytes: total / 10, start: dayStart + i * HOUR }));

describe('egress-spike', () => {
  it('when a private host sends 2 GB to the internet against 100 MB a day before, it reports the host', async () => {
    const history = baselineDays((start) => [...egress('10.0.1.20', 100_000_000, start), ...background(start)]);
    const rows = await runRule('egress-spike', [...history, ...background(DAY_START), ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sourceaddress: '10.0.1.20', bytes: 2 * GB, baseline_days: 7, ratio: 20 });
  });

  it('when the host stays under 1 GB, or sends 3 GB against its usual 1 GB, or sends internally, it reports nothing', async () => {
    const history = baselineDays((start) => [...egress('10.0.1.20', 100_000_000, start), ...egress('10.0.1.21', GB, start)]);
    const internal = flows(10, (i) => ({ src: '10.0.1.22', dst: '10.0.9.9', dstPort: 5432, bytes: GB, start: DAY_START + i * HOUR }));
    const today = [...egress('10.0.1.20', 400_000_000, DAY_START), ...egress('10.0.1.21', 3 * GB, DAY_START), ...internal];
    const rows = await runRule('egress-spike', [...history, ...today]);

    expect(rows).toEqual([]);
  });
});

describe('egress-spike: who counts as sending out', () => {
  it("when a host's earlier days also hold 2 GB refused and 2 GB sent internally, neither counts in its usual level nor as a seen day", async () => {
    const refused = (start: number) => flows(10, (i) => ({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 200_000_000, action: 'REJECT', start: start + i * HOUR }));
    const internal = (start: number) => flows(10, (i) => ({ src: '10.0.1.20', dst: '10.0.9.9', dstPort: 5432, bytes: 200_000_000, start: start + i * HOUR }));
    const history = baselineDays((start) => [...egress('10.0.1.20', 100_000_000, start), ...refused(start), ...internal(start)]);
    const rows = await runRule('egress-spike', [...history, ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', bytes: 2 * GB, baseline_mean_bytes: 100_000_000, ratio: 20, seen_days: 0 })]);
  });

  it('when a public address (a NAT or transit interface seeing internet traffic) moves 2 GB to another public address, it is not a private host and is not reported', async () => {
    const history = baselineDays((start) => [...egress('10.0.1.20', 100_000_000, start), ...egress('198.51.100.40', 100_000_000, start)]);
    const rows = await runRule('egress-spike', [...history, ...egress('198.51.100.40', 2 * GB, DAY_START), ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    expect(rows.map((r) => r.sourceaddress)).toEqual(['10.0.1.20']);
  });
});

describe('egress-spike figures', () => {
  const complete = (d: number) => delivered(DAY_START - (d + 1) * DAY);

  it('when a host had no egress on the complete baseline days, its usual level is 0 and no ratio is given', async () => {
    const rows = await runRule('egress-spike', [...[0, 1, 2].flatMap(complete), ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_days: 3, baseline_mean_bytes: 0, ratio: null })]);
  });

  it('when the earlier egress records carried 0 bytes, there is still no ratio rather than an infinite one', async () => {
    const empty = flows(3, (i) => ({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 0, start: DAY_START - (i + 1) * DAY + 5 * HOUR }));
    const rows = await runRule('egress-spike', [...[0, 1, 2].flatMap(complete), ...empty, ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_mean_bytes: 0, ratio: null })]);
  });

  it('when min_baseline_days is set to 0, no complete day still reports nothing; one complete day is compared with', async () => {
    const today = egress('10.0.1.20', 2 * GB, DAY_START);
    const none = await runRule('egress-spike', today, { min_baseline_days: 0 });
    open?.close();
    open = undefined;
    const one = await runRule('egress-spike', [...complete(0), ...today], { min_baseline_days: 0 });

    expect(none).toEqual([]);
    expect(one).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_days: 1, baseline_mean_bytes: 0 })]);
  });

  it('when min_bytes is 1, a host without earlier egress sending 4 bytes is reported: anything over nothing is a spike', async () => {
    const tiny = flowLine({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 4, start: DAY_START + HOUR });
    const rows = await runRule('egress-spike', [...complete(0), tiny], { min_baseline_days: 1, min_bytes: 1 });

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', bytes: 4, baseline_days: 1, ratio: null })]);
  });

  it('when the host sent a single byte out over the complete baseline days, the ratio is still given', async () => {
    const once = flowLine({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 1, start: DAY_START - DAY + 5 * HOUR });
    const rows = await runRule('egress-spike', [...[0, 1, 2].flatMap(complete), once, ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    // 2,000,000,000 bytes * 3 days / 1 byte.
    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_mean_bytes: 0.3, ratio: 6_000_000_000 })]);
  });

  it('when the usual level is not a whole number of bytes (300,000,001 over 3 days), it is shown to one decimal and the ratio to two', async () => {
    const history = [0, 1, 2].flatMap((d) => [...complete(d), ...egress('10.0.1.20', 100_000_000, DAY_START - (d + 1) * DAY)]);
    const extra = flowLine({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 1, start: DAY_START - DAY + 5 * HOUR });
    const rows = await runRule('egress-spike', [...history, extra, ...egress('10.0.1.20', 2_345_600_000, DAY_START)]);

    // The ratio to two decimals: 2,345,600,000 * 3 / 300,000,001 = 23.45599...
    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_mean_bytes: 100_000_000.3, ratio: 23.46 })]);
  });
});

describe('egress-spike baseline maturity', () => {
  const day = (d: number, bytes: number) => [...delivered(DAY_START - (d + 1) * DAY), ...egress('10.0.1.20', bytes, DAY_START - (d + 1) * DAY)];

  it('when 2 complete days precede the day it stays quiet; with exactly 3 it fires', async () => {
    const two = await runRule('egress-spike', [day(0, 100_000_000), day(1, 100_000_000), egress('10.0.1.20', 2 * GB, DAY_START)].flat());
    open?.close();
    open = undefined;
    const three = await runRule('egress-spike', [day(0, 100_000_000), day(1, 100_000_000), day(2, 100_000_000), egress('10.0.1.20', 2 * GB, DAY_START)].flat());

    expect(two).toEqual([]);
    expect(three).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', baseline_days: 3, ratio: 20 })]);
  });

  it("when a partial day (a 6-hour gap) carried the host's big transfers, that day is left out and the spike still shows", async () => {
    const gapDay = DAY_START - 4 * DAY;
    const partial = [...delivered(gapDay, 0, 12), ...delivered(gapDay, 18, 24), ...egress('10.0.1.20', 9 * GB, gapDay)];
    const rows = await runRule('egress-spike', [...day(0, 100_000_000), ...day(1, 100_000_000), ...day(2, 100_000_000), ...partial, ...egress('10.0.1.20', 2 * GB, DAY_START)]);

    // Counted, the 9 GB day would make the mean 2.3 GB and hide the spike.
    expect(rows).toEqual([expect.objectContaining({ baseline_days: 3, baseline_mean_bytes: 100_000_000, ratio: 20 })]);
  });
});

describe('new or ongoing (seen_days over the baseline days)', () => {
  const scanOn = (src: string, dayStart: number, ports = 120) => flows(ports, (i) => ({ src, dst: '10.0.1.10', dstPort: i + 1, action: 'REJECT', start: dayStart + 3 * HOUR + i }));
  const before = (d: number) => DAY_START - (d + 1) * DAY;

  it('when one scanner also scanned on 5 of the 7 days before and another is new, the new one comes first with 0 and the other says 5', async () => {
    const history = [0, 1, 2, 4, 6].flatMap((d) => scanOn('203.0.113.50', before(d)));
    const rows = await runRule('port-scan', [...history, ...scanOn('203.0.113.50', DAY_START), ...scanOn('198.51.100.60', DAY_START, 101)]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([
      ['198.51.100.60', 0],
      ['203.0.113.50', 5],
    ]);
  });

  it('when the scanner reached 99 ports on an earlier day it was not seen that day; 100 ports on another day counts (threshold 100)', async () => {
    const rows = await runRule('port-scan', [...scanOn('203.0.113.50', before(0), 99), ...scanOn('203.0.113.50', before(1), 100), ...scanOn('203.0.113.50', DAY_START)]);

    expect(rows.map((r) => r.seen_days)).toEqual([1]);
  });

  it('when a brute-force source had 100 rejected SSH flows 2 days before and 99 the day before, it was seen on 1 day', async () => {
    const ssh = (dayStart: number, count: number) =>
      flows(count, (i) => ({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: dayStart + i * 60 }));
    const rows = await runRule('admin-port-brute-force', [...ssh(before(1), 100), ...ssh(before(0), 99), ...ssh(DAY_START, 150)]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([['198.51.100.9', 1]]);
  });

  it('when an office address reached SSH every day of the week and a stranger reached RDP today, the stranger is new and first', async () => {
    const office = (dayStart: number) => [flowLine({ src: '198.51.100.7', dst: '10.0.1.10', dstPort: 22, start: dayStart + 9 * HOUR })];
    const history = Array.from({ length: 7 }, (_, d) => office(before(d))).flat();
    const rows = await runRule('admin-port-exposure', [
      ...history,
      ...office(DAY_START),
      flowLine({ src: '192.0.2.45', dst: '10.0.1.10', dstPort: 3389, start: DAY_START + 8 * HOUR }),
    ]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([
      ['192.0.2.45', 0],
      ['198.51.100.7', 7],
    ]);
  });

  it('when the spiking host sent exactly 1 GB out on one earlier day and 999,999,990 bytes on another, it was seen on 1 day (min_bytes 1 GB)', async () => {
    const days = [0, 1, 2].map((d) => [...delivered(before(d)), ...egress('10.0.1.20', d === 0 ? GB : d === 1 ? GB - 10 : 10_000_000, before(d))]).flat();
    const rows = await runRule('egress-spike', [...days, ...egress('10.0.1.20', 20 * GB, DAY_START)]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', seen_days: 1 })]);
  });

  it('when one earlier day had a reject level over the ratio and the minimum, reject-spike says it was seen on 1 day', async () => {
    const days = [0, 1, 2, 3].map((d) => [...delivered(before(d)), ...rejects(d === 3 ? 5000 : 1000, before(d))]).flat();
    const rows = await runRule('reject-spike', [...days, ...rejects(6000, DAY_START)]);

    // Mean of the 4 complete days is 2,000; only the 5,000 day reached 2x that.
    expect(rows).toEqual([expect.objectContaining({ rejected: 6000, baseline_mean: 2000, seen_days: 1 })]);
  });
});

describe('totals', () => {
  it('when the window has no record at all (only the day before has), every total is 0', async () => {
    const dayBefore = [...delivered(DAY_START - DAY), ...flows(4, (i) => ({ src: '198.51.100.4', dst: '10.0.1.10', dstPort: 443, start: DAY_START - DAY + i * HOUR }))];
    const rows = await runRule('totals', dayBefore);

    expect(rows).toEqual([{ records: 0, accepted: 0, rejected: 0, bytes: 0, nodata: 0, skipdata: 0 }]);
  });

  it('when the window has 5 ACCEPT, 3 REJECT, 2 NODATA and 1 SKIPDATA records, it counts each apart and the records total all 11', async () => {
    const acceptedFlows = flows(5, (i) => ({ src: `198.51.100.${i + 1}`, dst: '10.0.1.10', dstPort: 443, bytes: 1000 * (i + 1), start: DAY_START + i * HOUR }));
    const refused = flows(3, (i) => ({ src: `203.0.113.${i + 1}`, dst: '10.0.1.10', dstPort: 23, bytes: 40, action: 'REJECT', start: DAY_START + 6 * HOUR + i }));
    const status = [statusLine('NODATA', DAY_START + 8 * HOUR), statusLine('NODATA', DAY_START + 9 * HOUR), statusLine('SKIPDATA', DAY_START + 10 * HOUR)];
    const rows = await runRule('totals', [...acceptedFlows, ...refused, ...status]);

    expect(rows).toEqual([{ records: 11, accepted: 5, rejected: 3, bytes: 15_000 + 120, nodata: 2, skipdata: 1 }]);
  });
});

describe('digests', () => {
  const incident = () => [
    ...background(DAY_START),
    ...flows(150, (i) => ({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: i + 1, action: 'REJECT', start: DAY_START + 3 * HOUR + i })),
    ...flows(40, (i) => ({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: DAY_START + i * 60, eni: 'eni-0fffffffffffffff0' })),
  ];
  const quiet = () => flows(20, (i) => ({ src: `198.51.100.${i + 1}`, dst: '10.0.1.10', dstPort: 443, start: DAY_START + i * 600 }));

  it('when sources are refused, top-rejected-sources ranks the scanner first and counts its ports', async () => {
    const rows = await runRule('top-rejected-sources', incident());

    expect(rows.slice(0, 2).map((r) => [r.sourceaddress, r.rejected, r.ports])).toEqual([
      ['203.0.113.5', 150, 150],
      ['198.51.100.9', 40, 1],
    ]);
  });

  it('when refused records have no source address ("-"), top-rejected-sources leaves them out rather than ranking an empty source', async () => {
    const anonymous = flows(500, (i) => ({ src: '-', dst: '10.0.1.10', dstPort: 22, action: 'REJECT', start: DAY_START + 5 * HOUR + i }));
    const rows = await runRule('top-rejected-sources', [...incident(), ...anonymous]);

    expect(rows.map((r) => r.sourceaddress)).not.toContain(null);
    expect(rows.slice(0, 2).map((r) => [r.sourceaddress, r.rejected])).toEqual([
      ['203.0.113.5', 150],
      ['198.51.100.9', 40],
    ]);
  });

  it('when refused ports include client ports, top-rejected-ports ranks SSH first and leaves the ephemeral range out', async () => {
    const replies = flows(60, (i) => ({ src: '198.51.100.1', dst: '10.0.1.10', srcPort: 443, dstPort: 40000, action: 'REJECT', start: DAY_START + i }));
    const rows = await runRule('top-rejected-ports', [...incident(), ...replies]);

    expect(rows[0]).toMatchObject({ destinationport: 22, rejected: 41 });
    expect(rows.some((r) => r.destinationport === 40000)).toBe(false);
  });

  it('when refused records have no destination port ("-"), top-rejected-ports leaves them out rather than ranking an empty port', async () => {
    const portless = flows(500, (i) => ({ src: '203.0.113.77', dst: '10.0.1.10', srcPort: '-', dstPort: '-', protocol: 1, action: 'REJECT', start: DAY_START + 5 * HOUR + i }));
    const lines = [...incident(), ...portless];
    // The 500 records are read and refused: the source digest ranks their sender first.
    const sources = await runRule('top-rejected-sources', lines);
    open?.close();
    open = undefined;
    const rows = await runRule('top-rejected-ports', lines);

    expect(sources[0]).toMatchObject({ sourceaddress: '203.0.113.77', rejected: 500, ports: 0 });
    expect(rows.map((r) => r.destinationport)).not.toContain(null);
    expect(rows[0]).toMatchObject({ destinationport: 22, rejected: 41 });
  });

  it('when the ephemeral preset is rfc6056, only well-known ports remain in top-rejected-ports', async () => {
    const rows = await runRule('top-rejected-ports', incident(), { ephemeral_ports: 'rfc6056', limit: 500 });

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => typeof r.destinationport === 'number' && r.destinationport < 1024)).toBe(true);
  });

  it('when two interfaces refuse traffic, rejected-by-interface ranks them by rejected records', async () => {
    const rows = await runRule('rejected-by-interface', incident());

    expect(rows.map((r) => [r.interfaceid, r.rejected])).toEqual([
      ['eni-0a1b2c3d4e5f60718', 155],
      ['eni-0fffffffffffffff0', 40],
    ]);
  });

  it('when a pair moves the most bytes, top-talkers ranks it first', async () => {
    const big = flowLine({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 5_000_000, start: DAY_START + 100 });
    const rows = await runRule('top-talkers', [...quiet(), big]);

    expect(rows[0]).toMatchObject({ sourceaddress: '10.0.1.20', destinationaddress: '93.184.216.34', bytes: 5_000_000 });
    expect(rows).toHaveLength(10);
  });

  it('when refused traffic or records without a source address carry more bytes, top-talkers ranks only accepted pairs with both ends', async () => {
    const refused = flowLine({ src: '203.0.113.66', dst: '10.0.1.10', dstPort: 443, bytes: 9_000_000, action: 'REJECT', start: DAY_START + 200 });
    const anonymous = flowLine({ src: '-', dst: '10.0.1.10', dstPort: 443, bytes: 8_000_000, start: DAY_START + 300 });
    const big = flowLine({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 5_000_000, start: DAY_START + 100 });
    const rows = await runRule('top-talkers', [...quiet(), refused, anonymous, big]);

    expect(rows[0]).toMatchObject({ sourceaddress: '10.0.1.20', destinationaddress: '93.184.216.34', bytes: 5_000_000 });
    expect(rows.map((r) => r.sourceaddress)).not.toContain('203.0.113.66');
    expect(rows.map((r) => r.sourceaddress)).not.toContain(null);
  });

  it('when nothing is refused on a quiet day, the reject digests are empty', async () => {
    for (const rule of ['top-rejected-sources', 'top-rejected-ports', 'rejected-by-interface']) {
      const rows = await runRule(rule, quiet());
      open?.close();
      open = undefined;
      expect(rows, rule).toEqual([]);
    }
  });

  it('when the window has only NODATA records, top-talkers is empty', async () => {
    const rows = await runRule('top-talkers', [statusLine('NODATA', DAY_START), statusLine('NODATA', DAY_START + HOUR)]);

    expect(rows).toEqual([]);
  });
});
