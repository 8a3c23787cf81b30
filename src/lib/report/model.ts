/**
 * The one Report object a report run produces; every rendering (text, JSON, Slack, SNS) is a
 * pure function of it.
 */
import type { Row } from '../rows.js';

export type Severity = 'high' | 'medium' | 'low';

export interface ReportWindow {
  /** The report's calendar day in its time zone, YYYY-MM-DD. */
  readonly date: string;
  /** ISO 8601 instants, start inclusive, end exclusive. */
  readonly start: string;
  readonly end: string;
  readonly timezone: string;
  /** The `dt` partition values read (YYYY/MM/DD). */
  readonly partitions: readonly string[];
  /** UTC days (YYYY-MM-DD) of the window and its baseline served from the stored daily rollup. */
  readonly rollupDays?: readonly string[];
  /** UTC days read from the raw logs: not complete yet when the report ran. */
  readonly rawDays?: readonly string[];
}

export interface Totals {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
}

/** A detection that matched: what happened, how bad, and the rows that show it. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  /** MITRE ATT&CK technique id, e.g. T1046. */
  readonly technique?: string;
  readonly count: number;
  readonly rows: readonly Row[];
  /** Rows not shown here; the full result is at `resultsLocation`. */
  readonly rowsLeftOut: number;
  readonly resultsLocation?: string;
}

/** A digest: a top-N list included every day whether or not anything is wrong. */
export interface Digest {
  readonly rule: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly rowsLeftOut: number;
  readonly resultsLocation?: string;
}

export interface QueryRun {
  readonly name: string;
  readonly status: 'succeeded' | 'failed';
  readonly rows: number;
  readonly bytesScanned: number;
  readonly costUsd: number;
  readonly durationMs: number;
  readonly queryId?: string;
  readonly outputLocation?: string;
  readonly error?: string;
}

export interface Report {
  readonly tool: 'flowlog-pilot';
  readonly engine: 'athena' | 'local';
  readonly database: string;
  readonly table: string;
  readonly generatedAt: string;
  readonly window: ReportWindow;
  readonly totals: Totals;
  readonly findings: readonly Finding[];
  readonly digests: readonly Digest[];
  readonly queries: readonly QueryRun[];
  readonly bytesScanned: number;
  readonly costUsd: number;
  /** Things that did not stop the report but that a reader should know (a skipped corrupt file). */
  readonly warnings: readonly string[];
}
