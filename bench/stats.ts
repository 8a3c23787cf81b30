/** Pure helpers of the benchmark: medians, ratios against targets and the printed table. */

/** The middle of the samples (the mean of the two middle ones for an even count): one slow run on a noisy machine does not move it. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A target on a measured figure: `at-most` for costs (time, bytes), `at-least` for speed-ups. */
export interface Target {
  readonly label: string;
  readonly value: number | undefined;
  readonly bound: 'at-most' | 'at-least';
  readonly limit: number;
  readonly unit: string;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

/** PASS when the figure is within its limit; n/a when it could not be measured (never a silent PASS). */
export function verdict(target: Target): Verdict {
  if (target.value === undefined || !Number.isFinite(target.value)) return 'n/a';
  return (target.bound === 'at-most' ? target.value <= target.limit : target.value >= target.limit) ? 'PASS' : 'MISS';
}

/** numerator / denominator, or undefined when either is missing or the denominator is zero. */
export function ratio(numerator: number | undefined, denominator: number | undefined): number | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) return undefined;
  return numerator / denominator;
}

/** `1.93 x  (at most 1.5 x)  MISS`: the figure, its limit and the verdict on one line. */
export function formatTarget(target: Target): string {
  const shown = target.value === undefined ? '—' : `${formatNumber(target.value)} ${target.unit}`;
  const limit = `${target.bound === 'at-most' ? 'at most' : 'at least'} ${formatNumber(target.limit)} ${target.unit}`;
  return `${target.label.padEnd(44)} ${shown.padStart(14)}  (${limit})  ${verdict(target)}`;
}

/** Three significant digits, thousands grouped: enough for figures that vary by a few percent run to run. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, 2 - magnitude);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value)} ${units[unit]}`;
}

/** A plain left-aligned text table; the first column is left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
