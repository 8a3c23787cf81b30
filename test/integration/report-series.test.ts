/**
 * The chart series of the HTML report (hourly-records, host-egress), run on real DuckDB over
 * real gzip flow-log files: the numbers the page draws come from these queries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flowsRelation, pathTable } from '../../src/lib/report/relations.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import { reportWindow } from '../../src/lib/report/window.js';
import type { Row } from '../../src/lib/ports.js';
import { FlowBucket, flowLine, type Flow, type TestEngine } from '../support/flow-log-files.js';

const DATE = '2026-11-20';
const DAY_START = Date.parse(`${DATE}T00:00:00Z`) / 1000;
const HOUR = 3600;
const DAY = 86400;
const MB = 1_000_000;
const catalog = loadSavedQueries();
let open: TestEngine | undefined;

afterEach(() => {
  open?.close();
  open = undefined;
});

async function runSeries(rule: string, lines: readonly string[], values: Record<string, unknown> = {}, timezone = 'UTC', date = DATE): Promise<readonly Row[]> {
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(date, timezone);
  const sql = catalog.render(rule, {
    // A span with a late folder reads its early files by "$path", which the local engine shows on a view of its own.
    flows: flowsRelation('flowlogs', window.late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'), window),
    baselineFlows: flowsRelation('flowlogs', window.baseline.late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'), window.baseline),
    windowStartEpoch: window.startEpoch,
    windowEndEpoch: window.endEpoch,
    values,
  });
  return (await open.engine.execute(sql)).rows;
}

const flows = (count: number, make: (i: number) => Flow) => Array.from({ length: count }, (_, i) => flowLine(make(i)));
const rejected = (count: number, start: number) => flows(count, (i) => ({ src: `203.0.113.${i + 1}`, dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start: start + i }));
const accepted = (count: number, start: number) => flows(count, (i) => ({ src: `198.51.100.${i + 1}`, dst: '10.0.1.10', dstPort: 443, start: start + i }));
/** `total` bytes from `src` to a public address, in 4 flows during the day starting at `dayStart`. */
const egress = (src: string, total: number, dayStart: number, dst = '93.184.216.34') =>
  flows(4, (i) => ({ src, dst, dstPort: 443, bytes: total / 4, start: dayStart + (i + 1) * HOUR }));

describe('hourly-records', () => {
  it('when the baseline days have 2 to 12 rejected records at 03:00 and one day none, the band for 03:00 is 0..12 and today is counted apart', async () => {
    // Days 1..6 back have 2, 4, ... 12 rejected at 03:00; day 7 back has records only at 05:00, so it counts as a day with 0 at 03:00.
    const baseline = Array.from({ length: 6 }, (_, d) => rejected((d + 1) * 2, DAY_START - (d + 1) * DAY + 3 * HOUR)).flat();
    const seventh = rejected(1, DAY_START - 7 * DAY + 5 * HOUR);
    const today = [...rejected(10, DAY_START + 3 * HOUR), ...accepted(4, DAY_START + 3 * HOUR)];

    const rows = await runSeries('hourly-records', [...baseline, ...seventh, ...today]);

    expect(rows).toEqual([
      {
        hour: DAY_START + 3 * HOUR,
        accepted: 4,
        rejected: 10,
        baseline_days: 7,
        baseline_accepted_min: 0,
        baseline_accepted_max: 0,
        baseline_rejected_min: 0,
        baseline_rejected_max: 12,
      },
      {
        hour: DAY_START + 5 * HOUR,
        accepted: 0,
        rejected: 0,
        baseline_days: 7,
        baseline_accepted_min: 0,
        baseline_accepted_max: 0,
        baseline_rejected_min: 0,
        baseline_rejected_max: 1,
      },
    ]);
  });

  it('when every baseline day has records in an hour, the band starts at the quietest day, not at 0', async () => {
    const baseline = Array.from({ length: 7 }, (_, d) => accepted(5 + d, DAY_START - (d + 1) * DAY + 10 * HOUR)).flat();

    const rows = await runSeries('hourly-records', [...baseline, ...accepted(30, DAY_START + 10 * HOUR)]);

    expect(rows).toEqual([
      {
        hour: DAY_START + 10 * HOUR,
        accepted: 30,
        rejected: 0,
        baseline_days: 7,
        baseline_accepted_min: 5,
        baseline_accepted_max: 11,
        baseline_rejected_min: 0,
        baseline_rejected_max: 0,
      },
    ]);
  });

  it('when the day is a Tokyo day, each baseline hour lands on the same Tokyo hour of the window and nothing falls outside it', async () => {
    const window = reportWindow(DATE, 'Asia/Tokyo');
    const today = rejected(3, window.startEpoch + 2 * HOUR);
    const dayBefore = rejected(6, window.startEpoch - DAY + 2 * HOUR);
    const outside = [...rejected(9, window.endEpoch + HOUR), ...rejected(9, window.startEpoch - 8 * DAY)];

    const rows = await runSeries('hourly-records', [...today, ...dayBefore, ...outside], {}, 'Asia/Tokyo');

    expect(rows).toEqual([
      {
        hour: window.startEpoch + 2 * HOUR,
        accepted: 0,
        rejected: 3,
        baseline_days: 1,
        baseline_accepted_min: 0,
        baseline_accepted_max: 0,
        baseline_rejected_min: 6,
        baseline_rejected_max: 6,
      },
    ]);
  });

  it('when baseline records start at the first and the last second of the 24-hour days before, each counts in its own day and lands on 00:00 and 23:00', async () => {
    // Day 1 back: 3 records from 00:00:00 and 4 ending at 23:59:59; day 2 back: 5 and 6.
    const dayOne = [...accepted(3, DAY_START - DAY), ...accepted(4, DAY_START - 4)];
    const dayTwo = [...accepted(5, DAY_START - 2 * DAY), ...accepted(6, DAY_START - DAY - 6)];
    const today = [...rejected(2, DAY_START), ...rejected(7, DAY_START + 5 * HOUR)];

    const rows = await runSeries('hourly-records', [...dayOne, ...dayTwo, ...today]);

    const band = { baseline_rejected_min: 0, baseline_rejected_max: 0 };
    expect(rows).toEqual([
      { hour: DAY_START, accepted: 0, rejected: 2, baseline_days: 2, baseline_accepted_min: 3, baseline_accepted_max: 5, ...band },
      // 05:00 had nothing on either baseline day: its band is 0..0.
      { hour: DAY_START + 5 * HOUR, accepted: 0, rejected: 7, baseline_days: 2, baseline_accepted_min: 0, baseline_accepted_max: 0, ...band },
      { hour: DAY_START + 23 * HOUR, accepted: 0, rejected: 0, baseline_days: 2, baseline_accepted_min: 4, baseline_accepted_max: 6, ...band },
    ]);
  });

  it('when no earlier day has any record, the window hours have a band of 0..0 over 0 baseline days', async () => {
    const rows = await runSeries('hourly-records', [...accepted(3, DAY_START + 2 * HOUR), ...rejected(2, DAY_START + 2 * HOUR)]);

    expect(rows).toEqual([
      {
        hour: DAY_START + 2 * HOUR,
        accepted: 3,
        rejected: 2,
        baseline_days: 0,
        baseline_accepted_min: 0,
        baseline_accepted_max: 0,
        baseline_rejected_min: 0,
        baseline_rejected_max: 0,
      },
    ]);
  });

  it('when the 7 baseline days include a 25-hour DST day, its extra hour folds into the oldest day: 7 days, not 8', async () => {
    // New York, 2026-11-05: the baseline runs from 2026-10-29 00:00 EDT, 169 hours before the window (clocks went back on 2026-11-01).
    const window = reportWindow('2026-11-05', 'America/New_York');
    expect(window.startEpoch - window.baseline.startEpoch).toBe(7 * DAY + HOUR);
    // 1..7 records at 12:00 of each 24-hour block back from the window start, and 10 in the extra oldest hour.
    const blocks = Array.from({ length: 7 }, (_, d) => accepted(d + 1, window.startEpoch - (d + 1) * DAY + 12 * HOUR)).flat();
    const extraHour = accepted(10, window.baseline.startEpoch);

    const rows = await runSeries('hourly-records', [...blocks, ...extraHour], {}, 'America/New_York', '2026-11-05');

    const quiet = { accepted: 0, rejected: 0, baseline_days: 7, baseline_rejected_min: 0, baseline_rejected_max: 0 };
    expect(rows).toEqual([
      { hour: window.startEpoch + 12 * HOUR, ...quiet, baseline_accepted_min: 1, baseline_accepted_max: 7 },
      // The extra hour is eight 24-hour blocks before 23:00 of the window; seen on 1 of the 7 days, its band starts at 0.
      { hour: window.startEpoch + 23 * HOUR, ...quiet, baseline_accepted_min: 0, baseline_accepted_max: 10 },
    ]);
  });

  it('when the day is 23 hours long (clocks go forward), the baseline hour that would land on the next midnight is left out', async () => {
    // New York, 2026-03-08: the window ends 23 hours after it starts.
    const window = reportWindow('2026-03-08', 'America/New_York');
    expect(window.endEpoch - window.startEpoch).toBe(23 * HOUR);
    const dayBefore = [...accepted(3, window.startEpoch - 2 * HOUR), ...accepted(4, window.startEpoch - HOUR)];

    const rows = await runSeries('hourly-records', [...dayBefore, ...rejected(2, window.startEpoch + 22 * HOUR)], {}, 'America/New_York', '2026-03-08');

    expect(rows).toEqual([
      {
        hour: window.startEpoch + 22 * HOUR,
        accepted: 0,
        rejected: 2,
        baseline_days: 1,
        baseline_accepted_min: 3,
        baseline_accepted_max: 3,
        baseline_rejected_min: 0,
        baseline_rejected_max: 0,
      },
    ]);
  });
});

describe('host-egress', () => {
  it('when a host sends 2 GB against 100 MB on 5 of 7 days, it is first with its band 0..100 MB and its mean over the 7 days', async () => {
    const history = Array.from({ length: 7 }, (_, d) => (d < 5 ? egress('10.0.1.20', 100 * MB, DAY_START - (d + 1) * DAY) : accepted(1, DAY_START - (d + 1) * DAY))).flat();
    const quietHost = egress('10.0.1.30', 50 * MB, DAY_START - 2 * DAY);
    const notEgress = [...egress('10.0.1.40', 900 * MB, DAY_START, '10.0.9.9'), ...egress('198.51.100.50', 900 * MB, DAY_START)];

    const rows = await runSeries('host-egress', [...history, ...quietHost, ...notEgress, ...egress('10.0.1.20', 2000 * MB, DAY_START)]);

    expect(rows).toEqual([
      {
        sourceaddress: '10.0.1.20',
        bytes: 2000 * MB,
        baseline_days: 7,
        baseline_min_bytes: 0,
        baseline_mean_bytes: Math.round((500 * MB * 10) / 7) / 10,
        baseline_max_bytes: 100 * MB,
      },
      { sourceaddress: '10.0.1.30', bytes: 0, baseline_days: 7, baseline_min_bytes: 0, baseline_mean_bytes: Math.round((50 * MB * 10) / 7) / 10, baseline_max_bytes: 50 * MB },
    ]);
  });

  it('when a host sent to the internet on each of the 3 baseline days (30, 10 and 20 MB), its band is 10..30 MB around a mean of 20 MB', async () => {
    const history = [...egress('10.0.1.20', 30 * MB, DAY_START - DAY), ...egress('10.0.1.20', 10 * MB, DAY_START - 2 * DAY), ...egress('10.0.1.20', 20 * MB, DAY_START - 3 * DAY)];

    const rows = await runSeries('host-egress', [...history, ...egress('10.0.1.20', 25 * MB, DAY_START)]);

    expect(rows).toEqual([
      { sourceaddress: '10.0.1.20', bytes: 25 * MB, baseline_days: 3, baseline_min_bytes: 10 * MB, baseline_mean_bytes: 20 * MB, baseline_max_bytes: 30 * MB },
    ]);
  });

  it('when the baseline day also holds refused egress, internal transfers and public-to-public flows, only accepted private-to-public bytes count; a host new today has a band and mean of 0', async () => {
    const dayBefore = DAY_START - DAY;
    const refused = flows(4, (i) => ({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes: 225 * MB, action: 'REJECT', start: dayBefore + (i + 1) * HOUR }));
    const internal = egress('10.0.1.20', 900 * MB, dayBefore, '10.0.9.9');
    const publicToPublic = egress('198.51.100.50', 900 * MB, dayBefore);
    const today = [...egress('10.0.1.20', 200 * MB, DAY_START), ...egress('10.0.1.21', 50 * MB, DAY_START)];

    const rows = await runSeries('host-egress', [...egress('10.0.1.20', 100 * MB, dayBefore), ...refused, ...internal, ...publicToPublic, ...today]);

    expect(rows).toEqual([
      { sourceaddress: '10.0.1.20', bytes: 200 * MB, baseline_days: 1, baseline_min_bytes: 100 * MB, baseline_mean_bytes: 100 * MB, baseline_max_bytes: 100 * MB },
      { sourceaddress: '10.0.1.21', bytes: 50 * MB, baseline_days: 1, baseline_min_bytes: 0, baseline_mean_bytes: 0, baseline_max_bytes: 0 },
    ]);
  });

  it('when hosts is 1, only the largest sender is listed', async () => {
    const today = [...egress('10.0.1.20', 40 * MB, DAY_START), ...egress('10.0.1.21', 20 * MB, DAY_START)];

    const rows = await runSeries('host-egress', today, { hosts: 1 });

    expect(rows).toEqual([{ sourceaddress: '10.0.1.20', bytes: 40 * MB, baseline_days: 0, baseline_min_bytes: 0, baseline_mean_bytes: null, baseline_max_bytes: 0 }]);
  });
});
