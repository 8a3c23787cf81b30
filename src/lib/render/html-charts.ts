/**
 * The charts of the HTML report as markup strings: hand-written SVG for the hourly series, HTML
 * and CSS rows for ranked bars. Pure and small, so the page needs no script, no library and no
 * browser to be made, and a test can count what was drawn.
 */

/** Text or attribute value made inert in HTML: `<script>` from a log line stays text. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The smallest 1, 2 or 5 times a power of ten at or above `value`: axes end on round numbers. */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export interface HourPoint {
  /** Epoch seconds the hour starts. */
  readonly hour: number;
  readonly value: number;
  /** The baseline band for this hour: lowest and highest of the baseline days. */
  readonly low: number;
  readonly high: number;
}

export interface HourlyChartOptions {
  /** `rejected` or `accepted`: names the chart for CSS and tests. */
  readonly name: string;
  readonly label: string;
  /** Hour labels in the report's zone (`00`, `03`, ...). */
  readonly hourLabel: (epochSeconds: number) => string;
  readonly formatValue: (value: number) => string;
}

/** Axis labels stay short whatever the volume: 750, 1.5k, 2M, 1.2G. */
export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  for (const [size, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (abs >= size) return `${Number((value / size).toFixed(1))}${suffix}`;
  }
  return String(Number(value.toFixed(1)));
}

const WIDTH = 600;
const HEIGHT = 250;
const LEFT = 56;
const RIGHT = 14;
const TOP = 14;
const BOTTOM = 30;
const GRID_LINES = 4;
/** An x-axis label every few hours keeps 24 labels from colliding on a phone. */
const LABEL_EVERY_HOURS = 3;

/**
 * Records per hour as a line of points over the baseline band (an area from the lowest to the
 * highest count of the same hour on the baseline days). One `circle.point` per hour given.
 */
export function hourlyChart(points: readonly HourPoint[], options: HourlyChartOptions): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const top = niceCeiling(Math.max(1, ...points.map((p) => Math.max(p.value, p.high))));
  const step = points.length > 0 ? plotWidth / points.length : plotWidth;
  const x = (i: number) => LEFT + step * (i + 0.5);
  const y = (v: number) => TOP + plotHeight - (Math.max(0, v) / top) * plotHeight;
  const fmt = (n: number) => n.toFixed(1);
  const grid = Array.from({ length: GRID_LINES + 1 }, (_, i) => {
    const value = (top / GRID_LINES) * i;
    return `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fmt(y(value))}" y2="${fmt(y(value))}"/><text class="axis" x="${LEFT - 6}" y="${fmt(y(value) + 4)}" text-anchor="end">${escapeHtml(compactNumber(value))}</text>`;
  }).join('');
  const xLabels = points
    .map((p, i) =>
      i % LABEL_EVERY_HOURS === 0 ? `<text class="axis" x="${fmt(x(i))}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(options.hourLabel(p.hour))}</text>` : '',
    )
    .join('');
  const band =
    points.length === 0
      ? ''
      : `<polygon class="band" points="${[...points.map((p, i) => `${fmt(x(i))},${fmt(y(p.high))}`), ...[...points].reverse().map((p, i) => `${fmt(x(points.length - 1 - i))},${fmt(y(p.low))}`)].join(' ')}"/>`;
  const line = points.length === 0 ? '' : `<polyline class="line" points="${points.map((p, i) => `${fmt(x(i))},${fmt(y(p.value))}`).join(' ')}"/>`;
  const dots = points
    .map((p, i) => {
      const outside = p.value > p.high || p.value < p.low;
      const tip = `${options.hourLabel(p.hour)}: ${options.formatValue(p.value)} ${options.label} (usual ${options.formatValue(p.low)}–${options.formatValue(p.high)})`;
      return `<circle class="point${outside ? ' outside' : ''}" cx="${fmt(x(i))}" cy="${fmt(y(p.value))}" r="${outside ? 4 : 3}" data-hour="${p.hour}" data-value="${p.value}"><title>${escapeHtml(tip)}</title></circle>`;
    })
    .join('');
  return [
    `<svg class="hourly ${escapeHtml(options.name)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(`${options.label} per hour against the baseline band`)}">`,
    grid,
    band,
    line,
    dots,
    xLabels,
    '</svg>',
  ].join('');
}

/** Where a bar's address lives: a few words under the label, the whole place in its tooltip. */
export interface LabelPlace {
  /** `web-1 i-0abc...` */
  readonly short: string;
  /** `10.0.0.1 on eni-... (i-0abc... web-1, sg-... web, subnet-..., vpc-...)` */
  readonly full: string;
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Secondary text after the value (`12 ports, 3 hosts`). */
  readonly note?: string;
  readonly place?: LabelPlace;
}

/** A row's label, with where it lives under it when known; the tooltip carries the whole place. */
function labelCell(label: string, place: LabelPlace | undefined): string {
  if (place === undefined) return `<span class="label" title="${escapeHtml(label)}">${escapeHtml(label)}</span>`;
  return `<span class="label placed" title="${escapeHtml(place.full)}">${escapeHtml(label)}<small class="place" data-place="${escapeHtml(label)}">${escapeHtml(place.short)}</small></span>`;
}

/** Ranked bars as HTML rows (they reflow on a phone): one `.bar` per item, widths against the largest. */
export function barList(name: string, bars: readonly Bar[], formatValue: (value: number) => string): string {
  const largest = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b) => {
    const width = Math.max(0.5, (Math.max(0, b.value) / largest) * 100).toFixed(1);
    const note = b.note === undefined ? '' : ` <span class="note">· ${escapeHtml(b.note)}</span>`;
    return `<li>${labelCell(b.label, b.place)}<span class="track"><span class="bar" style="width:${width}%" data-value="${b.value}"></span></span><span class="value">${escapeHtml(formatValue(b.value))}${note}</span></li>`;
  });
  return `<ol class="bars ${escapeHtml(name)}">${rows.join('')}</ol>`;
}

export interface RangeRow {
  readonly label: string;
  readonly value: number;
  readonly low: number;
  readonly mean: number | undefined;
  readonly high: number;
  readonly place?: LabelPlace;
}

/**
 * Each row against its own usual range: the track is scaled to the row's own largest figure, the
 * band is its baseline low..high, the tick its mean, the bar today. A host that sends 2 GB where
 * it usually sends 2 MB stands out even beside hosts that always send more.
 */
export function rangeRows(name: string, rows: readonly RangeRow[], formatValue: (value: number) => string): string {
  const items = rows.map((r) => {
    const scale = Math.max(1, r.value, r.high);
    const pct = (v: number) => ((Math.max(0, v) / scale) * 100).toFixed(1);
    const above = r.value > r.high;
    const ratio = r.mean !== undefined && r.mean > 0 ? r.value / r.mean : undefined;
    const usual = `usual ${formatValue(r.low)}–${formatValue(r.high)}`;
    const badge = above ? ` <span class="above">${ratio === undefined ? 'above its usual range' : `${formatRatio(ratio)} its mean`}</span>` : '';
    const mean = r.mean === undefined ? '' : `<span class="mean" style="left:${pct(r.mean)}%"></span>`;
    return [
      `<li${above ? ' class="above-range"' : ''}>`,
      labelCell(r.label, r.place),
      `<span class="track"><span class="band" style="left:${pct(r.low)}%;width:${(Number(pct(r.high)) - Number(pct(r.low))).toFixed(1)}%"></span>${mean}<span class="bar" style="width:${Math.max(0.5, Number(pct(r.value))).toFixed(1)}%" data-value="${r.value}"></span></span>`,
      `<span class="value">${escapeHtml(formatValue(r.value))} <span class="note">· ${escapeHtml(usual)}</span>${badge}</span>`,
      '</li>',
    ].join('');
  });
  return `<ol class="bars ranges ${escapeHtml(name)}">${items.join('')}</ol>`;
}

function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? Math.round(ratio).toLocaleString('en-US') : ratio.toFixed(1)}×`;
}
