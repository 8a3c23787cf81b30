import { asError } from '../errors.js';
import { describeError } from '../answers.js';
import type { UtcDay } from '../dates.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { PartitionCatalog, QueryEngine } from '../ports.js';
import { buildReport, DEFAULT_MAX_ROWS_PER_QUERY, type QueryOutcome } from '../report/build-report.js';
import type { Report } from '../report/model.js';
import { flowsRelation } from '../report/relations.js';
import { queryValues, type ReportConfig } from '../report/report-config.js';
import { loadSavedQueries, type SavedQuery, type SavedQueryCatalog } from '../report/saved-queries.js';
import { reportWindow } from '../report/window.js';
import { mapBounded } from '../concurrency.js';
import { ensurePartitions, requestToken } from './ensure-partitions.js';

/** Queries in flight at once: a fifth of Athena's default 20 active DML queries, leaving room for other work. */
export const DEFAULT_REPORT_CONCURRENCY = 4;

export interface RunReportDeps {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  readonly database: string;
  readonly table: string;
  readonly config: ReportConfig;
  readonly now: () => Date;
  /** The saved report queries; all of src/queries/reports by default. */
  readonly queries?: SavedQueryCatalog;
  readonly concurrency?: number;
  readonly maxRowsPerQuery?: number;
}

export interface RunReportRequest {
  /** The report's calendar day in its time zone, YYYY-MM-DD. */
  readonly date: string;
  /** Overrides the configured time zone (the CLI's --tz). */
  readonly timezone?: string;
  /** Identifies this run across retries (the Lambda request id), so a retry starts no new queries. */
  readonly requestId?: string;
  readonly deadlineMs?: number;
}

/**
 * Runs every saved report query for one day and builds the Report. The partitions of the day and
 * of its baseline days are made to exist first (a missed partition run would otherwise give a
 * quiet report); one failing query is listed in the report and does not stop the others.
 */
export async function runReport(deps: RunReportDeps, request: RunReportRequest): Promise<Report> {
  const window = reportWindow(request.date, request.timezone ?? deps.config.timezone);
  const saved = deps.queries ?? loadSavedQueries();
  const days = [...window.baseline.utcDays, ...window.utcDays].sort();
  const ensured = await ensurePartitions(
    { catalog: deps.catalog, engine: deps.engine, database: deps.database, table: deps.table, layout: deps.layout },
    { range: { from: days[0] as UtcDay, to: days[days.length - 1] as UtcDay }, requestId: request.requestId, deadlineMs: request.deadlineMs },
  );
  const context = {
    flows: flowsRelation(deps.database, deps.table, window),
    baselineFlows: flowsRelation(deps.database, deps.table, window.baseline),
    windowStartEpoch: window.startEpoch,
    windowEndEpoch: window.endEpoch,
    values: queryValues(deps.config.thresholds),
  };
  const maxRows = deps.maxRowsPerQuery ?? DEFAULT_MAX_ROWS_PER_QUERY;
  const runOne = async (query: SavedQuery): Promise<QueryOutcome> => {
    const startedMs = Date.now();
    try {
      const sql = saved.render(query.name, context);
      const result = await deps.engine.execute(sql, {
        label: query.name,
        maxRows,
        deadlineMs: request.deadlineMs,
        requestToken: request.requestId === undefined ? undefined : requestToken(request.requestId, sql),
      });
      return { query, status: 'succeeded', result };
    } catch (error) {
      return { query, status: 'failed', error: describeError(asError(error)), durationMs: Date.now() - startedMs };
    }
  };
  const outcomes = await mapBounded(saved.list(), deps.concurrency ?? DEFAULT_REPORT_CONCURRENCY, runOne);
  const added = ensured.added.length;
  return buildReport({
    engine: deps.engine.kind,
    database: deps.database,
    table: deps.table,
    generatedAt: deps.now(),
    window,
    outcomes,
    pricePerTbUsd: deps.config.pricePerTbUsd,
    maxRowsPerQuery: maxRows,
    warnings: added > 0 ? [`${added} missing partition${added === 1 ? ' was' : 's were'} added before the report ran`] : [],
  });
}
