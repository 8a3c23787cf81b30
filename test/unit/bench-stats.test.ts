import { describe, expect, it } from 'vitest';
import { topSources } from '../../bench/baseline-stream.js';
import { formatBytes, formatNumber, formatTable, formatTarget, median, ratio, verdict, type Target } from '../../bench/stats.js';
import { athenaBytesTargets } from '../../bench/summary.js';

const target = (value: number | undefined, bound: Target['bound'], limit: number): Target => ({ label: 'report vs scan', value, bound, limit, unit: 'x' });

describe('median', () => {
  it('when the count is odd, it returns the middle sample whatever the order', () => {
    expect(median([9.5, 1.2, 3.4])).toBe(3.4);
  });

  it('when the count is even, it returns the mean of the two middle samples', () => {
    expect(median([4, 1, 10, 2])).toBe(3);
  });

  it('when one run is far slower, it is not moved by it', () => {
    expect(median([2.0, 2.1, 60])).toBe(2.1);
  });

  it('when there are no samples, it refuses', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('ratio and verdict', () => {
  it('when both figures exist, it divides them', () => {
    expect(ratio(3, 2)).toBe(1.5);
  });

  it.each([
    [undefined, 2],
    [3, undefined],
    [3, 0],
  ])('when given %j / %j, it has no ratio', (a, b) => {
    expect(ratio(a, b)).toBeUndefined();
  });

  it.each([
    [1.5, 'at-most', 1.5, 'PASS'],
    [1.51, 'at-most', 1.5, 'MISS'],
    [5, 'at-least', 5, 'PASS'],
    [4.9, 'at-least', 5, 'MISS'],
    [undefined, 'at-most', 1.5, 'n/a'],
    [Number.NaN, 'at-least', 5, 'n/a'],
  ] as const)('when the figure is %j and the target is %s %j, it says %s', (value, bound, limit, expected) => {
    expect(verdict(target(value, bound, limit))).toBe(expected);
  });

  it('when a target line is formatted, it shows the figure, the limit and the verdict', () => {
    const line = formatTarget(target(1.934, 'at-most', 1.5));
    expect(line).toMatch(/^report vs scan\s+1\.93 x {2}\(at most 1\.50 x\) {2}MISS$/);
  });

  it('when a figure is missing, the target line shows a dash and n/a', () => {
    expect(formatTarget(target(undefined, 'at-least', 5))).toMatch(/— {2}\(at least 5\.00 x\) {2}n\/a$/);
  });
});

describe('number formatting', () => {
  it.each([
    [0, '0'],
    [0.01234, '0.0123'],
    [1.5, '1.50'],
    [12.345, '12.3'],
    [1234567.8, '1,234,568'],
  ])('when %j is shown, it reads %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it.each([
    [undefined, '—'],
    [512, '512 B'],
    [1536, '1.50 KiB'],
    [1.5 * 1024 ** 3, '1.50 GiB'],
  ])('when %j bytes are shown, they read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('when a table is formatted, columns line up with the first left-aligned and the rest right-aligned', () => {
    const table = formatTable(
      ['phase', 'seconds'],
      [
        ['zcat', '2.61'],
        ['report', '12.40'],
      ],
    );
    expect(table.split('\n')).toEqual(['phase   seconds', '------  -------', 'zcat       2.61', 'report    12.40']);
  });
});

describe('topSources', () => {
  it('when counts tie, it orders by count then address and keeps the limit', () => {
    const counts = new Map([
      ['10.0.0.9', 5],
      ['10.0.0.10', 7],
      ['10.0.0.2', 5],
      ['10.0.0.3', 1],
    ]);
    expect(topSources(counts, 3)).toEqual([
      { sourceaddress: '10.0.0.10', rejected: 7 },
      { sourceaddress: '10.0.0.2', rejected: 5 },
      { sourceaddress: '10.0.0.9', rejected: 5 },
    ]);
  });
});

describe('athenaBytesTargets', () => {
  it('when the scan-once section measured both sets of sizes, it gives both rows with their figures against 1.3 x', () => {
    // Prepare
    const section = {
      measured: { reportBytesRatio: 46.9, sizes: { rawBytesPerDay: 1000, rollupBytesPerDay: 490 } },
      modelled: { reportBytesRatio: 1.3, sizes: { rawBytesPerDay: 2_000_000_000, rollupBytesPerDay: 20_000_000 } },
    };

    // Act
    const rows = athenaBytesTargets(section);

    // Assess
    expect(rows.map((r) => [r.label, r.value, r.limit, verdict(r)])).toEqual([
      ["Athena bytes per daily report vs raw compressed, sample's sizes, rollup 49% of raw", 46.9, 1.3, 'MISS'],
      ['Athena bytes per daily report vs raw compressed, modelled sizes, rollup 1% of raw', 1.3, 1.3, 'PASS'],
    ]);
  });

  it('when the section has no figure, its rows have no value and are n/a, never PASS', () => {
    expect(athenaBytesTargets(undefined).map(verdict)).toEqual(['n/a', 'n/a']);
    expect(athenaBytesTargets({ measured: { reportBytesRatio: 'x' } }).map(verdict)).toEqual(['n/a', 'n/a']);
  });
});
