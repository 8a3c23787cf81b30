import { asError } from '../errors.js';
import { describeError } from '../answers.js';
import type { UtcDay } from '../dates.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { ObjectStore, PartitionCatalog, QueryEngine, RollupLedger, SourceFile } from '../ports.js';
import { describeDrift, describeStoredSkipped } from '../rollup/drift.js';
import type { TableShape } from '../flowlog/raw-table.js';
import { buildReport, DEFAULT_MAX_ROWS_PER_QUERY, type QueryOutcome } from '../report/build-report.js';
import type { Report } from '../report/model.js';
import type { QueryRun } from '../report/model.js';
import { flowsRelation, pathTable, servedFlowsRelation } from '../report/relations.js';
import { DEFAULT_ROLLUP_SETTLE_MINUTES } from '../config.js';
import { queryCostUsd } from '../report/build-report.js';
import { splitSpan } from '../rollup/plan.js';
import { queryValues, type ReportConfig } from '../report/report-config.js';
import { loadSavedQueries, SavedQueryCatalog, type SavedQuery } from '../report/saved-queries.js';
import { reportWindow } from '../report/window.js';
import { baselineDaysQuery, baselineDaysRelation, baselineStatus } from '../report/baseline.js';
import type { BaselineStatus } from '../report/model.js';
import type { Suppression } from '../report/suppressions.js';
import { watchlistRelation, type WatchlistEntry } from '../report/watchlist.js';
import { mapBounded } from '../concurrency.js';
import { ensurePartitions, requestToken } from './ensure-partitions.js';
import { ensureRollups, type EnsureRollupsResult, type RollupStatementRun } from './ensure-rollups.js';
import { buildsTableOf } from '../rollup/statements.js';
import { rawDaySize } from '../report/raw-day.js';
import type { RawDaySize } from '../report/model.js';
import { dropStagedRows, lateFoldersToStage, stageEarlyRows, type StageEarlyRowsDeps, type StagingRun } from './stage-early-rows.js';
import { rollupsDeps } from './context-deps.js';

/** Queries in flight at once: a fifth of Athena's default 20 active DML queries, leaving room for other work. */
export const DEFAULT_REPORT_CONCURRENCY = 4;

export interface RunReportDeps {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  readonly database: string;
  readonly table: string;
  /** How the raw table names its columns; the walkthrough's names when absent. */
  readonly shape?: TableShape;
  readonly config: ReportConfig;
  readonly now: () => Date;
  /** The saved report queries; all of src/queries/reports by default. */
  readonly queries?: SavedQueryCatalog;
  readonly concurrency?: number;
  readonly maxRowsPerQuery?: number;
  /** The stored daily rollup; without it every query reads the raw table. */
  readonly rollup?: ReportRollup;
  /** Known traffic to silence (parsed from a suppressions file); applied to the findings' rows. */
  readonly suppressions?: readonly Suppression[];
  /** CIDR blocks with labels for the watchlist rule; without them the rules reading `{{watchlist}}` do not run. */
  readonly watchlist?: readonly WatchlistEntry[];
  /** Things learnt before the report ran that its readers must see (a list that could not be read). */
  readonly warnings?: readonly string[];
}

export interface ReportRollup {
  readonly table: string;
  /** The rollup table's partitions (Glue, or the local state). */
  readonly catalog: PartitionCatalog;
  readonly settleMinutes: number;
  /** The workgroup's bytes-scanned cutoff per query (bytes), which builds are sized under. */
  readonly maxBytesPerQuery?: number;
  /** At most this many days per build statement (FlowlogContext.rollupDaysPerBuild). */
  readonly maxDaysPerBuild?: number;
  /** Each day's source files and skipped reads, kept beside the rollup (the local state, or S3); see EnsureRollupsDeps.ledger. */
  readonly ledger?: RollupLedger;
  /** Deletes the folders of failed or replaced builds (S3 on AWS); without it they stay. */
  readonly objectStore?: ObjectStore;
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
 * Records count in the day they started: the window also takes the late records of its last
 * minutes from the next folder (its rollup rows, or only its early files before those exist).
 * With a rollup, the complete UTC days are built into it first if missing (each day's raw logs
 * are read once, ever) and every query reads them from there; only days not complete yet are
 * read from the raw table.
 */
export async function runReport(deps: RunReportDeps, request: RunReportRequest): Promise<Report> {
  const window = reportWindow(request.date, request.timezone ?? deps.config.timezone, deps.rollup?.settleMinutes ?? DEFAULT_ROLLUP_SETTLE_MINUTES);
  const catalog = deps.queries ?? loadSavedQueries();
  const watchlist = deps.watchlist === undefined || deps.watchlist.length === 0 ? undefined : watchlistRelation(deps.watchlist);
  const saved = runnable(catalog, watchlist !== undefined);
  const days = [...window.baseline.utcDays, ...window.utcDays].sort();
  // The report's dependencies carry the raw table's catalog, names and layout: all ensurePartitions needs.
  const ensured = await ensurePartitions(deps, {
    range: { from: days[0] as UtcDay, to: days[days.length - 1] as UtcDay },
    requestId: request.requestId,
    deadlineMs: request.deadlineMs,
  });
  const rollups =
    deps.rollup === undefined ? undefined : await ensureRollups(rollupsDeps(deps, deps.rollup, deps.now), { days, requestId: request.requestId, deadlineMs: request.deadlineMs });
  // The next folder's early files, when its rollup is not there yet, are read once into staged rows that every query reads.
  const stagingDeps: StageEarlyRowsDeps | undefined =
    deps.rollup === undefined
      ? undefined
      : {
          engine: deps.engine,
          rollupCatalog: deps.rollup.catalog,
          layout: deps.layout,
          database: deps.database,
          table: deps.table,
          rollupTable: deps.rollup.table,
          ...(deps.shape === undefined ? {} : { shape: deps.shape }),
          now: deps.now,
          ...(deps.rollup.objectStore === undefined ? {} : { objectStore: deps.rollup.objectStore }),
          ...(deps.rollup.ledger === undefined ? {} : { ledger: deps.rollup.ledger }),
        };
  const lates = rollups === undefined ? [] : lateFoldersToStage([window.baseline, window], rollups.rollupDays);
  const staging =
    stagingDeps === undefined || lates.length === 0 ? undefined : await stageEarlyRows(stagingDeps, { lates, requestId: request.requestId, deadlineMs: request.deadlineMs });
  const relation = (span: typeof window | typeof window.baseline) => {
    // The late folder's early files are picked by "$path", which the local engine shows on a view of its own.
    const table = span.late === undefined ? deps.table : pathTable(deps.engine.kind, deps.table);
    if (deps.rollup === undefined || rollups === undefined) return flowsRelation(deps.database, table, span, deps.shape);
    const split = splitSpan(span, rollups.rollupDays);
    const staged = staging?.staged.find((s) => s.late.dt === split.rawLate?.dt && s.late.deliveredBy === split.rawLate.deliveredBy);
    const tables = { database: deps.database, table, rollupTable: deps.rollup.table, buildsTable: buildsTableOf(deps.rollup.table), shape: deps.shape };
    return servedFlowsRelation(tables, span, staged === undefined ? split : { rollup: split.rollup, raw: split.raw, stagedLate: staged });
  };
  const baselineFlows = relation(window.baseline);
  const baselineInput = {
    baselineFlows,
    windowStartEpoch: window.startEpoch,
    baselineStartEpoch: window.baseline.startEpoch,
    minDayHours: deps.config.thresholds.baselineMinDayHours,
  };
  const context = {
    flows: relation(window),
    baselineFlows,
    baselineDays: baselineDaysRelation(baselineInput),
    windowStartEpoch: window.startEpoch,
    windowEndEpoch: window.endEpoch,
    values: queryValues(deps.config.thresholds),
    ...(watchlist === undefined ? {} : { watchlist }),
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
  let outcomes: QueryOutcome[];
  let maturity: Awaited<ReturnType<typeof learnBaseline>> | undefined;
  let dropped: { runs: StagingRun[]; warnings: string[] } | undefined;
  try {
    outcomes = await mapBounded(saved.list(), deps.concurrency ?? DEFAULT_REPORT_CONCURRENCY, runOne);
    maturity = saved.list().some((q) => q.needsMatureBaseline) ? await learnBaseline(deps, request, baselineDaysQuery(baselineInput), window.baseline.days) : undefined;
  } finally {
    // Rows kept in the ledger stay for the folder's own build, which reuses them; the others serve
    // this report only and are dropped once its queries are done (a stopped report's expire, see the README).
    const dropping = staging?.staged.filter((s) => s.kept !== true) ?? [];
    if (stagingDeps !== undefined && dropping.length > 0) {
      dropped = await dropStagedRows(stagingDeps, { requestId: request.requestId, deadlineMs: request.deadlineMs }, dropping);
    }
  }
  const rawDay =
    deps.rollup?.ledger === undefined
      ? undefined
      : await rawDayOf(
          deps.rollup.ledger,
          window.utcDays.filter((day) => day !== window.late?.utcDay),
          rollups?.listed,
        );
  const added = ensured.added.length;
  const served = rollups === undefined ? undefined : servedDays(window, rollups);
  return buildReport({
    engine: deps.engine.kind,
    database: deps.database,
    table: deps.table,
    generatedAt: deps.now(),
    window: { ...window, partitions: [...window.partitions, ...(window.late === undefined ? [] : [window.late.dt])], ...(served ?? {}) },
    outcomes,
    preparation: [
      ...(rollups?.statements ?? []).map((run) => preparationRun(deps.engine.kind, run, deps.config.pricePerTbUsd)),
      ...(staging?.runs ?? []).map((run) => stagingRun(deps.engine.kind, run, deps.config.pricePerTbUsd)),
      ...(maturity === undefined ? [] : [maturity.run]),
      ...(dropped?.runs ?? []).map((run) => stagingRun(deps.engine.kind, run, deps.config.pricePerTbUsd)),
    ],
    ...(maturity?.status === undefined ? {} : { baseline: maturity.status }),
    ...(deps.suppressions === undefined ? {} : { suppressions: deps.suppressions }),
    pricePerTbUsd: deps.config.pricePerTbUsd,
    maxRowsPerQuery: maxRows,
    ...(rawDay === undefined ? {} : { rawDay }),
    warnings: [
      ...(deps.warnings ?? []),
      ...(added > 0 ? [`${added} missing partition${added === 1 ? ' was' : 's were'} added before the report ran`] : []),
      ...(maturity !== undefined && maturity.status === undefined
        ? [`the baseline-days query failed (${maturity.run.error ?? 'no error message'}); whether the baseline is complete is not known`]
        : []),
      ...(rollups !== undefined && rollups.failedDays.length > 0
        ? [`the rollup of ${rollups.failedDays.join(', ')} could not be built; those days were read from the raw logs`]
        : []),
      ...(rollups?.cleanupWarnings ?? []),
      ...(rollups !== undefined && rollups.leftDays.length > 0
        ? [`the rollup of ${rollups.leftDays.join(', ')} was left for a later run (time or bytes-scanned cutoff); those days were read from the raw logs`]
        : []),
      ...(rollups === undefined ? [] : rollupWarnings(rollups, served?.rollupDays ?? [])),
      ...(staging?.warnings ?? []),
      ...(staging?.runs ?? []).flatMap((run) => run.warnings ?? []),
      ...(dropped?.warnings ?? []),
    ],
  });
}

/** The catalogue's queries this run can render: those reading `{{watchlist}}` only with a watchlist. */
export function runnable(catalog: SavedQueryCatalog, hasWatchlist: boolean): SavedQueryCatalog {
  if (hasWatchlist || !catalog.list().some((q) => q.usesWatchlist)) return catalog;
  return new SavedQueryCatalog(catalog.list().filter((q) => !q.usesWatchlist));
}

/**
 * Runs the baseline-days query once: how many of the days before the report day are complete.
 * A failure leaves the status unknown (the spike rules still apply the same rule in their own SQL).
 */
async function learnBaseline(deps: RunReportDeps, request: RunReportRequest, sql: string, dates: readonly string[]): Promise<{ run: QueryRun; status?: BaselineStatus }> {
  const startedMs = Date.now();
  const label = 'baseline-days';
  try {
    const result = await deps.engine.execute(sql, {
      label,
      maxRows: dates.length + 1,
      deadlineMs: request.deadlineMs,
      requestToken: request.requestId === undefined ? undefined : requestToken(request.requestId, sql),
    });
    const status = baselineStatus(result.rows, dates, deps.config.thresholds.minBaselineDays, deps.config.thresholds.baselineMinDayHours);
    return {
      status,
      run: {
        name: label,
        status: 'succeeded',
        rows: result.rows.length,
        bytesScanned: result.bytesScanned,
        costUsd: queryCostUsd(deps.engine.kind, result.bytesScanned, deps.config.pricePerTbUsd),
        durationMs: result.durationMs,
        ...(result.queryId === undefined ? {} : { queryId: result.queryId }),
      },
    };
  } catch (error) {
    return { run: { name: label, status: 'failed', rows: 0, bytesScanned: 0, costUsd: 0, durationMs: Date.now() - startedMs, error: describeError(asError(error)) } };
  }
}

/**
 * What the report should say about the rollup days it read: days built again because their files
 * changed (or kept though their files are gone), and the files and lines their builds skipped,
 * stored with each day so every later report of it says so too.
 */
function rollupWarnings(rollups: EnsureRollupsResult, readDays: readonly string[]): string[] {
  const read = new Set(readDays);
  // A stale day whose build failed or was left is read raw; the warnings above say so.
  const drift = rollups.drifted
    .filter((d) => rollups.rollupDays.includes(d.day))
    .map((d) => describeDrift(d.day, d.drift))
    .filter((w): w is string => w !== undefined);
  const skipped = rollups.skipped.filter((d) => read.has(d.day)).flatMap((d) => describeStoredSkipped(d.day, d.skipped));
  return [...rollups.ledgerWarnings, ...drift, ...skipped];
}

/** Which UTC days the report read from the rollup and which from the raw logs, hour alignment included. */
function servedDays(window: ReturnType<typeof reportWindow>, rollups: EnsureRollupsResult): { rollupDays: string[]; rawDays: string[] } {
  const fromRollup = new Set<string>();
  const fromRaw = new Set<string>();
  for (const span of [window.baseline, window]) {
    const split = splitSpan(span, rollups.rollupDays);
    for (const dt of split.rollup) fromRollup.add(dt.replaceAll('/', '-'));
    for (const dt of split.raw) fromRaw.add(dt.replaceAll('/', '-'));
    if (split.rawLate !== undefined) fromRaw.add(split.rawLate.utcDay);
  }
  return { rollupDays: [...fromRollup].sort(), rawDays: [...fromRaw].sort() };
}

function preparationRun(engine: QueryEngine['kind'], run: RollupStatementRun, pricePerTbUsd: number): QueryRun {
  return {
    name: `rollup-${run.kind} ${run.days.join(',')}`,
    status: run.status,
    ...(run.error === undefined ? {} : { error: run.error }),
    rows: 0,
    bytesScanned: run.bytesScanned,
    costUsd: run.kind === 'build' && run.status === 'succeeded' ? queryCostUsd(engine, run.bytesScanned, pricePerTbUsd) : 0,
    durationMs: run.durationMs,
    ...(run.queryId === undefined ? {} : { queryId: run.queryId }),
  };
}

function stagingRun(engine: QueryEngine['kind'], run: StagingRun, pricePerTbUsd: number): QueryRun {
  return {
    name: `early-${run.kind} ${run.day}`,
    status: run.status,
    ...(run.error === undefined ? {} : { error: run.error }),
    rows: 0,
    bytesScanned: run.bytesScanned,
    costUsd: run.kind === 'rows' && run.status === 'succeeded' ? queryCostUsd(engine, run.bytesScanned, pricePerTbUsd) : 0,
    durationMs: run.durationMs,
    ...(run.queryId === undefined ? {} : { queryId: run.queryId }),
  };
}

/**
 * The window's raw folders' compressed size, for the report's bytes-scanned ratio: from the
 * rollup's listing when it has every day, else one more listing (a ListObjectsV2 on S3). A listing
 * that fails leaves the figure out; the rollup's own warnings already say when the ledger cannot list.
 */
async function rawDayOf(ledger: RollupLedger, days: readonly UtcDay[], listed: ReadonlyMap<UtcDay, readonly SourceFile[]> | undefined): Promise<RawDaySize | undefined> {
  if (listed !== undefined && days.every((day) => listed.has(day))) return rawDaySize(days, listed);
  try {
    return rawDaySize(days, await ledger.filesOf(days));
  } catch {
    return undefined;
  }
}
