/**
 * The report as one self-contained web page (report.html): inline CSS and SVG, no script, no
 * external asset, readable on a laptop and a phone, in light and dark mode, and on paper. A pure
 * function of the Report, like every other rendering.
 */
import type { Cell, Row } from '../ports.js';
import { buildingText } from '../report/baseline.js';
import { SEEN_DAYS_COLUMN } from '../report/build-report.js';
import type { BaselineStatus, Digest, Finding, InterfacePlace, Report, Series } from '../report/model.js';
import { lookupText, placeLabel, placeLine, placeOf, placesShownBy, placeText } from '../report/interfaces.js';
import { barList, escapeHtml as esc, hourlyChart, rangeRows, type HourPoint, type LabelPlace } from './html-charts.js';
import { scannedToRaw } from '../report/raw-day.js';
import {
  cellText,
  columnsOf,
  countBySeverity,
  findingsBySeverity,
  formatBytes,
  formatCount,
  formatDuration,
  formatUsd,
  noveltyText,
  plural,
  safeLine,
  SEVERITIES,
  suppressionText,
  withLocalTimes,
} from './present.js';

/** The series and digests the charts draw, by rule id (src/queries/reports). */
export const HOURLY_SERIES = 'hourly-records';
export const HOST_EGRESS_SERIES = 'host-egress';
export const TOP_SOURCES_DIGEST = 'top-rejected-sources';
export const TOP_PORTS_DIGEST = 'top-rejected-ports';
/** Rows of a finding or digest shown on the page; the CSV and the results location have the rest. */
const MAX_TABLE_ROWS = 10;
const HOUR_SECONDS = 3600;

/** Fields this page renders by name; anything else a newer model adds is shown as a generic fact. */
const FINDING_KEYS = new Set([
  'rule',
  'severity',
  'title',
  'technique',
  'count',
  'rows',
  'rowsLeftOut',
  'resultsLocation',
  'newToday',
  'newRows',
  'seenDays',
  'seenOfDays',
  'places',
]);
const REPORT_KEYS = new Set([
  'tool',
  'engine',
  'database',
  'table',
  'generatedAt',
  'window',
  'totals',
  'findings',
  'digests',
  'series',
  'baseline',
  'building',
  'suppressed',
  'expiredSuppressions',
  'queries',
  'bytesScanned',
  'costUsd',
  'rawDay',
  'warnings',
  'files',
  'interfaces',
]);
const PROTOCOLS: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/** The page for one report. */
export function renderHtml(report: Report): string {
  const zone = report.window.timezone;
  const title = `flowlog-pilot report ${report.window.date} (${zone})`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${esc(safeLine(title))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(report),
    summary(report),
    warnings(report),
    lookupNote(report),
    findingsSection(report),
    suppressedSection(report),
    chartsSection(report),
    findingDetails(report),
    otherDigests(report),
    queriesSection(report),
    `<footer>Made by flowlog-pilot from ${esc(safeLine(report.database))}.${esc(safeLine(report.table))} on the ${report.engine === 'athena' ? 'Athena' : 'local DuckDB'} engine, ${esc(localTime(report.generatedAt, zone))} ${esc(zone)}. Every figure is also in report.json.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(report: Report): string {
  const zone = report.window.timezone;
  const counts = countBySeverity(report);
  const verdict =
    report.findings.length === 0
      ? '<span class="ok">no findings</span>'
      : SEVERITIES.filter((s) => counts[s] > 0)
          .map((s) => `<span class="sev ${s}">${counts[s]} ${s}</span>`)
          .join(' ');
  return [
    '<header>',
    `<p class="kicker">flowlog-pilot · VPC Flow Logs daily report</p>`,
    `<h1>${esc(report.window.date)} <span class="zone">${esc(zone)}</span></h1>`,
    `<p class="window">${esc(localTime(report.window.start, zone))} to ${esc(localTime(report.window.end, zone))} · ${esc(safeLine(report.database))}.${esc(safeLine(report.table))} · ${report.engine === 'athena' ? 'Athena' : 'local engine (DuckDB)'}</p>`,
    `<p class="verdict">${verdict}</p>`,
    files(report),
    '</header>',
  ].join('\n');
}

/** Where the report was saved (the results bucket on AWS): S3 console pages, which ask the reader to sign in. */
function files(report: Report): string {
  const f = report.files;
  if (f === undefined) return '';
  return `<p class="files">Saved in <code>${esc(safeLine(f.location, 300))}</code>: <a href="${esc(safeHref(f.mainUrl))}">${esc(safeLine(f.main, 80))} in the S3 console</a> · <a href="${esc(safeHref(f.folderUrl))}">all files, CSVs included</a></p>`;
}

/** Only https links reach an href; anything else (a javascript: URL) becomes an inert anchor. */
function safeHref(url: string): string {
  return /^https:\/\//i.test(url) ? safeLine(url, 2000) : '#';
}

function summary(report: Report): string {
  const t = report.totals;
  const silenced = report.suppressed?.reduce((sum, s) => sum + s.count, 0);
  const share = t.records > 0 ? ` <small>${((t.rejected / t.records) * 100).toFixed(1)}%</small>` : '';
  const cards: [string, string, string][] = [
    ['records', 'Records', formatCount(t.records)],
    ['accepted', 'Accepted', formatCount(t.accepted)],
    ['rejected', 'Rejected', `${formatCount(t.rejected)}${share}`],
    ['bytes', 'Bytes', esc(formatBytes(t.bytes))],
    ['findings', 'Findings', `${formatCount(report.findings.length)}${silenced === undefined ? '' : ` <small>${formatCount(silenced)} suppressed</small>`}`],
    ['scanned', `Scanned · ${esc(formatUsd(report.costUsd))}`, `${esc(formatBytes(report.bytesScanned))}${rawRatio(report)}`],
    ...extraFacts(report as unknown as Record<string, unknown>, REPORT_KEYS).map(([key, value]): [string, string, string] => ['extra', esc(labelOf(key)), esc(value)]),
  ];
  return `<section class="cards" aria-label="Totals">${cards.map(([name, label, value]) => `<div class="card ${name}" data-total="${name}"><span>${label}</span><strong>${value}</strong></div>`).join('')}</section>`;
}

function warnings(report: Report): string {
  if (report.warnings.length === 0) return '';
  return `<section class="warnings"><h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${esc(safeLine(w))}</li>`).join('')}</ul></section>`;
}

function findingsSection(report: Report): string {
  const findings = findingsBySeverity(report);
  const parts = ['<section id="findings">', '<h2>Findings</h2>', baselineDays(report.baseline), building(report)];
  if (findings.length === 0) return [...parts, '<p class="none">No detection matched in this window.</p>', '</section>'].join('\n');
  const withStatus = findings.some((f) => extraFacts(f as unknown as Record<string, unknown>, FINDING_KEYS).length > 0);
  const rows = findings.map((f) => {
    const status = withStatus
      ? `<td class="status">${extraFacts(f as unknown as Record<string, unknown>, FINDING_KEYS)
          .map(([k, v]) => `<span class="chip">${esc(labelOf(k))}: ${esc(v)}</span>`)
          .join(' ')}</td>`
      : '';
    return `<tr data-rule="${esc(f.rule)}" data-severity="${f.severity}" data-count="${f.count}"><td><span class="sev ${f.severity}">${f.severity}</span></td><td><a href="#finding-${esc(anchor(f.rule))}">${esc(safeLine(f.title))}</a><br><code>${esc(safeLine(f.rule))}</code>${noveltyBadge(f)}</td><td>${f.technique === undefined ? '' : esc(safeLine(f.technique))}</td><td class="num">${formatCount(f.count)}</td>${status}</tr>`;
  });
  return [
    ...parts,
    '<div class="scroll"><table class="findings">',
    `<thead><tr><th>Severity</th><th>Finding</th><th>ATT&amp;CK</th><th class="num">Matches</th>${withStatus ? '<th>Other</th>' : ''}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
    '</section>',
  ].join('\n');
}

/** "new today" (a key no baseline day had) or "seen on k of N days"; empty when the rule does not tell. */
function noveltyBadge(f: Finding): string {
  const text = noveltyText(f);
  if (text === '') return '';
  const kind = f.newToday === true ? 'new' : 'ongoing';
  return ` <span class="badge ${kind}" data-novelty="${kind}">${esc(text)}</span>`;
}

/** Baseline rules held back until the baseline has enough complete days: said, so silence is not read as "nothing happened". */
function building(report: Report): string {
  const held = report.building ?? [];
  if (held.length === 0) return '';
  const items = held.map(
    (b) =>
      `<li data-building="${esc(b.rule)}"><span class="badge building">${esc(buildingText(b))}</span> ${esc(safeLine(b.title, 200))} <code>${esc(safeLine(b.rule))}</code>, not compared yet</li>`,
  );
  return `<ul class="building">${items.join('')}</ul>`;
}

/** The baseline days, oldest first, as a row of cells: complete (counted) or not, with the hours that had records. */
function baselineDays(status: BaselineStatus | undefined): string {
  if (status === undefined || status.days.length === 0) return '';
  const cells = status.days.map((d) => {
    const state = d.complete ? 'complete' : 'incomplete';
    const late =
      d.firstRecordAfterSeconds !== undefined && d.firstRecordAfterSeconds > 1800 ? `, first record ${Math.round(d.firstRecordAfterSeconds / 60)} min after midnight` : '';
    const hint = `${d.date}: ${d.hours === 0 ? 'no records' : `records in ${d.hours} h${late}`}, ${d.complete ? 'counted' : 'not counted'}`;
    return `<li class="day ${state}" data-date="${esc(safeLine(d.date))}" data-complete="${d.complete}" data-hours="${d.hours}" title="${esc(safeLine(hint, 200))}"><span>${esc(safeLine(d.date.slice(5), 10))}</span><strong>${d.hours} h</strong></li>`;
  });
  const caption = `Baseline: ${status.completeDays} of ${plural(status.days.length, 'earlier day')} complete; spike rules need ${status.requiredDays}, a day counts with records in ${status.minDayHours}+ hours`;
  return `<div class="baseline" data-complete-days="${status.completeDays}"><p>${esc(caption)}</p><ol class="days">${cells.join('')}</ol></div>`;
}

/** What active suppressions silenced, per rule and entry with its reason and expiry, and entries past their expiry date. */
function suppressedSection(report: Report): string {
  const silenced = report.suppressed ?? [];
  const expired = report.expiredSuppressions ?? [];
  if (silenced.length === 0 && expired.length === 0) return '';
  // A Where column once any silenced row's interface or private address could be placed.
  const placed = silenced.some((s) => (s.places?.length ?? 0) > 0);
  const rows = silenced.map(
    (s) =>
      `<tr data-suppressed="${esc(s.rule)}" data-entry="${s.entry}" data-count="${s.count}"><td><code>${esc(safeLine(s.rule))}</code></td><td>${esc(safeLine(s.reason, 200))} <small>entry ${s.entry}</small></td><td>${esc(safeLine(s.expires))}</td><td class="num">${formatCount(s.count)}</td>${placed ? `<td class="where">${placeItems(s.places ?? [])}</td>` : ''}</tr>`,
  );
  const table =
    silenced.length === 0
      ? '<p class="none">No active suppression matched today.</p>'
      : `<div class="scroll"><table class="suppressed"><thead><tr><th>Rule</th><th>Reason</th><th>Until</th><th class="num">Silenced</th>${placed ? '<th>Where</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  const expiredList =
    expired.length === 0
      ? ''
      : `<div class="expired"><strong>${esc(plural(expired.length, 'expired suppression'))}, no longer applied</strong>: renew or delete ${expired.length === 1 ? 'it' : 'them'}.<ul>${expired.map((e) => `<li data-expired-entry="${e.entry}">entry ${e.entry}: ${esc(safeLine(e.reason, 200))} <small>expired ${esc(safeLine(e.expires))}</small></li>`).join('')}</ul></div>`;
  const total = suppressionText(report);
  return ['<section id="suppressed">', `<h2>Suppressed${total === '' ? '' : ` <small>${esc(total)}</small>`}</h2>`, table, expiredList, '</section>'].join('\n');
}

function findingDetails(report: Report): string {
  const findings = findingsBySeverity(report);
  if (findings.length === 0) return '';
  return ['<section id="finding-rows">', '<h2>What matched</h2>', ...findings.map((f) => findingDetail(f, report.window.timezone)), '</section>'].join('\n');
}

function findingDetail(f: Finding, zone: string): string {
  return [
    `<article class="finding ${f.severity}" id="finding-${esc(anchor(f.rule))}">`,
    `<h3><span class="sev ${f.severity}">${f.severity}</span> ${esc(safeLine(f.title))}${noveltyBadge(f)}</h3>`,
    rowsTable(withSeenText(withLocalTimes(f.rows, zone), f.seenOfDays), f.rowsLeftOut, f.resultsLocation),
    whereList(f.places, f.rows),
    '</article>',
  ].join('\n');
}

/** A row's `seen_days` (baseline days its key matched on) as words in a `seen` column: "new today" or "3 of 7 days". */
function withSeenText(rows: readonly Row[], ofDays: number | undefined): Row[] {
  return rows.map((row) => {
    if (!(SEEN_DAYS_COLUMN in row)) return row;
    const { [SEEN_DAYS_COLUMN]: days, ...rest } = row;
    const n = typeof days === 'number' ? days : typeof days === 'string' && /^\d+$/.test(days) ? Number(days) : undefined;
    const seen = n === undefined ? cellText(days ?? null, 20) : n === 0 ? 'new today' : `${n}${ofDays === undefined ? '' : ` of ${ofDays}`} days`;
    return { ...rest, seen };
  });
}

function rowsTable(rows: readonly Row[], rowsLeftOut: number, location: string | undefined): string {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const more = rows.length - shown.length + rowsLeftOut;
  const columns = columnsOf(shown);
  if (columns.length === 0) return '';
  const numeric = (c: string) => shown.every((r) => typeof r[c] === 'number' || r[c] === null || r[c] === undefined);
  const head = columns.map((c) => `<th${numeric(c) ? ' class="num"' : ''}>${esc(safeLine(c, 40))}</th>`).join('');
  const body = shown.map((r) => `<tr>${columns.map((c) => `<td${numeric(c) ? ' class="num"' : ''}>${esc(cell(r[c]))}</td>`).join('')}</tr>`).join('');
  const tail =
    more > 0
      ? `<p class="more">${esc(plural(more, 'more row'))}${location === undefined ? ' in the CSV next to this page' : ` at <code>${esc(safeLine(location))}</code>`}.</p>`
      : '';
  return `<div class="scroll"><table class="rows"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${tail}`;
}

/** How the interfaces were looked up (and which were not found), above the findings. */
function lookupNote(report: Report): string {
  const note = lookupText(report);
  return note === '' ? '' : `<p class="lookup" data-interfaces="${report.interfaces?.error === undefined ? 'placed' : 'failed'}">${esc(safeLine(note, 600))}</p>`;
}

/** Where the interfaces and private addresses of the rows in the table live. */
function whereList(places: readonly InterfacePlace[] | undefined, rows: readonly Row[]): string {
  const shown = placesShownBy(places, rows.slice(0, MAX_TABLE_ROWS)) ?? [];
  if (shown.length === 0) return '';
  return `<div class="where"><h4>Where</h4>${placeItems(shown)}</div>`;
}

/** One item per place, in full: the value as the rows show it, then its instance, groups, subnet and VPC. */
function placeItems(places: readonly InterfacePlace[]): string {
  if (places.length === 0) return '';
  const shown = places.slice(0, MAX_TABLE_ROWS);
  const item = (p: InterfacePlace) =>
    `<li data-place="${esc(safeLine(p.key, 80))}"><code>${esc(safeLine(p.key === p.interfaceId ? p.key : `${p.key} on ${p.interfaceId}`, 120))}</code> ${esc(safeLine(placeText(p), 300))}</li>`;
  const more = places.length > shown.length ? `<li class="more">+${formatCount(places.length - shown.length)} more in report.json</li>` : '';
  return `<ul class="places">${shown.map(item).join('')}${more}</ul>`;
}

/** A chart label's place: Name and instance under the address, the whole place in the tooltip. */
function labelPlace(places: readonly InterfacePlace[] | undefined, key: string): LabelPlace | undefined {
  const place = placeOf(places, key);
  return place === undefined ? undefined : { short: safeLine(placeLabel(place), 80), full: safeLine(placeLine(place), 300) };
}

function cell(value: Cell | undefined): string {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 10_000 ? formatCount(value) : cellText(value, 80);
}

function chartsSection(report: Report): string {
  const hourly = hourlyPoints(report);
  const zone = report.window.timezone;
  const hourLabel = (epoch: number) => localTime(new Date(epoch * 1000).toISOString(), zone).slice(11, 16);
  const figure = (name: string, heading: string, body: string, legend: string, count: number) =>
    `<figure class="chart" data-chart="${name}" data-items="${count}"><figcaption><h3>${heading}</h3>${legend}</figcaption>${body}</figure>`;
  const noData = (what: string) => `<p class="none">${esc(what)}</p>`;
  const hourlyFigure = (key: 'rejected' | 'accepted', heading: string) => {
    const points = hourly?.map((p) => p[key]) ?? [];
    const days = hourly?.[0]?.baselineDays ?? 0;
    const legend = `<p class="legend"><span class="key line-${key}"></span>today <span class="key usual-${key}"></span>lowest to highest of the ${plural(days, 'baseline day')}, same hour</p>`;
    return figure(
      `hourly-${key}`,
      heading,
      points.length === 0 ? noData('No hourly data in this report.') : hourlyChart(points, { name: key, label: `${key} records`, hourLabel, formatValue: formatCount }),
      legend,
      points.length,
    );
  };
  const sources = digest(report, TOP_SOURCES_DIGEST);
  const ports = digest(report, TOP_PORTS_DIGEST);
  const egress = series(report, HOST_EGRESS_SERIES);
  const sourceBars = (sources?.rows ?? []).map((r) => ({
    label: text(r.sourceaddress),
    value: num(r.rejected),
    note: `${plural(num(r.ports), 'port')}, ${plural(num(r.destinations), 'host')}`,
    ...withPlace(labelPlace(sources?.places, text(r.sourceaddress))),
  }));
  const portBars = (ports?.rows ?? []).map((r) => ({
    label: `${text(r.destinationport)}/${PROTOCOLS[text(r.protocol)] ?? text(r.protocol)}`,
    value: num(r.rejected),
    note: plural(num(r.sources), 'source'),
  }));
  const egressRows = (egress?.rows ?? []).map((r) => ({
    label: text(r.sourceaddress),
    value: num(r.bytes),
    low: num(r.baseline_min_bytes),
    high: num(r.baseline_max_bytes),
    mean: typeof r.baseline_mean_bytes === 'number' ? r.baseline_mean_bytes : undefined,
    ...withPlace(labelPlace(egress?.places, text(r.sourceaddress))),
  }));
  return [
    '<section id="charts">',
    '<h2>Traffic</h2>',
    '<div class="grid2">',
    hourlyFigure('rejected', 'Rejected records per hour'),
    hourlyFigure('accepted', 'Accepted records per hour'),
    figure(
      'top-sources',
      'Top rejected sources',
      sourceBars.length === 0 ? noData('Nothing was rejected.') : barList('top-sources', sourceBars, formatCount),
      '<p class="legend">rejected records</p>',
      sourceBars.length,
    ),
    figure(
      'top-ports',
      'Top rejected ports',
      portBars.length === 0 ? noData('Nothing was rejected on a server port.') : barList('top-ports', portBars, formatCount),
      '<p class="legend">rejected records, client ports left out</p>',
      portBars.length,
    ),
    '</div>',
    figure(
      'host-egress',
      'Egress to the internet by private host',
      egressRows.length === 0 ? noData('No private host sent traffic to a public address.') : rangeRows('host-egress', egressRows, formatBytes),
      '<p class="legend"><span class="key today"></span>today <span class="key usual"></span>its lowest to highest baseline day <span class="key mean-mark"></span>its mean; each row to its own scale</p>',
      egressRows.length,
    ),
    '</section>',
  ].join('\n');
}

const withPlace = (place: LabelPlace | undefined): { place?: LabelPlace } => (place === undefined ? {} : { place });

export interface HourlyPoint {
  readonly hour: number;
  readonly baselineDays: number;
  readonly rejected: HourPoint;
  readonly accepted: HourPoint;
}

/**
 * Every hour of the window, in order, from the hourly series: an hour the query returned no row
 * for had no records and no baseline records, so it is drawn at zero rather than skipped.
 * Undefined when the report has no hourly series.
 */
export function hourlyPoints(report: Report): HourlyPoint[] | undefined {
  const rows = series(report, HOURLY_SERIES)?.rows;
  if (rows === undefined) return undefined;
  const byHour = new Map(rows.map((r) => [num(r.hour), r]));
  const startEpoch = Date.parse(report.window.start) / 1000;
  const endEpoch = Date.parse(report.window.end) / 1000;
  const points: HourlyPoint[] = [];
  for (let hour = startEpoch - (startEpoch % HOUR_SECONDS); hour < endEpoch; hour += HOUR_SECONDS) {
    const r = byHour.get(hour) ?? {};
    const baselineDays = num(r.baseline_days ?? rows[0]?.baseline_days);
    points.push({
      hour,
      baselineDays,
      rejected: { hour, value: num(r.rejected), low: num(r.baseline_rejected_min), high: num(r.baseline_rejected_max) },
      accepted: { hour, value: num(r.accepted), low: num(r.baseline_accepted_min), high: num(r.baseline_accepted_max) },
    });
  }
  return points;
}

function otherDigests(report: Report): string {
  const rest = report.digests.filter((d) => d.rule !== TOP_SOURCES_DIGEST && d.rule !== TOP_PORTS_DIGEST);
  if (rest.length === 0) return '';
  return [
    '<section id="digests">',
    '<h2>Digests</h2>',
    ...rest.map(
      (d) =>
        `<article class="digest" id="digest-${esc(anchor(d.rule))}"><h3>${esc(safeLine(d.title))}</h3>${rowsTable(withLocalTimes(d.rows, report.window.timezone), d.rowsLeftOut, d.resultsLocation) || '<p class="none">No rows.</p>'}${whereList(d.places, d.rows)}</article>`,
    ),
    '</section>',
  ].join('\n');
}

function queriesSection(report: Report): string {
  const rows = report.queries.map(
    (q) =>
      `<tr class="${q.status}" data-query="${esc(q.name)}"><td><code>${esc(safeLine(q.name))}</code>${q.error === undefined ? '' : `<div class="error">${esc(safeLine(q.error, 500))}</div>`}</td><td>${q.status === 'succeeded' ? 'ok' : '<span class="sev high">failed</span>'}</td><td class="num">${formatCount(q.rows)}</td><td class="num">${esc(formatBytes(q.bytesScanned))}</td><td class="num">${esc(formatUsd(q.costUsd))}</td><td class="num">${esc(formatDuration(q.durationMs))}</td></tr>`,
  );
  const failed = report.queries.filter((q) => q.status === 'failed').length;
  return [
    '<section id="queries">',
    `<h2>Queries <small>${plural(report.queries.length, 'query', 'queries')}${failed > 0 ? `, ${failed} failed` : ''}</small></h2>`,
    '<div class="scroll"><table class="queries">',
    '<thead><tr><th>Query</th><th>Status</th><th class="num">Rows</th><th class="num">Scanned</th><th class="num">Cost</th><th class="num">Time</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    `<tfoot><tr><th>Total</th><th></th><th></th><th class="num">${esc(formatBytes(report.bytesScanned))}</th><th class="num">${esc(formatUsd(report.costUsd))}</th><th></th></tr>${rawDayRow(report)}</tfoot>`,
    '</table></div>',
    '</section>',
  ].join('\n');
}

/** The bytes scanned over the raw day's compressed size, as a small note under the scanned total. */
function rawRatio(report: Report): string {
  const ratio = scannedToRaw(report);
  return ratio === undefined ? '' : ` <small data-raw-ratio="${ratio.toFixed(2)}">${ratio.toFixed(2)}x the raw logs</small>`;
}

function rawDayRow(report: Report): string {
  const ratio = scannedToRaw(report);
  if (ratio === undefined || report.rawDay === undefined) return '';
  return `<tr class="raw-day"><th>Raw logs of ${esc(report.rawDay.days.join(', '))} (${formatCount(report.rawDay.files)} files, compressed)</th><th></th><th></th><th class="num">${esc(formatBytes(report.rawDay.bytes))}</th><th class="num" colspan="2">scanned ${ratio.toFixed(2)}x that</th></tr>`;
}

function digest(report: Report, rule: string): Digest | undefined {
  return report.digests.find((d) => d.rule === rule);
}

function series(report: Report, rule: string): Series | undefined {
  return report.series?.find((s) => s.rule === rule);
}

function num(value: Cell | undefined): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : 0;
}

function text(value: Cell | undefined): string {
  return value === null || value === undefined ? 'NULL' : safeLine(String(value), 60);
}

/**
 * Facts a newer report model adds that this page does not render by name yet: shown as
 * `key: value`, so they are not lost. Scalars as they are; lists by their length.
 */
function extraFacts(object: Readonly<Record<string, unknown>>, known: ReadonlySet<string>): [string, string][] {
  const facts: [string, string][] = [];
  for (const [key, value] of Object.entries(object)) {
    if (known.has(key) || value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') facts.push([key, safeLine(String(value), 80)]);
    else if (Array.isArray(value)) facts.push([key, formatCount(value.length)]);
  }
  return facts;
}

/** `seenDays` and `new_or_ongoing` read as "seen days", "new or ongoing". */
function labelOf(key: string): string {
  return safeLine(
    key
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/[_-]+/g, ' ')
      .toLowerCase(),
    40,
  );
}

function anchor(rule: string): string {
  return rule.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** `2026-11-28 09:00` in the report's zone. */
function localTime(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return safeLine(iso, 40);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

const STYLE = `
:root{--bg:#f7f8fa;--panel:#fff;--fg:#1d2430;--muted:#5d6778;--line:#dde2ea;--grid:#e9edf2;--accent:#2563eb;--reject:#d9480f;--accept:#0f8a7e;--band:rgba(100,116,139,.22);--high:#c92a2a;--medium:#d97706;--low:#2f6fd0;--ok:#2b8a3e;--chip:#eef1f5;--new:#7c3aed}
@media (prefers-color-scheme:dark){:root{--bg:#0f141b;--panel:#171e28;--fg:#e6eaf0;--muted:#9aa5b5;--line:#2a3441;--grid:#222b37;--accent:#6ea8fe;--reject:#ff8a4c;--accept:#38d9c0;--band:rgba(148,163,184,.25);--high:#ff6b6b;--medium:#fcc419;--low:#74a9ff;--ok:#69db7c;--chip:#222b37;--new:#b197fc}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP",sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 40px}
header{margin-bottom:18px}
.kicker{margin:0;color:var(--muted);font-size:13px;letter-spacing:.04em;text-transform:uppercase}
h1{margin:2px 0 4px;font-size:30px;line-height:1.2}
h1 .zone{font-size:18px;color:var(--muted);font-weight:500}
h2{font-size:19px;margin:30px 0 12px}
h2 small{color:var(--muted);font-weight:400;font-size:14px}
h3{font-size:15px;margin:0 0 6px}
.window{margin:0;color:var(--muted)}
.verdict{margin:10px 0 0}
.ok{color:var(--ok);font-weight:600}
.where h4{margin:8px 0 2px;font-size:13px}.where ul{margin:0;padding-left:18px}.lookup{color:var(--muted);margin:8px 0}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.card span{display:block;color:var(--muted);font-size:13px}
.card strong{font-size:22px;font-variant-numeric:tabular-nums}
.card small{font-size:13px;color:var(--muted);font-weight:500}
.card.rejected strong{color:var(--reject)}
.card.accepted strong{color:var(--accept)}
.warnings{background:var(--panel);border:1px solid var(--medium);border-left-width:5px;border-radius:10px;padding:4px 16px;margin-top:16px}
.warnings h2{margin:10px 0 4px;font-size:16px}
.sev{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:#fff;background:var(--low)}
.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}.sev.low{background:var(--low)}
@media (prefers-color-scheme:dark){.sev{color:#0f141b}}
.chip{display:inline-block;background:var(--chip);border-radius:6px;padding:0 6px;font-size:12px;margin:1px 0}
.scroll{overflow-x:auto}
.badge{display:inline-block;border-radius:6px;padding:0 7px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid var(--line);color:var(--muted);background:var(--chip)}
.badge.new{background:color-mix(in srgb,var(--new) 14%,transparent);border-color:var(--new);color:var(--new)}
.badge.building{border-color:var(--medium);color:var(--medium);background:transparent}
.baseline{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;margin:0 0 10px}
.baseline p{margin:0;color:var(--muted);font-size:13px}
ol.days{display:flex;gap:4px;list-style:none;margin:0;padding:0}
ol.days li{display:flex;flex-direction:column;align-items:center;min-width:46px;padding:2px 4px;border-radius:6px;font-size:11px;line-height:1.3;border:1px solid var(--line)}
ol.days li span{color:var(--muted)}
ol.days li strong{font-size:12px;font-variant-numeric:tabular-nums}
ol.days li.complete{background:color-mix(in srgb,var(--ok) 16%,transparent);border-color:color-mix(in srgb,var(--ok) 45%,transparent)}
ol.days li.incomplete{border-style:dashed;border-color:var(--medium)}
ol.days li.incomplete strong{color:var(--medium)}
ul.building{list-style:none;margin:0 0 10px;padding:0;font-size:14px}
ul.building li{margin:2px 0}
table.suppressed small,.expired small{color:var(--muted)}
.expired{margin-top:10px;background:var(--panel);border:1px solid var(--medium);border-left-width:5px;border-radius:10px;padding:8px 14px;font-size:14px}
.expired ul{margin:4px 0 0;padding-left:18px}
.files{margin:6px 0 0;font-size:14px}
table{width:100%;border-collapse:collapse;background:var(--panel);border:1px solid var(--line);border-radius:10px;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:13px;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
table.rows{font-size:13px}
table.rows td{white-space:nowrap}
tr.failed td{background:color-mix(in srgb,var(--high) 8%,transparent)}
.error{color:var(--high);font-size:13px;white-space:pre-wrap;word-break:break-word}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
.finding{background:var(--panel);border:1px solid var(--line);border-left:5px solid var(--low);border-radius:10px;padding:12px 14px;margin-top:12px}
.finding.high{border-left-color:var(--high)}.finding.medium{border-left-color:var(--medium)}
.finding table{border:0}
.more,.none,.legend{color:var(--muted);font-size:13px;margin:6px 0 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px}
.chart{margin:0 0 14px;background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.chart figcaption{margin-bottom:6px}
svg.hourly{width:100%;height:auto;display:block}
svg .grid{stroke:var(--grid);stroke-width:1}
svg .axis{fill:var(--muted);font-size:13px;font-family:inherit}
svg .band{fill:var(--band)}
svg.rejected .band{fill:color-mix(in srgb,var(--reject) 22%,transparent)}svg.accepted .band{fill:color-mix(in srgb,var(--accept) 22%,transparent)}
svg .line{fill:none;stroke-width:2.2;stroke-linejoin:round}
svg.rejected .line{stroke:var(--reject)}svg.accepted .line{stroke:var(--accept)}
svg .point{stroke:var(--panel);stroke-width:1.2}
svg.rejected .point{fill:var(--reject)}svg.accepted .point{fill:var(--accept)}
svg .point.outside{stroke:var(--fg);stroke-width:1.5}
.key{display:inline-block;width:14px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:baseline}
.key:first-child{margin-left:0}
.key.line-rejected{background:var(--reject);height:3px}.key.line-accepted{background:var(--accept);height:3px}
.key.usual{background:var(--band)}.key.usual-rejected{background:color-mix(in srgb,var(--reject) 22%,transparent)}.key.usual-accepted{background:color-mix(in srgb,var(--accept) 22%,transparent)}.key.today{background:var(--accent)}.key.mean-mark{width:2px;background:var(--fg)}
ol.bars{list-style:none;margin:0;padding:0}
ol.bars li{display:grid;grid-template-columns:minmax(90px,140px) 1fr 13em;gap:10px;align-items:center;padding:3px 0;font-size:13px}
ol.bars .label{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
ol.bars .label .place{display:block;font-family:inherit;font-size:11px;color:var(--muted);overflow:hidden;text-overflow:ellipsis}
ul.places .more{color:var(--muted);list-style:none}
ol.bars .track{position:relative;height:14px;background:var(--grid);border-radius:3px;overflow:hidden}
ol.bars .bar{position:absolute;left:0;top:0;bottom:0;background:var(--reject);border-radius:3px}
ol.bars .value{font-variant-numeric:tabular-nums;white-space:nowrap}
ol.bars .note{color:var(--muted)}
ol.ranges li{grid-template-columns:minmax(90px,140px) 1fr 21em}
ol.ranges .value{white-space:normal}
ol.ranges .track{height:16px;background:transparent;border:1px solid var(--line)}
ol.ranges .band{position:absolute;top:0;bottom:0;background:var(--band)}
ol.ranges .bar{top:4px;bottom:4px;background:var(--accent);opacity:.9}
ol.ranges .mean{position:absolute;top:0;bottom:0;width:2px;margin-left:-1px;background:var(--fg);z-index:1}
ol.ranges .above-range .bar{background:var(--medium)}
.above{color:var(--medium);font-weight:700}
footer{margin-top:30px;color:var(--muted);font-size:12px}
@media (max-width:640px){
main{padding:16px 12px 28px}
h1{font-size:24px}
.grid2{grid-template-columns:1fr}
.chart{padding:10px}
ol.bars li,ol.ranges li{grid-template-columns:minmax(7em,1fr) auto;gap:2px 8px}
ol.bars .track{grid-column:1 / -1;grid-row:2}
th,td{padding:6px 7px}
ol.days li{min-width:0;flex:1}
}
@media print{
:root{--bg:#fff;--panel:#fff;--fg:#000;--muted:#444;--line:#bbb;--grid:#e5e5e5;--chip:#eee;--accent:#2563eb;--reject:#d9480f;--accept:#0f8a7e;--band:rgba(100,116,139,.22);--high:#c92a2a;--medium:#d97706;--low:#2f6fd0;--ok:#2b8a3e;--new:#7c3aed}
.sev{color:#fff}
.badge,.day{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-size:10pt}
.cards{grid-template-columns:repeat(6,1fr)}
.grid2{grid-template-columns:1fr 1fr}
ol.bars li,ol.ranges li{grid-template-columns:minmax(80px,120px) 1fr 12em}
ol.ranges li{grid-template-columns:minmax(80px,120px) 1fr 18em}
main{max-width:none;padding:0}
.chart,.finding,.card,table{break-inside:avoid}
.scroll{overflow:visible}
a{color:inherit}
.sev,.key,ol.bars .bar,ol.ranges .band,ol.ranges .mean{-webkit-print-color-adjust:exact;print-color-adjust:exact}
svg .band,svg .point,svg .line{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`.trim();
