/**
 * The files a report run leaves behind, as one list: the command line's `report --out DIR`
 * writes them to a folder, the report Lambda to the results bucket. Each is named, typed and
 * rendered here, so both places write the same files.
 */
import type { Row } from '../ports.js';
import { withIsoColumns, withIsoTimes } from './iso-times.js';
import { toCsv } from './result-formats.js';
import type { InterfacePlace, Report } from '../report/model.js';
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
    ...whereCsv(report),
  ];
  for (const q of report.queries) {
    if (q.status === 'succeeded' && q.columns !== undefined && q.columns.length > 0 && !files.some((f) => f.name === `${q.name}.csv`))
      files.push(csv(`${q.name}.csv`, [], q.columns));
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

const WHERE_COLUMNS = ['key', 'interface_id', 'instance_id', 'name', 'security_groups', 'subnet_id', 'vpc_id', 'interface_type', 'description'];

/**
 * where.csv: every interface id and private address the other files name, once, with where it
 * lives, so a spreadsheet of a rule's CSV can look each one up; none when nothing was placed.
 */
function whereCsv(report: Report): ReportArtifact[] {
  const byKey = new Map<string, InterfacePlace>();
  for (const item of [...report.findings, ...report.digests, ...(report.suppressed ?? []), ...(report.series ?? [])])
    for (const p of item.places ?? []) if (!byKey.has(p.key)) byKey.set(p.key, p);
  if (byKey.size === 0) return [];
  const rows = [...byKey.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((p) => ({
      key: p.key,
      interface_id: p.interfaceId,
      instance_id: p.instanceId ?? null,
      name: p.name ?? null,
      security_groups: p.securityGroups.map((g) => (g.name === '' ? g.id : `${g.id} ${g.name}`)).join('; '),
      subnet_id: p.subnetId ?? null,
      vpc_id: p.vpcId ?? null,
      interface_type: p.interfaceType ?? null,
      description: p.description ?? null,
    }));
  return [
    {
      name: 'where.csv',
      contentType: CSV_TYPE,
      body: toCsv(
        WHERE_COLUMNS.map((name) => ({ name, type: 'varchar' })),
        rows,
      ),
    },
  ];
}

/** A CSV with its header line always (from the result's columns, else the first row's keys) and ISO times beside epoch seconds. */
function csv(name: string, rows: readonly Row[], columns: readonly string[] | undefined): ReportArtifact {
  const names = withIsoColumns(columns ?? Object.keys(rows[0] ?? {}));
  return {
    name,
    contentType: CSV_TYPE,
    body: toCsv(
      names.map((column) => ({ name: column, type: 'varchar' })),
      rows.map(withIsoTimes),
    ),
  };
}
