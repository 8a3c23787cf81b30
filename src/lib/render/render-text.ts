/**
 * The report as plain text: the e-mail body (SNS `email`/`default`) and what
 * `flowlog-pilot report` prints. Readable in a terminal: no markup, aligned tables, no control
 * characters from the data.
 */
import type { BaselineStatus, Digest, Finding, Report, SuppressedMatch } from '../report/model.js';
import { buildingText } from '../report/baseline.js';
import { scannedToRaw } from '../report/raw-day.js';
import { lookupText, placeLine, placesShownBy } from '../report/interfaces.js';
import {
  withReportTimes,
  consoleHint,
  countBySeverity,
  failedQueries,
  findingsBySeverity,
  formatBytes,
  formatCount,
  formatDuration,
  formatUsd,
  noveltyText,
  plural,
  suppressionText,
  safeLine,
  smallTable,
} from './present.js';

export interface TextOptions {
  /** Rows shown per finding or digest; the rest are counted as "+N more". */
  readonly maxRows?: number;
  /** Longest cell shown in a table. */
  readonly maxCellChars?: number;
}

export const DEFAULT_TEXT_MAX_ROWS = 10;

/** One text for e-mail and terminal, so what a user reads in the mail is what the CLI printed. */
export function renderText(given: Report, options: TextOptions = {}): string {
  const report = withReportTimes(given);
  const maxRows = options.maxRows ?? DEFAULT_TEXT_MAX_ROWS;
  const maxCellChars = options.maxCellChars ?? 40;
  const out: string[] = [];
  const severities = countBySeverity(report);
  const w = report.window;

  out.push(`flowlog-pilot daily report for ${safeLine(w.date)} (${safeLine(w.timezone)})`);
  out.push(`Window: ${safeLine(w.start)} to ${safeLine(w.end)}; partitions ${w.partitions.length === 0 ? 'none' : w.partitions.map((p) => safeLine(p)).join(', ')}`);
  if (w.rollupDays !== undefined && w.rawDays !== undefined) {
    out.push(`Read: ${plural(w.rollupDays.length, 'UTC day')} from the daily rollup, ${plural(w.rawDays.length, 'UTC day')} from the raw logs`);
  }
  out.push(`Table: ${safeLine(report.database)}.${safeLine(report.table)} on ${report.engine}; generated ${safeLine(report.generatedAt)}`);
  out.push(
    `Findings: ${formatCount(report.findings.length)} (${severities.high} high, ${severities.medium} medium, ${severities.low} low); ` +
      `records ${formatCount(report.totals.records)}, rejected ${formatCount(report.totals.rejected)}` +
      (suppressionText(report) === '' ? '' : `; ${suppressionText(report)}`),
  );
  if (report.files !== undefined) out.push(`Full report (${safeLine(report.files.main)}, S3 console): ${safeLine(report.files.mainUrl)}`);
  const failed = failedQueries(report);
  if (failed.length > 0) out.push(`ATTENTION: ${plural(failed.length, 'query', 'queries')} failed; this report is incomplete (see Queries).`);

  if (report.baseline !== undefined) out.push(baselineLine(report.baseline));
  if (lookupText(report) !== '') out.push(safeLine(lookupText(report), 500));

  out.push('', section('Findings'));
  if (report.findings.length === 0) out.push('No findings.');
  for (const held of report.building ?? []) out.push(`[BUILDING] ${safeLine(held.title, 200)}`, `  rule ${safeLine(held.rule)}; ${buildingText(held)}, not compared yet`, '');
  for (const finding of findingsBySeverity(report)) out.push(...findingText(finding, maxRows, maxCellChars), '');

  if ((report.suppressed?.length ?? 0) > 0 || (report.expiredSuppressions?.length ?? 0) > 0) {
    out.push(section('Suppressed'));
    for (const s of report.suppressed ?? []) {
      out.push(`${safeLine(s.rule)}: ${plural(s.count, 'match', 'matches')} silenced by entry ${s.entry} (${safeLine(s.reason, 200)}; until ${safeLine(s.expires)})`);
      out.push(...rowsText(s.rows, 0, undefined, maxRows, maxCellChars));
      out.push(...whereText(s, maxRows));
    }
    for (const e of report.expiredSuppressions ?? []) out.push(`Expired, no longer applied: entry ${e.entry} (${safeLine(e.reason, 200)}; expired ${safeLine(e.expires)})`);
    out.push('');
  }

  out.push(section('Digests'));
  if (report.digests.length === 0) out.push('No digests.');
  for (const digest of report.digests) out.push(...digestText(digest, maxRows, maxCellChars), '');

  out.push(section('Totals'));
  const t = report.totals;
  out.push(`Records  ${formatCount(t.records)}`, `Accepted ${formatCount(t.accepted)}`, `Rejected ${formatCount(t.rejected)}`, `Bytes    ${formatBytes(t.bytes)}`);

  out.push('', section('Queries'));
  out.push(...queriesText(report));
  if (failed.length > 0) {
    out.push('', 'Failed queries:');
    for (const q of failed) out.push(`  ${safeLine(q.name)}: ${safeLine(q.error ?? 'no error message', 500)}`);
  }

  if (report.warnings.length > 0) {
    out.push('', section('Warnings'));
    for (const warning of report.warnings) out.push(`- ${safeLine(warning, 500)}`);
  }

  out.push('', section('Where to look'));
  if (report.files !== undefined) {
    out.push(`Report files, CSVs included, in ${safeLine(report.files.location)} (S3 console, sign in to open): ${safeLine(report.files.folderUrl)}`);
  }
  out.push(consoleHint(report));
  return `${out.join('\n')}\n`;
}

/** Which baseline days count, and why the others do not (a partial first day, a gap). */
function baselineLine(status: BaselineStatus): string {
  const incomplete = status.days.filter((d) => !d.complete);
  const why = incomplete.map(
    (d) =>
      `${safeLine(d.date)} ${d.hours === 0 ? 'no records' : `${d.hours} h${d.firstRecordAfterSeconds !== undefined && d.firstRecordAfterSeconds > 1800 ? `, first record ${formatOffset(d.firstRecordAfterSeconds)} after midnight` : ''}`}`,
  );
  return `Baseline: ${status.completeDays} of ${status.days.length} earlier days complete (spike rules need ${status.requiredDays}; a day counts with records in ${status.minDayHours}+ hours from its first 30 minutes)${why.length === 0 ? '' : `; not counted: ${why.join('; ')}`}`;
}

function formatOffset(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

function section(title: string): string {
  return `== ${title} ==`;
}

function findingText(finding: Finding, maxRows: number, maxCellChars: number): string[] {
  const technique = finding.technique === undefined ? '' : `, ATT&CK ${safeLine(finding.technique)}`;
  const lines = [
    `[${finding.severity.toUpperCase()}] ${safeLine(finding.title, 200)}`,
    `  rule ${safeLine(finding.rule)}${technique}; ${plural(finding.count, 'match', 'matches')}${noveltyText(finding) === '' ? '' : `; ${noveltyText(finding)}`}`,
  ];
  lines.push(...rowsText(finding.rows, finding.rowsLeftOut, finding.resultsLocation, maxRows, maxCellChars));
  lines.push(...whereText(finding, maxRows));
  return lines;
}

function digestText(digest: Digest, maxRows: number, maxCellChars: number): string[] {
  return [
    `${safeLine(digest.title, 200)} (${safeLine(digest.rule)})`,
    ...rowsText(digest.rows, digest.rowsLeftOut, digest.resultsLocation, maxRows, maxCellChars),
    ...whereText(digest, maxRows),
  ];
}

/** Where the interfaces and private addresses of the rows shown live: one line each. */
function whereText(item: Finding | Digest | SuppressedMatch, maxRows: number): string[] {
  const places = placesShownBy(item.places, item.rows.slice(0, maxRows)) ?? [];
  return places.length === 0 ? [] : ['  Where:', ...places.map((p) => `    ${safeLine(placeLine(p), 300)}`)];
}

function rowsText(rows: Finding['rows'], rowsLeftOut: number, resultsLocation: string | undefined, maxRows: number, maxCellChars: number): string[] {
  const table = smallTable(rows, rowsLeftOut, maxRows, maxCellChars);
  const lines = table.lines.map((line) => `    ${line}`);
  if (table.more > 0) lines.push(`    +${formatCount(table.more)} more`);
  if (resultsLocation !== undefined) lines.push(`  Full result: ${safeLine(resultsLocation)}`);
  return lines;
}

function queriesText(report: Report): string[] {
  if (report.queries.length === 0) return ['No queries ran.'];
  const rows = report.queries.map((q) => ({
    query: q.name,
    status: q.status,
    rows: q.rows,
    scanned: formatBytes(q.bytesScanned),
    cost: formatUsd(q.costUsd),
    duration: formatDuration(q.durationMs),
    id: q.queryId ?? '',
  }));
  const table = smallTable(rows, 0, rows.length, 60);
  const ratio = scannedToRaw(report);
  const raw =
    ratio === undefined || report.rawDay === undefined
      ? ''
      : `; raw logs of ${report.rawDay.days.join(', ')} ${formatBytes(report.rawDay.bytes)} compressed (${report.rawDay.files} files): scanned ${ratio.toFixed(2)}x that`;
  return [...table.lines.map((l) => `  ${l}`), `  Total scanned ${formatBytes(report.bytesScanned)}, cost ${formatUsd(report.costUsd)}${raw}`];
}
