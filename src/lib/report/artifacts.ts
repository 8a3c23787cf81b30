/**
 * The files a report run leaves behind, as one list: the command line's `report --out DIR`
 * writes them to a folder, the report Lambda to the results bucket. Each is named, typed and
 * rendered here, so both places write the same files.
 */
import type { Row } from '../ports.js';
import { toCsv } from '../render/result-formats.js';
import type { Report } from './model.js';
import { renderJson } from './render-json.js';
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

/**
 * report.txt, report.json, totals.csv and `<rule>.csv` for every query that returned rows to the
 * report; a query that succeeded with nothing to show still gets its (empty) file, so every query
 * that ran has one.
 */
export function reportArtifacts(report: Report): ReportArtifact[] {
  const files: ReportArtifact[] = [
    { name: 'report.txt', contentType: TEXT_TYPE, body: renderText(report) },
    { name: 'report.json', contentType: JSON_TYPE, body: renderJson(report) },
    csv('totals.csv', [report.totals as unknown as Row]),
    ...report.findings.map((f) => csv(`${f.rule}.csv`, f.rows)),
    ...report.digests.map((d) => csv(`${d.rule}.csv`, d.rows)),
  ];
  for (const q of report.queries) {
    if (q.status === 'succeeded' && !files.some((f) => f.name === `${q.name}.csv`)) files.push({ name: `${q.name}.csv`, contentType: CSV_TYPE, body: '' });
  }
  return files;
}

/** The artifact a reader should open first: the HTML page when there is one, else the text. */
export function mainArtifact(artifacts: readonly ReportArtifact[]): ReportArtifact | undefined {
  return artifacts.find((a) => a.contentType === HTML_TYPE) ?? artifacts.find((a) => a.name === 'report.txt') ?? artifacts[0];
}

function csv(name: string, rows: readonly Row[]): ReportArtifact {
  const first = rows[0];
  const body = first === undefined ? '' : toCsv(Object.keys(first).map((column) => ({ name: column, type: typeof first[column] === 'number' ? 'bigint' : 'varchar' })), rows);
  return { name, contentType: CSV_TYPE, body };
}
