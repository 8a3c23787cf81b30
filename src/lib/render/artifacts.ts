/**
 * The files a report run leaves behind, as one list: the command line's `report --out DIR`
 * writes them to a folder, the report Lambda to the results bucket. Each is named, typed and
 * rendered here, so both places write the same files.
 */
import type { Row } from '../ports.js';
import { withIsoColumns, withIsoTimes } from './iso-times.js';
import { toCsv } from './result-formats.js';
import type { Report } from '../report/model.js';
import { renderHtml } from './render-html.js';
import { canonicalReport } from './render-json.js';
import { renderText } from './render-text.js';

export interface ReportArtifact {
  /** File name, also the last part of the S3 key. */
  readonly name: string;
  /** Content-Type, so a browser opening it from S3 shows it rather than downloading it. */
  readonly contentType: string;
  readonly body: string;
}

export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
export const CSV_TYPE = 'text/csv; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

/** Version of the layout of report.json and --format json; raised when a key changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 1;

/**
 * report.txt, report.json, report.html, totals.csv and `<rule>.csv` for every finding, digest and
 * chart series; a query that succeeded with nothing to show still gets its file, header included,
 * so every query that ran has one (statements with no result columns, the rollup builds, have none).
 */
export function reportArtifacts(report: Report): ReportArtifact[] {
  const columnsOf = (name: string) => report.queries.find((q) => q.name === name)?.columns;
  const files: ReportArtifact[] = [
    { name: 'report.txt', contentType: TEXT_TYPE, body: renderText(report) },
    { name: 'report.json', contentType: JSON_TYPE, body: reportFileJson(report) },
    { name: 'report.html', contentType: HTML_TYPE, body: renderHtml(report) },
    csv('totals.csv', [report.totals as unknown as Row], Object.keys(report.totals)),
    ...report.findings.map((f) => csv(`${f.rule}.csv`, f.rows, columnsOf(f.rule))),
    ...report.digests.map((d) => csv(`${d.rule}.csv`, d.rows, columnsOf(d.rule))),
    ...(report.series ?? []).map((s) => csv(`${s.rule}.csv`, s.rows, columnsOf(s.rule))),
  ];
  for (const q of report.queries) {
    if (q.status === 'succeeded' && q.columns !== undefined && q.columns.length > 0 && !files.some((f) => f.name === `${q.name}.csv`)) files.push(csv(`${q.name}.csv`, [], q.columns));
  }
  return files;
}

/** report.json and --format json: the report with its schema version first and ISO 8601 times beside epoch seconds. */
export function reportFileJson(report: Report): string {
  const canonical = canonicalReport(report);
  return `${JSON.stringify(
    {
      schemaVersion: REPORT_SCHEMA_VERSION,
      ...canonical,
      findings: canonical.findings.map((f) => ({ ...f, rows: f.rows.map(withIsoTimes) })),
      digests: canonical.digests.map((d) => ({ ...d, rows: d.rows.map(withIsoTimes) })),
    },
    null,
    2,
  )}\n`;
}

/** The artifact a reader should open first: the HTML page when there is one, else the text. */
export function mainArtifact(artifacts: readonly ReportArtifact[]): ReportArtifact | undefined {
  return artifacts.find((a) => a.contentType === HTML_TYPE) ?? artifacts.find((a) => a.name === 'report.txt') ?? artifacts[0];
}

/** A CSV with its header line always (from the result's columns, else the first row's keys) and ISO times beside epoch seconds. */
function csv(name: string, rows: readonly Row[], columns: readonly string[] | undefined): ReportArtifact {
  const names = withIsoColumns(columns ?? Object.keys(rows[0] ?? {}));
  return { name, contentType: CSV_TYPE, body: toCsv(names.map((column) => ({ name: column, type: 'varchar' })), rows.map(withIsoTimes)) };
}
