import type { QueryEngine, QueryResult, Row } from '../ports.js';
import { BASELINE_DAYS } from './window.js';
import { applySuppressions, type Suppression } from './suppressions.js';
import type { BaselineBuilding, BaselineStatus, Digest, Finding, QueryRun, Report, ReportWindow, Series, Severity, Totals, RawDaySize } from './model.js';
import type { SavedQuery } from './saved-queries.js';

/** Rows of a finding or digest kept in the report; the rest stay in the engine's result file. */
export const DEFAULT_MAX_ROWS_PER_QUERY = 50;
/** Athena bills at least 10 MB per query, rounded up to whole megabytes. */
export const ATHENA_MIN_BILLED_BYTES = 10 * 1024 * 1024;
const MEGABYTE = 1024 * 1024;
const BYTES_PER_TB = 1e12;

export type QueryOutcome =
  | { readonly query: SavedQuery; readonly status: 'succeeded'; readonly result: QueryResult }
  | { readonly query: SavedQuery; readonly status: 'failed'; readonly error: string; readonly durationMs: number };

export interface ReportInput {
  readonly engine: QueryEngine['kind'];
  readonly database: string;
  readonly table: string;
  readonly generatedAt: Date;
  readonly window: ReportWindow;
  readonly outcomes: readonly QueryOutcome[];
  readonly pricePerTbUsd: number;
  readonly maxRowsPerQuery?: number;
  /** The window's raw folders' compressed size, shown beside the bytes scanned. */
  readonly rawDay?: RawDaySize;
  /** Things found before the queries ran (partitions added, for instance). */
  readonly warnings?: readonly string[];
  /** Statements the job ran before the report queries (rollup builds), listed and billed like them. */
  readonly preparation?: readonly QueryRun[];
  /** How many baseline days are complete; absent when no rule reads a baseline or it could not be learnt. */
  readonly baseline?: BaselineStatus;
  /** Suppression entries to apply to the findings' rows (the report day decides which expired). */
  readonly suppressions?: readonly Suppression[];
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2 };

/** What a query costs: Athena's price per TB with its 10 MB minimum; nothing locally. */
export function queryCostUsd(engine: QueryEngine['kind'], bytesScanned: number, pricePerTbUsd: number): number {
  if (engine !== 'athena') return 0;
  const billed = Math.max(ATHENA_MIN_BILLED_BYTES, Math.ceil(bytesScanned / MEGABYTE) * MEGABYTE);
  return (billed / BYTES_PER_TB) * pricePerTbUsd;
}

/**
 * Turns query outcomes into the one Report every rendering reads. Pure: findings only for
 * detections that matched, worst first; a failed query is listed, never dropped.
 */
export function buildReport(input: ReportInput): Report {
  const maxRows = input.maxRowsPerQuery ?? DEFAULT_MAX_ROWS_PER_QUERY;
  const queries = [...(input.preparation ?? []), ...input.outcomes.map((outcome) => queryRun(input, outcome))];
  const findings: Finding[] = [];
  const digests: Digest[] = [];
  const series: Series[] = [];
  const building: BaselineBuilding[] = [];
  let totals: Totals = { records: 0, accepted: 0, rejected: 0, bytes: 0 };
  const warnings = new Set(input.warnings ?? []);
  for (const outcome of input.outcomes) {
    if (outcome.status === 'failed') {
      warnings.add(`query ${outcome.query.name} failed: ${outcome.error}`);
      continue;
    }
    const { query, result } = outcome;
    const baseline = input.baseline;
    if (query.needsMatureBaseline && baseline !== undefined && baseline.completeDays < baseline.requiredDays) {
      building.push({ rule: query.name, title: query.title, completeDays: baseline.completeDays, requiredDays: baseline.requiredDays });
    }
    for (const warning of result.warnings) warnings.add(warning);
    const kept = result.rows.slice(0, maxRows);
    const rowsLeftOut = result.rowsLeftOut + (result.rows.length - kept.length);
    const location = result.outputLocation === undefined ? {} : { resultsLocation: result.outputLocation };
    if (query.kind === 'totals') {
      totals = totalsOf(result);
    } else if (query.kind === 'series') {
      series.push({ rule: query.name, title: query.title, rows: kept, rowsLeftOut });
    } else if (query.kind === 'digest') {
      digests.push({ rule: query.name, title: query.title, rows: kept, rowsLeftOut, ...location });
    } else if (kept.length + rowsLeftOut > 0) {
      const seenOfDays = input.baseline === undefined ? BASELINE_DAYS : input.baseline.days.filter((d) => d.hours > 0).length;
      findings.push({
        rule: query.name,
        severity: severityOf(kept, query.severity ?? 'low'),
        title: query.title,
        ...(query.technique === undefined ? {} : { technique: query.technique }),
        count: kept.length + rowsLeftOut,
        rows: kept,
        rowsLeftOut,
        ...location,
        ...noveltyOf(kept, seenOfDays),
      });
    }
  }
  if (input.outcomes.some((o) => o.query.kind === 'totals' && o.status === 'failed')) warnings.add('the totals query failed: totals show 0');
  const silenced = input.suppressions === undefined ? undefined : applySuppressions(findings, input.suppressions, input.window.date);
  if (silenced !== undefined) {
    const seenOfDays = input.baseline === undefined ? BASELINE_DAYS : input.baseline.days.filter((d) => d.hours > 0).length;
    const headers = new Map(input.outcomes.map((o) => [o.query.name, o.query.severity ?? 'low']));
    findings.splice(
      0,
      findings.length,
      ...silenced.findings.map((f) => ({ ...f, severity: severityOf(f.rows, headers.get(f.rule) ?? f.severity), ...noveltyOf(f.rows, seenOfDays) })),
    );
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || Number(b.newToday === true) - Number(a.newToday === true) || a.rule.localeCompare(b.rule));
  return {
    tool: 'flowlog-pilot',
    engine: input.engine,
    database: input.database,
    table: input.table,
    generatedAt: input.generatedAt.toISOString(),
    window: windowOf(input.window),
    totals,
    findings,
    digests,
    ...(input.outcomes.some((o) => o.query.kind === 'series') ? { series } : {}),
    ...(input.baseline === undefined ? {} : { baseline: input.baseline }),
    ...(building.length === 0 ? {} : { building: building.sort((a, b) => a.rule.localeCompare(b.rule)) }),
    ...(silenced === undefined ? {} : { suppressed: silenced.suppressed, expiredSuppressions: silenced.expired }),
    queries,
    bytesScanned: queries.reduce((sum, q) => sum + q.bytesScanned, 0),
    costUsd: queries.reduce((sum, q) => sum + q.costUsd, 0),
    ...(input.rawDay === undefined ? {} : { rawDay: input.rawDay }),
    warnings: [...warnings],
  };
}

/** A detection whose rows differ in weight (the watchlist: accepted or only rejected) names each row's severity here. */
export const SEVERITY_COLUMN = 'severity';

/**
 * A finding's severity: its worst row's, when the rule gives one per row (rows come worst first,
 * so none left out is worse than those kept), else the rule's own. Recomputed after suppressions,
 * so silencing the accepted rows of a watchlist finding lowers it. Pure.
 */
export function severityOf(rows: readonly Row[], ruleSeverity: Severity): Severity {
  const given = rows.map((row) => row[SEVERITY_COLUMN]);
  if (given.length === 0 || !given.every((v): v is Severity => typeof v === 'string' && v in SEVERITY_ORDER)) return ruleSeverity;
  return given.reduce((worst, v) => (SEVERITY_ORDER[v] < SEVERITY_ORDER[worst] ? v : worst), 'low' as Severity);
}

/** The column every detection fills with the baseline days on which the row's key already matched. */
export const SEEN_DAYS_COLUMN = 'seen_days';

/**
 * New or ongoing, from the rows' seen_days (computed in SQL over the baseline days): new when any
 * kept row's key matched on no baseline day. Rows come new first from the queries, so a new key
 * is never among the rows left out while an ongoing one is kept. Pure.
 */
export function noveltyOf(rows: readonly Row[], seenOfDays: number): Pick<Finding, 'newToday' | 'newRows' | 'seenDays' | 'seenOfDays'> {
  const seen = rows.map((row) => row[SEEN_DAYS_COLUMN]).map((v) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined));
  if (seen.length === 0 || seen.some((v) => v === undefined)) return {};
  const days = seen as number[];
  const newRows = days.filter((d) => d === 0).length;
  return newRows > 0 ? { newToday: true, newRows, seenOfDays } : { newToday: false, newRows: 0, seenDays: Math.min(...days), seenOfDays };
}

function windowOf(window: ReportWindow): ReportWindow {
  return {
    date: window.date,
    start: window.start,
    end: window.end,
    timezone: window.timezone,
    partitions: [...window.partitions],
    ...(window.rollupDays === undefined ? {} : { rollupDays: [...window.rollupDays] }),
    ...(window.rawDays === undefined ? {} : { rawDays: [...window.rawDays] }),
  };
}

function queryRun(input: ReportInput, outcome: QueryOutcome): QueryRun {
  if (outcome.status === 'failed') {
    return { name: outcome.query.name, status: 'failed', rows: 0, bytesScanned: 0, costUsd: 0, durationMs: outcome.durationMs, error: outcome.error };
  }
  const { result } = outcome;
  return {
    name: outcome.query.name,
    status: 'succeeded',
    rows: result.rows.length + result.rowsLeftOut,
    bytesScanned: result.bytesScanned,
    costUsd: queryCostUsd(input.engine, result.bytesScanned, input.pricePerTbUsd),
    durationMs: result.durationMs,
    queryId: result.queryId,
    ...(result.outputLocation === undefined ? {} : { outputLocation: result.outputLocation }),
    columns: result.columns.map((c) => c.name),
  };
}

function totalsOf(result: QueryResult): Totals {
  const row = result.rows[0] ?? {};
  const num = (key: string) => {
    const value = row[key];
    return typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : 0;
  };
  return { records: num('records'), accepted: num('accepted'), rejected: num('rejected'), bytes: num('bytes') };
}
