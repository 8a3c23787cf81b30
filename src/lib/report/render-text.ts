/**
 * The report as plain text: the e-mail body (SNS `email`/`default`) and what
 * `flowlog-pilot report` prints. Readable in a terminal: no markup, aligned tables, no control
 * characters from the data.
 */
import type { Digest, Finding, Report } from './model.js';
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
  plural,
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
      `records ${formatCount(report.totals.records)}, rejected ${formatCount(report.totals.rejected)}`,
  );
  if (report.files !== undefined) out.push(`Full report (${safeLine(report.files.main)}, S3 console): ${safeLine(report.files.mainUrl)}`);
  const failed = failedQueries(report);
  if (failed.length > 0) out.push(`ATTENTION: ${plural(failed.length, 'query', 'queries')} failed; this report is incomplete (see Queries).`);

  out.push('', section('Findings'));
  if (report.findings.length === 0) out.push('No findings.');
  for (const finding of findingsBySeverity(report)) out.push(...findingText(finding, maxRows, maxCellChars), '');

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

function section(title: string): string {
  return `== ${title} ==`;
}

function findingText(finding: Finding, maxRows: number, maxCellChars: number): string[] {
  const technique = finding.technique === undefined ? '' : `, ATT&CK ${safeLine(finding.technique)}`;
  const lines = [
    `[${finding.severity.toUpperCase()}] ${safeLine(finding.title, 200)}`,
    `  rule ${safeLine(finding.rule)}${technique}; ${plural(finding.count, 'match', 'matches')}`,
  ];
  lines.push(...rowsText(finding.rows, finding.rowsLeftOut, finding.resultsLocation, maxRows, maxCellChars));
  return lines;
}

function digestText(digest: Digest, maxRows: number, maxCellChars: number): string[] {
  return [`${safeLine(digest.title, 200)} (${safeLine(digest.rule)})`, ...rowsText(digest.rows, digest.rowsLeftOut, digest.resultsLocation, maxRows, maxCellChars)];
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
  return [...table.lines.map((l) => `  ${l}`), `  Total scanned ${formatBytes(report.bytesScanned)}, cost ${formatUsd(report.costUsd)}`];
}
