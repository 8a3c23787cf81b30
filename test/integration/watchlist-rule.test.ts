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

async function runWatchlist(lines: readonly string[], watchlistText = WATCHLIST): Promise<readonly Row[]> {
  open?.close();
  open = await new FlowBucket().write(lines).open();
  const window = reportWindow(DATE, 'UTC');
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
