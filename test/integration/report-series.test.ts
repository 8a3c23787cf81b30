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

async function runSeries(rule: string, lines: readonly string[], values: Record<string, unknown> = {}, timezone = 'UTC'): Promise<readonly Row[]> {
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(DATE, timezone);
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

  it('when hosts is 1, only the largest sender is listed', async () => {
    const today = [...egress('10.0.1.20', 40 * MB, DAY_START), ...egress('10.0.1.21', 20 * MB, DAY_START)];

    const rows = await runSeries('host-egress', today, { hosts: 1 });

    expect(rows).toEqual([{ sourceaddress: '10.0.1.20', bytes: 40 * MB, baseline_days: 0, baseline_min_bytes: 0, baseline_mean_bytes: null, baseline_max_bytes: 0 }]);
  });
});
