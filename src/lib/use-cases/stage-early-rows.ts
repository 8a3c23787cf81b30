import { describeError } from '../answers.js';
import { dtOf, type UtcDay } from '../dates.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { Partition } from '../partitions/plan.js';
import type { ObjectStore, PartitionCatalog, QueryEngine, RollupLedger, SourceFile, StagedRowsRecord } from '../ports.js';
import { ATHENA_MAX_QUERY_BYTES } from '../partitions/ddl.js';
import { earlyFilesOf } from '../rollup/staged.js';
import type { TableShape } from '../flowlog/raw-table.js';
import type { StagedLate } from '../report/relations.js';
import type { LateFolder } from '../report/window.js';
import { isHourAligned, splitSpan, wantedRollupPartitions } from '../rollup/plan.js';
import { addBuildPartitionsSql, buildPartitions, dropBuildPartitionsSql, stageEarlyRowsSql, STAGED_BUILD_PREFIX, type RollupTables } from '../rollup/statements.js';
import { requestToken } from './ensure-partitions.js';

/**
 * Before the next folder's rollup exists, a report's window takes its last minutes' records from
 * that folder's early files. Read by every report query, those files would be scanned once per
 * query; staged, they are scanned once per report: one statement aggregates them into the
 * rollup's shape under a build id of their own in the builds table (the rollup builds' own
 * mechanism, so nothing the rollup reads), and the queries read those rows. With a ledger that
 * keeps staged rows, the staging names the listed early files and the rows are kept for the
 * folder's own build (see ensureRollups), which then reads only the folder's other files; without
 * one, the staging is dropped after the report.
 */

export interface StageEarlyRowsDeps {
  readonly engine: QueryEngine;
  /** The rollup table's partitions; its LOCATION gives the staged folders. */
  readonly rollupCatalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  readonly database: string;
  readonly table: string;
  readonly rollupTable: string;
  readonly shape?: TableShape;
  readonly now: () => Date;
  /** Deletes a staged folder after the report (S3 on AWS); without it the folder stays for the lifecycle rule. */
  readonly objectStore?: ObjectStore;
  /**
   * The rollup ledger: with one that keeps staged rows, the staging names the folder's listed early
   * files, and the rows are kept (not dropped after the report) for the folder's own build to reuse.
   */
  readonly ledger?: RollupLedger;
}

export interface StageEarlyRowsRequest {
  readonly lates: readonly LateFolder[];
  readonly requestId?: string;
  readonly deadlineMs?: number;
}

/** One staging statement as the report lists it beside its queries. */
export interface StagingRun {
  /** stage: registers the staged partitions; rows: the INSERT reading the early files (billed); drop: forgets them after the report. */
  readonly kind: 'stage' | 'rows' | 'drop';
  readonly day: UtcDay;
  readonly status: 'succeeded' | 'failed';
  readonly error?: string;
  readonly queryId?: string;
  readonly bytesScanned: number;
  readonly durationMs: number;
  /** What the read skipped (a damaged early file), said in the report as each query reading the files would have. */
  readonly warnings?: readonly string[];
}

/** A late folder whose early rows are staged, with the builds-table partitions (and folders) holding them. */
export interface StagedEarlyRows extends StagedLate {
  readonly partitions: readonly Partition[];
  /** Kept in the ledger for the folder's own build, which reuses and then removes them; not dropped after the report. */
  readonly kept?: boolean;
}

export interface StagingResult {
  readonly staged: readonly StagedEarlyRows[];
  readonly runs: readonly StagingRun[];
  /** Late folders that could not be staged (read raw by each query, as before), and staged folders that could not be removed. */
  readonly warnings: readonly string[];
}

/**
 * The late folders a report would read from their early raw files (their rollup is not built yet)
 * whose rows can be staged: those of spans that start and end on whole hours (the staged rows are
 * grouped by start hour, like the rollup's), once each.
 */
export function lateFoldersToStage(spans: readonly Parameters<typeof splitSpan>[0][], rollupDays: readonly UtcDay[]): LateFolder[] {
  const out = new Map<string, LateFolder>();
  for (const span of spans) {
    const late = splitSpan(span, rollupDays).rawLate;
    if (late === undefined || !isHourAligned(span.startEpoch) || !isHourAligned(span.endEpoch)) continue;
    out.set(`${late.dt} ${late.deliveredBy}`, late);
  }
  return [...out.values()];
}

/**
 * Stages the early rows of each late folder: ADD PARTITION (build id, the folder's keys) in the
 * builds table at folders of its own, then the INSERT over the early files. Anything that fails
 * leaves that folder read raw by each query, with a warning: nothing is lost, only bytes.
 */
export async function stageEarlyRows(deps: StageEarlyRowsDeps, request: StageEarlyRowsRequest): Promise<StagingResult> {
  if (request.lates.length === 0) return { staged: [], runs: [], warnings: [] };
  const tables = tablesOf(deps);
  const runs: StagingRun[] = [];
  const warnings: string[] = [];
  const staged: StagedEarlyRows[] = [];
  let location: string | undefined;
  try {
    location = (await deps.rollupCatalog.describeTable()).location;
  } catch (error) {
    return { staged, runs, warnings: request.lates.map((late) => fallback(late, `the rollup table could not be described: ${describeError(error)}`)) };
  }
  if (location === undefined || location === '') {
    return { staged, runs, warnings: request.lates.map((late) => fallback(late, `${deps.database}.${deps.rollupTable} has no LOCATION for a staged folder`)) };
  }
  const build = `${STAGED_BUILD_PREFIX}${deps.now().toISOString().replaceAll(/[-:.]/g, '')}`;
  for (const late of request.lates) {
    const partitions = buildPartitions(location, tables.keys, wantedRollupPartitions(deps.layout, [late.utcDay]), build);
    const step = async (kind: StagingRun['kind'], sql: string): Promise<StagingRun> => {
      const result = await run(deps, request, kind, late.utcDay, sql);
      runs.push(result);
      return result;
    };
    let failed: StagingRun | undefined;
    for (const sql of addBuildPartitionsSql(tables, partitions)) {
      const added = await step('stage', sql);
      if (added.status === 'failed') {
        failed = added;
        break;
      }
    }
    if (failed === undefined) {
      const listed = await listedEarlyFiles(deps, tables, late, partitions, build);
      if (listed.warning !== undefined) warnings.push(listed.warning);
      const stagedAt = deps.now().toISOString();
      const rows = await step('rows', stageEarlyRowsSql(tables, deps.engine.kind, late, wantedRollupPartitions(deps.layout, [late.utcDay]), build, listed.files));
      if (rows.status === 'succeeded') {
        const kept =
          listed.files === undefined
            ? { kept: false, warnings: [] }
            : await keep(deps, request, tables, { day: late.utcDay, build, stagedAt, files: listed.files, partitions }, runs);
        warnings.push(...kept.warnings);
        staged.push({ late, build, partitions, ...(kept.kept ? { kept: true } : {}) });
        continue;
      }
      failed = rows;
    }
    warnings.push(fallback(late, failed.error ?? 'no error message'));
    warnings.push(...(await removeStaged(deps, request, tables, { late, build, partitions }, runs)));
  }
  return { staged, runs, warnings };
}

/** Drops the staged partitions after the report and deletes their folders; a failure is a warning, the lifecycle rule removes what stays. */
export async function dropStagedRows(
  deps: StageEarlyRowsDeps,
  request: Omit<StageEarlyRowsRequest, 'lates'>,
  staged: readonly StagedEarlyRows[],
): Promise<{ runs: StagingRun[]; warnings: string[] }> {
  const runs: StagingRun[] = [];
  const warnings: string[] = [];
  for (const s of staged) warnings.push(...(await removeStaged(deps, request, tablesOf(deps), s, runs)));
  return { runs, warnings };
}

async function removeStaged(
  deps: StageEarlyRowsDeps,
  request: Omit<StageEarlyRowsRequest, 'lates'>,
  tables: RollupTables,
  staged: StagedEarlyRows,
  runs: StagingRun[],
): Promise<string[]> {
  const dropped = await run(deps, request, 'drop', staged.late.utcDay, dropBuildPartitionsSql(tables, staged.partitions));
  runs.push(dropped);
  const warnings =
    dropped.status === 'failed'
      ? [
          `the staged early rows of ${staged.late.utcDay} (build ${staged.build}) could not be dropped from ${deps.database}.${tables.rollupTable}_builds (${dropped.error ?? 'no error message'}); no report reads them`,
        ]
      : [];
  if (deps.objectStore === undefined) return warnings;
  for (const folder of staged.partitions.map((p) => p.location)) {
    try {
      await deps.objectStore.deleteFolder(folder, request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs });
    } catch (error) {
      warnings.push(
        `the staged folder ${folder} could not be deleted (${describeError(error)}); nothing reads it, and the lifecycle rule on builds/${STAGED_BUILD_PREFIX} expires it`,
      );
    }
  }
  return warnings;
}

/**
 * The folder's early files as the ledger lists them, to be named in the staging INSERT (so the
 * kept rows are exactly theirs): none when the ledger keeps no staged rows, the listing fails,
 * it finds no early file, or the named list would not fit one Athena statement. Then the rows
 * serve this report only, as before, and the folder's build reads every file.
 */
async function listedEarlyFiles(
  deps: StageEarlyRowsDeps,
  tables: RollupTables,
  late: LateFolder,
  partitions: readonly Partition[],
  build: string,
): Promise<{ files?: SourceFile[]; warning?: string }> {
  const ledger = deps.ledger;
  if (ledger?.stagedRows === undefined || ledger.keepStagedRows === undefined || ledger.forgetStagedRows === undefined) return {};
  const notKept = (why: string) => `the early rows of ${late.utcDay} serve this report only (${why}); the folder's build reads all its files`;
  let files: SourceFile[];
  try {
    files = earlyFilesOf((await ledger.filesOf([late.utcDay])).get(late.utcDay) ?? [], late.deliveredBy);
  } catch (error) {
    return { warning: notKept(`its files could not be listed: ${describeError(error)}`) };
  }
  if (files.length === 0) return {};
  const bytes = Buffer.byteLength(stageEarlyRowsSql(tables, deps.engine.kind, late, partitions, build, files), 'utf8');
  if (bytes > ATHENA_MAX_QUERY_BYTES)
    return { warning: notKept(`naming its ${files.length} early files would make a statement of ${bytes} bytes, over Athena's ${ATHENA_MAX_QUERY_BYTES}`) };
  return { files };
}

/**
 * Records staged rows in the ledger for the folder's build; a previous staging of the same day is
 * then removed (its rows are replaced by these). A record that cannot be kept leaves the rows to
 * this report only: they are dropped after it, as before.
 */
async function keep(
  deps: StageEarlyRowsDeps,
  request: Omit<StageEarlyRowsRequest, 'lates'>,
  tables: RollupTables,
  record: StagedRowsRecord,
  runs: StagingRun[],
): Promise<{ kept: boolean; warnings: string[] }> {
  const ledger = deps.ledger;
  if (ledger?.stagedRows === undefined || ledger.keepStagedRows === undefined) return { kept: false, warnings: [] };
  let previous: StagedRowsRecord | undefined;
  try {
    previous = (await ledger.stagedRows([record.day])).get(record.day);
    await ledger.keepStagedRows(record);
  } catch (error) {
    return {
      kept: false,
      warnings: [
        `the early rows of ${record.day} serve this report only (they could not be recorded for the folder's build: ${describeError(error)}); the folder's build reads all its files`,
      ],
    };
  }
  if (previous === undefined || previous.build === record.build) return { kept: true, warnings: [] };
  const late = { dt: dtOf(previous.day), utcDay: previous.day, deliveredBy: '' };
  return { kept: true, warnings: await removeStaged(deps, request, tables, { late, build: previous.build, partitions: previous.partitions }, runs) };
}

function fallback(late: LateFolder, why: string): string {
  return `the early files of ${late.utcDay} could not be staged once for this report (${why}); each query read them from the raw logs instead`;
}

function tablesOf(deps: StageEarlyRowsDeps): RollupTables {
  return { database: deps.database, table: deps.table, rollupTable: deps.rollupTable, keys: deps.layout.keys, ...(deps.shape === undefined ? {} : { shape: deps.shape }) };
}

async function run(deps: StageEarlyRowsDeps, request: Omit<StageEarlyRowsRequest, 'lates'>, kind: StagingRun['kind'], day: UtcDay, sql: string): Promise<StagingRun> {
  const startedMs = Date.now();
  try {
    const result = await deps.engine.execute(sql, {
      label: `early-${kind}`,
      ...(request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs }),
      ...(request.requestId === undefined ? {} : { requestToken: requestToken(request.requestId, sql) }),
    });
    return {
      kind,
      day,
      status: 'succeeded',
      queryId: result.queryId,
      bytesScanned: result.bytesScanned,
      durationMs: result.durationMs,
      ...(result.warnings.length === 0 ? {} : { warnings: result.warnings }),
    };
  } catch (error) {
    return { kind, day, status: 'failed', error: describeError(error), bytesScanned: 0, durationMs: Date.now() - startedMs };
  }
}
