/**
 * Small pure helpers shared by the report renderings (text, Slack, chat, subject): ordering,
 * number and byte formats, and making strings from logs safe to show.
 */
import type { Cell, Row } from '../ports.js';
import type { Finding, Report, Severity } from '../report/model.js';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** Findings high first, keeping the report's order within a severity. */
export function findingsBySeverity(report: Report): Finding[] {
  return [...report.findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

/** Severity counts for headlines and subjects, zero included so the line always reads the same. */
export function countBySeverity(report: Report): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const finding of report.findings) counts[finding.severity] += 1;
  return counts;
}

/** High-severity findings whose key matched on none of the baseline days: what the subject counts first. */
export function newHighCount(report: Report): number {
  return report.findings.filter((f) => f.severity === 'high' && f.newToday === true).length;
}

/** "new today" or "seen on 5 of the last 7 days"; empty when the rule does not tell. */
export function noveltyText(finding: Finding): string {
  if (finding.newToday === true) {
    const rows = finding.rows.length;
    return finding.newRows !== undefined && finding.newRows < rows ? `new today (${finding.newRows} of ${rows} new)` : 'new today';
  }
  if (finding.newToday === false && finding.seenDays !== undefined) return `seen on ${finding.seenDays} of the last ${finding.seenOfDays ?? finding.seenDays} days`;
  return '';
}

/** "3 suppressed, 1 expired suppression": empty when the report used no suppressions file or nothing applied. */
export function suppressionText(report: Report): string {
  const count = (report.suppressed ?? []).reduce((sum, s) => sum + s.count, 0);
  const expired = report.expiredSuppressions?.length ?? 0;
  return [count > 0 ? `${formatCount(count)} suppressed` : '', expired > 0 ? plural(expired, 'expired suppression') : ''].filter((t) => t !== '').join(', ');
}

/** Thousands separators: 18,233 reads at a glance where 18233 does not. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : String(value);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, as the AWS consoles show sizes; one decimal above bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${formatCount(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Athena costs are fractions of a cent per query: four decimals keep them visible. */
export function formatUsd(value: number): string {
  return `$${value.toFixed(4)}`;
}

/** Milliseconds for fast queries, seconds for the rest. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Control characters (terminal escapes, line breaks), bidirectional overrides and zero-width
 * characters: a string from a log must not move the cursor, reorder a line or hide text.
 */
// eslint-disable-next-line no-control-regex -- control characters are what gets removed
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** One visible line: unsafe characters become `?`, long values end with an ellipsis. */
export function safeLine(value: string, maxChars = Number.POSITIVE_INFINITY): string {
  return cut(value.replace(UNSAFE_CHARS, '?'), maxChars);
}

/** Cuts by code points (never half a surrogate pair) and ends with `…` when something was cut. */
export function cut(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const points = Array.from(value);
  if (points.length <= maxChars) return value;
  return `${points.slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}

/** A table cell: NULL visible, numbers without float noise, strings safe and short. */
export function cellText(cell: Cell | undefined, maxChars = 60): string {
  if (cell === null || cell === undefined) return 'NULL';
  return safeLine(typeof cell === 'number' ? formatCell(cell) : cell, maxChars);
}

function formatCell(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}

/** Column names in first-seen order across the rows (rows of one result share them). */
export function columnsOf(rows: readonly Row[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) names.add(key);
  return [...names];
}

/** Columns the saved queries fill with epoch seconds (flow-log start and end times). */
const TIME_COLUMNS = new Set(['first_start', 'last_end', 'hour', 'starttime', 'endtime']);

/**
 * Epoch-second time columns as wall-clock times in the report's zone (`2026-11-24 19:05:12`), so
 * a reader in Tokyo sees when it happened in Tokyo; JSON keeps the numbers for machines.
 */
export function withLocalTimes(rows: readonly Row[], timezone: string): Row[] {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, TIME_COLUMNS.has(name) && typeof cell === 'number' ? format.format(new Date(cell * 1000)) : cell])),
  );
}

/** The report as people read it: the rows of findings and digests with local times. */
export function withReportTimes(report: Report): Report {
  const zone = report.window.timezone;
  return {
    ...report,
    findings: report.findings.map((f) => ({ ...f, rows: withLocalTimes(f.rows, zone) })),
    digests: report.digests.map((d) => ({ ...d, rows: withLocalTimes(d.rows, zone) })),
  };
}

/**
 * A small aligned table (numbers right-aligned) of at most `maxRows` rows, with the rows not
 * shown counted (including those the engine already left out).
 */
export function smallTable(rows: readonly Row[], rowsLeftOut: number, maxRows: number, maxCellChars = 40): { lines: string[]; more: number } {
  const shown = rows.slice(0, maxRows);
  const more = rows.length - shown.length + rowsLeftOut;
  const columns = columnsOf(shown);
  if (columns.length === 0) return { lines: [], more };
  const header = columns.map((c) => safeLine(c, maxCellChars));
  const cells = shown.map((row) => columns.map((c) => cellText(row[c], maxCellChars)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map((c) => shown.every((row) => typeof row[c] === 'number' || row[c] === null || row[c] === undefined));
  const pad = (value: string, i: number) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0));
  const lines = [header.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map((r) => r.map(pad).join('  '))].map((line) => line.trimEnd());
  return { lines, more };
}

/** "1 finding", "3 findings": counts read as sentences in every channel. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Query runs that failed, so every channel can name them. */
export function failedQueries(report: Report) {
  return report.queries.filter((q) => q.status === 'failed');
}

/** Where a reader finds the full rows behind the report. */
export function consoleHint(report: Report): string {
  if (report.engine === 'athena') {
    return `Athena console > Query editor > Recent queries (database ${report.database}): open a query by its id to see every row, or download the CSV from its results location.`;
  }
  return 'Local engine (DuckDB): the full rows are at the results locations above, when shown; `flowlog-pilot report` runs the same queries again.';
}
