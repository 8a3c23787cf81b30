import { afterEach, describe, expect, it } from 'vitest';
import { baselineDaysRelation } from '../../src/lib/report/baseline.js';
import { flowsRelation, pathTable } from '../../src/lib/report/relations.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import { reportWindow } from '../../src/lib/report/window.js';
import type { Row } from '../../src/lib/ports.js';
import { FlowBucket, flowLine, statusLine, type Flow, type TestEngine } from '../support/flow-log-files.js';

/*
 * New or ongoing: each rule counts the earlier days on which it would have matched (seen_days)
 * with a copy of its own conditions over the baseline. These tests give the earlier days what the
 * rule leaves out, on real DuckDB over real gzip files, so a condition lost or changed in that
 * copy (found by `npm run mutate:sql`) changes seen_days. The last tests check the counts a rule
 * reports, which its edge tests (report-rule-edges.test.ts) leave to one action.
 */
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

/** Runs one saved query with its default parameters for the report day, as run-report does. */
async function runRule(rule: string, lines: readonly string[]): Promise<readonly Row[]> {
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(DATE, 'UTC');
  const table = (late: unknown) => (late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'));
  const baselineFlows = flowsRelation('flowlogs', table(window.baseline.late), window.baseline);
  const sql = catalog.render(rule, {
    flows: flowsRelation('flowlogs', table(window.late), window),
    baselineFlows,
    baselineDays: baselineDaysRelation({ baselineFlows, windowStartEpoch: window.startEpoch, baselineStartEpoch: window.baseline.startEpoch, minDayHours: 20 }),
    windowStartEpoch: window.startEpoch,
    windowEndEpoch: window.endEpoch,
    values: {},
  });
  return (await open.engine.execute(sql)).rows;
}

/** The start of the d-th day before the report day (0 is the day before). */
const before = (d: number) => DAY_START - (d + 1) * DAY;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** `src` reaching `dst` on each of the given ports, one flow a second from 03:00 of the day. */
const reach = (src: string, dayStart: number, ports: readonly number[], extra: Partial<Flow> = {}) =>
  ports.map((dstPort, i) => flowLine({ src, dst: '10.0.1.10', dstPort, action: 'REJECT', start: dayStart + 3 * HOUR + i, ...extra }));

describe('new or ongoing: which earlier days port-scan counts as seen', () => {
  it('when a public source sent ICMP or reached only client ports on some earlier days, and scanned UDP or just outside the client range on others, only the scans count', async () => {
    const scanner = '203.0.113.5';
    const history = [
      ...reach(scanner, before(0), range(1, 150), { protocol: 1 }),
      ...reach(scanner, before(1), range(1, 100), { protocol: 17 }),
      ...reach(scanner, before(2), range(32768, 300)),
      ...reach(scanner, before(3), [...range(1, 98), 32767, 61001]),
      ...reach(scanner, before(4), [...range(1, 98), 32768, 61000]),
    ];
    const rows = await runRule('port-scan', [...history, ...reach(scanner, DAY_START, range(1, 120))]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([[scanner, 2]]);
  });

  it('when a private host was accepted on 120 ports on an earlier day and refused on 100 on two others, only the refused days count', async () => {
    const host = '10.0.1.30';
    const history = [...reach(host, before(0), range(1, 120), { action: 'ACCEPT' }), ...reach(host, before(1), range(1, 100)), ...reach(host, before(2), range(1, 100))];
    const rows = await runRule('port-scan', [...history, ...reach(host, DAY_START, range(1, 120))]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([[host, 2]]);
  });
});

describe('new or ongoing: port-scan order', () => {
  it('when a new source reached 101 ports and one seen on 1 earlier day reached 120, the new one still comes first', async () => {
    const rows = await runRule('port-scan', [
      ...reach('203.0.113.50', before(0), range(1, 100)),
      ...reach('203.0.113.50', DAY_START, range(1, 120)),
      ...reach('198.51.100.60', DAY_START, range(1, 101)),
    ]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([
      ['198.51.100.60', 0],
      ['203.0.113.50', 1],
    ]);
  });
});

describe('new or ongoing: which earlier days admin-port-brute-force counts as seen', () => {
  const ssh = (dayStart: number, count: number, extra: Partial<Flow> = {}) =>
    Array.from({ length: count }, (_, i) =>
      flowLine({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: dayStart + i * 60, ...extra }),
    );

  it('when the source was accepted 150 times on SSH one earlier day and refused 150 times on 443 another, only a day of 100 refused SSH flows counts', async () => {
    const history = [...ssh(before(0), 150, { action: 'ACCEPT' }), ...ssh(before(1), 150, { dstPort: 443 }), ...ssh(before(2), 100)];
    const rows = await runRule('admin-port-brute-force', [...history, ...ssh(DAY_START, 150)]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([['198.51.100.9', 1]]);
  });
});

describe('new or ongoing: which earlier days admin-port-exposure counts as seen', () => {
  it('when the address was refused on SSH one earlier day and accepted on 443 another, only a day it was accepted on SSH counts', async () => {
    const at = (start: number, extra: Partial<Flow> = {}) => flowLine({ src: '198.51.100.7', dst: '10.0.1.10', dstPort: 22, start, ...extra });
    const rows = await runRule('admin-port-exposure', [
      at(before(0) + HOUR, { action: 'REJECT' }),
      at(before(1) + HOUR, { dstPort: 443 }),
      at(before(2) + HOUR),
      at(DAY_START + HOUR),
    ]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([['198.51.100.7', 1]]);
  });
});

describe('new or ongoing: admin-port-brute-force order', () => {
  it('when a new source was refused 100 times and one seen on 1 earlier day 150 times, the new one still comes first', async () => {
    const ssh = (src: string, dayStart: number, count: number) =>
      Array.from({ length: count }, (_, i) => flowLine({ src, dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start: dayStart + i * 60 }));
    const rows = await runRule('admin-port-brute-force', [...ssh('198.51.100.9', before(0), 100), ...ssh('198.51.100.9', DAY_START, 150), ...ssh('192.0.2.45', DAY_START, 100)]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([
      ['192.0.2.45', 0],
      ['198.51.100.9', 1],
    ]);
  });
});

describe('new or ongoing: admin-port-exposure order', () => {
  it('when a new address reached SSH once and one seen on 1 earlier day reached it twice, the new one still comes first', async () => {
    const at = (src: string, start: number) => flowLine({ src, dst: '10.0.1.10', dstPort: 22, start });
    const rows = await runRule('admin-port-exposure', [
      at('198.51.100.7', before(0) + HOUR),
      at('198.51.100.7', DAY_START + HOUR),
      at('198.51.100.7', DAY_START + 2 * HOUR),
      at('192.0.2.45', DAY_START + HOUR),
    ]);

    expect(rows.map((r) => [r.sourceaddress, r.records, r.seen_days])).toEqual([
      ['192.0.2.45', 1, 0],
      ['198.51.100.7', 2, 1],
    ]);
  });
});

/*
 * Earlier days are 24-hour blocks counted back from the window start: a record starting at
 * 23:59:59 belongs to its day, one at 00:00:00 to the next. 99 refused SSH flows (or ports) in the
 * last second of a day and 1 in the first second of the next make no day of 100.
 */
describe('new or ongoing: seen days split exactly at midnight', () => {
  const lastSecond = before(0) - 1;
  const firstSecond = before(0);

  it('when a brute force ran 99 flows at 23:59:59 and 1 at 00:00:00 the next day, neither day counts', async () => {
    const at = (start: number, count: number) =>
      Array.from({ length: count }, (_, i) => flowLine({ src: '198.51.100.9', dst: '10.0.1.10', dstPort: 22, srcPort: 40000 + i, action: 'REJECT', start }));
    const rows = await runRule('admin-port-brute-force', [...at(lastSecond, 99), ...at(firstSecond, 1), ...at(DAY_START, 150)]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([['198.51.100.9', 0]]);
  });

  it('when a scan reached 99 ports at 23:59:59 and the 100th at 00:00:00 the next day, neither day counts', async () => {
    const scanner = '203.0.113.5';
    const at = (start: number, ports: readonly number[]) => ports.map((dstPort) => flowLine({ src: scanner, dst: '10.0.1.10', dstPort, action: 'REJECT', start }));
    const rows = await runRule('port-scan', [...at(lastSecond, range(1, 99)), ...at(firstSecond, [100]), ...reach(scanner, DAY_START, range(1, 120))]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([[scanner, 0]]);
  });

  it('when a public address reached SSH at 23:59:59 and again at 00:00:00, admin-port-exposure counts 2 days', async () => {
    const at = (start: number) => flowLine({ src: '198.51.100.7', dst: '10.0.1.10', dstPort: 22, start });
    const rows = await runRule('admin-port-exposure', [at(lastSecond), at(firstSecond), at(DAY_START + 9 * HOUR)]);

    expect(rows.map((r) => [r.sourceaddress, r.seen_days])).toEqual([['198.51.100.7', 2]]);
  });
  /** A NODATA record at the start of each hour: the day is complete without adding any flow a rule counts. */
  const delivered = (dayStart: number) => Array.from({ length: 24 }, (_, h) => statusLine('NODATA', dayStart + h * HOUR, 'eni-0ffffffffffffff01'));
  const completeDays = [0, 1, 2, 3].flatMap((d) => delivered(before(d)));

  it('when 999 rejected records started at 23:59:59 and 1 at 00:00:00 the next day, reject-spike counts no day over its minimum of 1,000', async () => {
    const rejects = (start: number, count: number) =>
      Array.from({ length: count }, (_, i) => flowLine({ src: `203.0.113.${(i % 200) + 1}`, dst: '10.0.1.10', dstPort: 23, action: 'REJECT', start }));
    const rows = await runRule('reject-spike', [...completeDays, ...rejects(lastSecond, 999), ...rejects(firstSecond, 1), ...rejects(DAY_START + HOUR, 6000)]);

    expect(rows).toEqual([expect.objectContaining({ rejected: 6000, seen_days: 0 })]);
  });

  it('when a host sent 999,999,990 bytes out at 23:59:59 and 10 at 00:00:00 the next day, egress-spike counts no day of 1 GB', async () => {
    const out = (start: number, bytes: number) => flowLine({ src: '10.0.1.20', dst: '93.184.216.34', dstPort: 443, bytes, start });
    const rows = await runRule('egress-spike', [...completeDays, out(lastSecond, 999_999_990), out(firstSecond, 10), out(DAY_START + HOUR, 20_000_000_000)]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: '10.0.1.20', seen_days: 0 })]);
  });
});

describe('port-scan: the counts of a source', () => {
  it('when a public source was accepted on 60 ports and refused on 40, it reports 100 ports, 100 records and 40 rejected', async () => {
    const scanner = '203.0.113.5';
    const rows = await runRule('port-scan', [...reach(scanner, DAY_START, range(1, 60), { action: 'ACCEPT' }), ...reach(scanner, DAY_START + HOUR, range(61, 40))]);

    expect(rows).toEqual([expect.objectContaining({ sourceaddress: scanner, ports: 100, records: 100, rejected: 40 })]);
  });
});

describe('admin-port-brute-force: the ports counted', () => {
  it('when a public source is refused 150 times on 443 (not an admin port), it is not reported; on 3389 it is', async () => {
    const refused = (dstPort: number) =>
      Array.from({ length: 150 }, (_, i) => flowLine({ src: '198.51.100.9', dst: '10.0.1.10', dstPort, srcPort: 40000 + i, action: 'REJECT', start: DAY_START + i * 60 }));
    const web = await runRule('admin-port-brute-force', refused(443));
    const rdp = await runRule('admin-port-brute-force', refused(3389));

    expect(web).toEqual([]);
    expect(rdp.map((r) => [r.sourceaddress, r.rejected])).toEqual([['198.51.100.9', 150]]);
  });
});

describe('new or ongoing: reject-spike at its thresholds on earlier days', () => {
  const delivered = (dayStart: number) => Array.from({ length: 24 }, (_, h) => statusLine('NODATA', dayStart + h * HOUR, 'eni-0ffffffffffffff01'));
  const rejects = (dayStart: number, count: number, action: 'ACCEPT' | 'REJECT' = 'REJECT') =>
    Array.from({ length: count }, (_, i) => flowLine({ src: `203.0.113.${(i % 200) + 1}`, dst: '10.0.1.10', dstPort: 23, action, start: dayStart + HOUR + (i % 3600) }));

  it('when an earlier day had exactly 1,000 rejected records, twice the mean of 500, it was seen; accepted records today are not counted', async () => {
    const days = [1000, 400, 400, 200].flatMap((count, d) => [...delivered(before(d)), ...rejects(before(d), count)]);
    const rows = await runRule('reject-spike', [...days, ...rejects(DAY_START, 6000), ...rejects(DAY_START, 500, 'ACCEPT')]);

    expect(rows).toEqual([expect.objectContaining({ rejected: 6000, baseline_mean: 500, seen_days: 1 })]);
  });
});
