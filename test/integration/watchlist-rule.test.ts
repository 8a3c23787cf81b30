import { afterEach, describe, expect, it } from 'vitest';
import { baselineDaysRelation } from '../../src/lib/report/baseline.js';
import { flowsRelation, pathTable } from '../../src/lib/report/relations.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import { reportWindow } from '../../src/lib/report/window.js';
import { parseWatchlist } from '../../src/lib/report/watchlist-file.js';
import { watchlistRelation } from '../../src/lib/report/watchlist.js';
import type { Row } from '../../src/lib/ports.js';
import { FlowBucket, flowLine, type Flow, type TestEngine } from '../support/flow-log-files.js';

/*
 * The watchlist rule (src/queries/reports/watchlist.sql) on real DuckDB over real gzip flow-log
 * files: its CIDR matching is done in SQL on keys of fixed width (no inet extension), so each
 * test checks addresses just inside and just outside a block, in IPv4 and in IPv6 as flow logs
 * and people write it.
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

const WATCHLIST = `
# threat intelligence, exported 2026-11-19
198.51.100.0/24,known C2
198.51.100.128/25,C2 panel
203.0.113.7,scanner
2001:db8:bad::/48,IPv6 C2
`;

async function runWatchlist(lines: readonly string[], watchlistText = WATCHLIST, when = { date: DATE, timezone: 'UTC' }): Promise<readonly Row[]> {
  open?.close();
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(when.date, when.timezone);
  const table = (late: unknown) => (late === undefined ? 'vpc_flow_logs' : pathTable('local', 'vpc_flow_logs'));
  const baselineFlows = flowsRelation('flowlogs', table(window.baseline.late), window.baseline);
  const sql = catalog.render('watchlist', {
    flows: flowsRelation('flowlogs', table(window.late), window),
    baselineFlows,
    baselineDays: baselineDaysRelation({ baselineFlows, windowStartEpoch: window.startEpoch, baselineStartEpoch: window.baseline.startEpoch, minDayHours: 20 }),
    windowStartEpoch: window.startEpoch,
    windowEndEpoch: window.endEpoch,
    watchlist: watchlistRelation(parseWatchlist(watchlistText, 'threat-intel.txt')),
  });
  return (await open.engine.execute(sql)).rows;
}

const at = (hour: number, flow: Omit<Flow, 'start'>) => flowLine({ ...flow, start: DAY_START + hour * HOUR });
const pick = (rows: readonly Row[]) => rows.map((r) => [r.severity, r.label, r.listed_address, r.listed_side, r.accepted, r.rejected]);

describe('watchlist rule', () => {
  it('when a host talks with a listed address and is accepted, it is high, labelled with the most specific block', async () => {
    const rows = await runWatchlist([at(2, { src: '10.0.1.10', dst: '198.51.100.200', dstPort: 443 }), at(3, { src: '10.0.1.11', dst: '198.51.100.20', dstPort: 443 })]);

    expect(pick(rows)).toEqual([
      ['high', 'known C2', '198.51.100.20', 'destination', 1, 0],
      ['high', 'C2 panel', '198.51.100.200', 'destination', 1, 0],
    ]);
    expect(rows[1]).toMatchObject({ block: '198.51.100.128/25', sourceaddress: '10.0.1.10', destinationport: 443, seen_days: 0 });
  });

  it('when all of it was rejected, an inside host reaching out is medium and a listed source knocking is low', async () => {
    const rows = await runWatchlist([
      at(1, { src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT' }),
      at(2, { src: '10.0.1.12', dst: '198.51.100.9', dstPort: 8443, action: 'REJECT' }),
    ]);

    expect(pick(rows)).toEqual([
      ['medium', 'known C2', '198.51.100.9', 'destination', 0, 1],
      ['low', 'scanner', '203.0.113.7', 'source', 0, 1],
    ]);
  });

  it('when addresses sit just outside each block (198.51.99.255, 198.51.101.0, 203.0.113.6 and .8), it reports nothing', async () => {
    const rows = await runWatchlist([
      at(1, { src: '10.0.1.10', dst: '198.51.99.255', dstPort: 443 }),
      at(1, { src: '10.0.1.10', dst: '198.51.101.0', dstPort: 443 }),
      at(1, { src: '203.0.113.6', dst: '10.0.1.10', dstPort: 22 }),
      at(1, { src: '203.0.113.8', dst: '10.0.1.10', dstPort: 22 }),
    ]);

    expect(rows).toEqual([]);
  });

  it('when addresses sit exactly at the first and last address of a block (198.51.100.0 and .255), both match', async () => {
    const rows = await runWatchlist([at(1, { src: '10.0.1.10', dst: '198.51.100.0', dstPort: 443 }), at(2, { src: '10.0.1.10', dst: '198.51.100.255', dstPort: 443 })]);

    expect(rows.map((r) => [r.listed_address, r.label])).toEqual([
      ['198.51.100.0', 'known C2'],
      ['198.51.100.255', 'C2 panel'],
    ]);
  });

  it('when IPv6 addresses are written compressed, in full or in capitals, inside the /48 they match and next to it they do not', async () => {
    const rows = await runWatchlist([
      at(1, { src: '2001:db8:bad::1', dst: '2001:db8:1::10', dstPort: 443 }),
      at(2, { src: '2001:DB8:BAD:FFFF:FFFF:FFFF:FFFF:FFFF', dst: '2001:db8:1::10', dstPort: 443, action: 'REJECT' }),
      at(3, { src: '2001:0db8:0bad:0000:0000:0000:0000:0000', dst: '2001:db8:1::10', dstPort: 443, action: 'REJECT' }),
      at(4, { src: '2001:db8:bac:ffff:ffff:ffff:ffff:ffff', dst: '2001:db8:1::10', dstPort: 443 }),
      at(4, { src: '2001:db8:bae::', dst: '2001:db8:1::10', dstPort: 443 }),
    ]);

    expect(rows.map((r) => [r.severity, r.listed_address, r.label])).toEqual([
      ['high', '2001:db8:bad::1', 'IPv6 C2'],
      ['low', '2001:0db8:0bad:0000:0000:0000:0000:0000', 'IPv6 C2'],
      ['low', '2001:DB8:BAD:FFFF:FFFF:FFFF:FFFF:FFFF', 'IPv6 C2'],
    ]);
  });

  it('when a listed address also had traffic on 3 of the 7 days before, it says 3; one new today says 0 and comes first', async () => {
    const earlier = [1, 3, 5].map((d) => flowLine({ src: '10.0.1.10', dst: '198.51.100.20', dstPort: 443, start: DAY_START - d * DAY + 5 * HOUR }));
    const rows = await runWatchlist([...earlier, at(6, { src: '10.0.1.10', dst: '198.51.100.20', dstPort: 443 }), at(7, { src: '10.0.1.10', dst: '198.51.100.21', dstPort: 443 })]);

    expect(rows.map((r) => [r.listed_address, r.seen_days])).toEqual([
      ['198.51.100.21', 0],
      ['198.51.100.20', 3],
    ]);
  });

  it('when the day has only unlisted traffic, it reports nothing', async () => {
    const rows = await runWatchlist([at(1, { src: '10.0.1.10', dst: '192.0.2.10', dstPort: 443 }), at(2, { src: '192.0.2.99', dst: '10.0.1.10', dstPort: 22, action: 'REJECT' })]);

    expect(rows).toEqual([]);
  });

  it('when whole-range blocks are listed (0.0.0.0/0 and ::/0), every address of their version matches', async () => {
    const rows = await runWatchlist(
      [at(1, { src: '10.0.1.10', dst: '255.255.255.255', dstPort: 443 }), at(2, { src: '::', dst: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', dstPort: 443 })],
      '0.0.0.0/0,all v4\n::/0,all v6\n',
    );

    expect(rows.map((r) => [r.listed_address, r.label])).toEqual([
      ['10.0.1.10', 'all v4'],
      ['::', 'all v6'],
    ]);
  });
});

describe('watchlist keys in SQL agree with cidr.ts', () => {
  // Each address as a /32 or /128 block of its own, written in another form: matching proves the
  // SQL key and the TypeScript key are the same number.
  const pairs: [string, string][] = [
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['1.2.3.4', '1.2.3.4'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['1::', '1:0:0:0:0:0:0:0'],
    ['fe80::1:2', 'FE80:0:0:0:0:0:1:2'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8::1:1:1:1:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ];

  it('when each address is listed as its own block written differently, each matches itself and nothing else', async () => {
    const watchlist = pairs.map(([, written], i) => `${written},k${i}`).join('\n');
    const lines = pairs.map(([address], i) => flowLine({ src: address, dst: '10.9.9.9', dstPort: 443, start: DAY_START + i * 60 }));
    const rows = await runWatchlist(lines, watchlist);

    expect(rows.map((r) => [r.listed_address, r.label]).sort()).toEqual(pairs.map(([address], i) => [address, `k${i}`]).sort());
  });
});

describe('watchlist IPv4 values out of range', () => {
  // An octet of 256 carries into the octet before it when the key is computed (198.51.99.256 would
  // be 198.51.100.0): such a value is no IPv4 address and must match no block. The first octet
  // cannot carry: 256.x.x.x is beyond 255.255.255.255, so outside every block anyway.
  it('when an IPv4 value has an octet of 256 in any one position, the others in range, it matches no block, though its carried number falls inside one', async () => {
    const dst = ['197.256.100.7', '198.50.256.7', '198.51.99.256', '256.0.0.1', '198.51.100.7'];
    const rows = await runWatchlist(
      dst.map((address, i) => at(1 + i, { src: '10.0.1.10', dst: address, dstPort: 443 })),
      '198.0.0.0/8,wide\n',
    );

    expect(rows.map((r) => [r.listed_address, r.label])).toEqual([['198.51.100.7', 'wide']]);
  });
});

describe('watchlist seen days (new or ongoing)', () => {
  // Baseline days are 24-hour blocks counted back from the window start (src/queries/fragments/day-block.sql).
  const WINDOW_START = DAY_START;
  const seen = (rows: readonly Row[]) => rows.map((r) => [r.listed_address, r.seen_days]);

  it('when records sit at 23:59:59 and at 00:00:00 of the next block they are two days; two records at the first and last second of one block are one day', async () => {
    const rows = await runWatchlist([
      // 203.0.113.7 knocks at the last second of the block two days back and the first second of the block one day back.
      flowLine({ src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT', start: WINDOW_START - DAY - 1 }),
      flowLine({ src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT', start: WINDOW_START - DAY }),
      // 198.51.100.9 is reached at the first and the last second of the block one day back.
      flowLine({ src: '10.0.1.12', dst: '198.51.100.9', dstPort: 443, start: WINDOW_START - DAY }),
      flowLine({ src: '10.0.1.12', dst: '198.51.100.9', dstPort: 443, start: WINDOW_START - 1 }),
      at(1, { src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT' }),
      at(2, { src: '10.0.1.12', dst: '198.51.100.9', dstPort: 443 }),
    ]);

    expect(seen(rows)).toEqual([
      ['198.51.100.9', 1],
      ['203.0.113.7', 2],
    ]);
  });

  it('when the only listed address was the destination of traffic on 2 earlier days, it says 2', async () => {
    const earlier = [2, 4].map((d) => flowLine({ src: '10.0.1.12', dst: '198.51.100.9', dstPort: 443, action: 'REJECT', start: WINDOW_START - d * DAY + HOUR }));
    // Unlisted traffic on other days is no sighting of the listed address.
    const unlisted = [1, 3].map((d) => flowLine({ src: '10.0.1.12', dst: '192.0.2.10', dstPort: 443, start: WINDOW_START - d * DAY + HOUR }));
    const rows = await runWatchlist([...earlier, ...unlisted, at(3, { src: '10.0.1.12', dst: '198.51.100.9', dstPort: 443, action: 'REJECT' })]);

    expect(rows.map((r) => [r.severity, r.listed_address, r.listed_side, r.seen_days])).toEqual([['medium', '198.51.100.9', 'destination', 2]]);
  });

  it('when a listed address had traffic on each of the 7 days before, from the first second of the oldest, it says 7', async () => {
    const earlier = [1, 2, 3, 4, 5, 6, 7].map((d) => flowLine({ src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT', start: WINDOW_START - d * DAY }));
    const rows = await runWatchlist([...earlier, at(1, { src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT' })]);

    expect(seen(rows)).toEqual([['203.0.113.7', 7]]);
  });

  it('when every hour of a 169-hour baseline (a 25-hour DST day in it) has traffic with the listed address, it says 7, not 8', async () => {
    // New York falls back on Sunday 2026-11-01: the 7 local days before 2026-11-05 are 169 hours.
    const when = { date: '2026-11-05', timezone: 'America/New_York' };
    const window = reportWindow(when.date, when.timezone);
    const hours = (window.baseline.endEpoch - window.baseline.startEpoch) / HOUR;
    expect(hours).toBe(169);
    const earlier = Array.from({ length: hours }, (_, h) =>
      flowLine({ src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT', start: window.baseline.startEpoch + h * HOUR }),
    );
    const rows = await runWatchlist(
      [...earlier, flowLine({ src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT', start: window.startEpoch + HOUR })],
      WATCHLIST,
      when,
    );

    expect(seen(rows)).toEqual([['203.0.113.7', 7]]);
  });
});

describe('watchlist findings order', () => {
  it('when findings of every severity and history are mixed, it lists high, then medium, then low; within one, new before ongoing, then the most flows, then the address', async () => {
    const earlier = (dst: string, days: readonly number[], action: 'ACCEPT' | 'REJECT') =>
      days.map((d) => flowLine({ src: '10.0.1.10', dst, dstPort: 443, action, start: DAY_START - d * DAY + HOUR }));
    const today = (dst: string, count: number, action: 'ACCEPT' | 'REJECT' = 'ACCEPT') =>
      Array.from({ length: count }, (_, i) => at(1 + i, { src: '10.0.1.10', dst, dstPort: 443, action }));
    const rows = await runWatchlist([
      // high: .20 seen on 2 earlier days; .21 new with 1 flow; .22 and .23 new with 3 flows each.
      ...earlier('198.51.100.20', [1, 2], 'ACCEPT'),
      ...today('198.51.100.20', 5),
      ...today('198.51.100.21', 1),
      ...today('198.51.100.23', 3),
      ...today('198.51.100.22', 3),
      // medium (all rejected, listed destination): .30 seen on 1 earlier day, .31 new.
      ...earlier('198.51.100.30', [3], 'REJECT'),
      ...today('198.51.100.30', 4, 'REJECT'),
      ...today('198.51.100.31', 1, 'REJECT'),
      // low (all rejected, listed source): new.
      at(1, { src: '203.0.113.7', dst: '10.0.1.10', dstPort: 22, action: 'REJECT' }),
    ]);

    expect(rows.map((r) => [r.severity, r.listed_address, r.seen_days, Number(r.accepted) + Number(r.rejected)])).toEqual([
      ['high', '198.51.100.22', 0, 3],
      ['high', '198.51.100.23', 0, 3],
      ['high', '198.51.100.21', 0, 1],
      ['high', '198.51.100.20', 2, 5],
      ['medium', '198.51.100.31', 0, 1],
      ['medium', '198.51.100.30', 1, 4],
      ['low', '203.0.113.7', 0, 1],
    ]);
  });
});
