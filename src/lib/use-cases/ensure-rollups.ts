import { describeError } from '../answers.js';
import { asError } from '../errors.js';
import { DEFAULT_BYTES_SCANNED_CUTOFF_MB } from '../config.js';
import type { UtcDay } from '../dates.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { Partition } from '../partitions/plan.js';
import type { ObjectStore, PartitionCatalog, QueryEngine, ReadWarning, RollupDayRecord, RollupLedger, SourceFile, StagedRowsRecord } from '../ports.js';
import { ATHENA_MAX_QUERY_BYTES } from '../partitions/ddl.js';
import { usableStagedRows } from '../rollup/staged.js';
import { deletableFolders } from '../rollup/cleanup.js';
import { dayDrift, skippedByDay, type DayDrift } from '../rollup/drift.js';
import type { TableShape } from '../flowlog/raw-table.js';
import { completeDays, daysPerBuild, daysWithRollup, missingPartitions, presentPartitions, wantedRollupPartitions } from '../rollup/plan.js';
import {
  addBuildPartitionsSql,
  addRollupPartitionsSql,
  buildLocation,
  buildPartitions,
  buildRollupReusingStagedSql,
  buildRollupSql,
  dropBuildPartitionsSql,
  setPartitionLocationSql,
  type RollupTables,
} from '../rollup/statements.js';
import { requestToken } from './ensure-partitions.js';

export interface EnsureRollupsDeps {
  readonly engine: QueryEngine;
  /** The rollup table's partitions (Glue for the rollup table, or the local state). */
  readonly rollupCatalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  readonly database: string;
  readonly table: string;
  readonly rollupTable: string;
  /** How the raw table names its columns; the walkthrough's names when absent. */
  readonly shape?: TableShape;
  readonly settleMinutes: number;
  readonly now: () => Date;
  /** The workgroup's bytes-scanned cutoff per query (bytes); builds are sized under it. */
  readonly maxBytesPerQuery?: number;
  /** At most this many days per build statement (see FlowlogContext.rollupDaysPerBuild); unbounded when absent. */
  readonly maxDaysPerBuild?: number;
  /**
   * Where each day's source files and skipped reads are kept beside its rollup (the local state,
   * or JSON objects in S3 on Athena); without one built days are trusted as they are.
   */
  readonly ledger?: RollupLedger;
  /** Deletes the files of build folders no rollup partition references; without it they are only listed. */
  readonly objectStore?: ObjectStore;
}

export interface EnsureRollupsRequest {
  /** The UTC days a report or a backfill wants served from the rollup. */
  readonly days: readonly UtcDay[];
  /** Builds every complete day again, replacing its rollup, instead of only the missing ones. */
  readonly rebuild?: boolean;
  readonly dryRun?: boolean;
  readonly requestId?: string;
  readonly deadlineMs?: number;
}

export interface RollupStatementRun {
  /**
   * stage: registers the build's own folders in the builds table; build: the INSERT that reads the
   * raw folders; switch: points the rollup's partitions at the finished build (ADD, or SET
   * LOCATION for a partition that exists); unstage: forgets the build's partitions in the builds table.
   */
  readonly kind: 'stage' | 'build' | 'switch' | 'unstage';
  readonly sql: string;
  readonly days: readonly UtcDay[];
  readonly status: 'succeeded' | 'failed';
  /** Why a failed statement failed (the engine's own reason). */
  readonly error?: string;
  readonly queryId: string | undefined;
  readonly bytesScanned: number;
  readonly durationMs: number;
  /** What the statement's read left out (a build's skipped files and lines). */
  readonly skipped?: readonly ReadWarning[];
  /** A build's days whose early rows, staged by a report, it read instead of those files. */
  readonly reusedStaged?: readonly UtcDay[];
}

export interface EnsureRollupsResult {
  /** Days whose rollup the relation can read (complete, and built). */
  readonly rollupDays: readonly UtcDay[];
  /** Days read from the raw table: not complete yet (or not built, in a dry run). */
  readonly rawDays: readonly UtcDay[];
  /** Days whose rollup this run built (or would build, in a dry run). */
  readonly builtDays: readonly UtcDay[];
  /** Days whose build failed: read from the raw table this time, listed so the caller can say so. */
  readonly failedDays: readonly UtcDay[];
  readonly statements: readonly RollupStatementRun[];
  /** Days to build that this run left for the next (no time left, or a day too large for the cutoff): invoke again to continue. */
  readonly leftDays: readonly UtcDay[];
  /**
   * Folders no rollup partition points at any more (those of failed builds and those a rebuild
   * replaced) that are still there: not deleted (no object store, a folder outside `builds/`, or
   * its deletion failed). Nothing reads them.
   */
  readonly unreferenced: readonly string[];
  /** Built days found to differ from their raw files (or kept without them), with what was found. */
  readonly drifted: readonly { readonly day: UtcDay; readonly drift: DayDrift }[];
  /** What the builds of the rollup days skipped, stored with them: one entry per day that skipped something. */
  readonly skipped: readonly { readonly day: UtcDay; readonly skipped: readonly ReadWarning[] }[];
  /** Build folders this run deleted, with the objects each held. */
  readonly removed: readonly { readonly folder: string; readonly deletedObjects: number; readonly note?: string }[];
  /** Deletions that failed, each naming its folder; the folder stays listed in `unreferenced`. */
  readonly cleanupWarnings: readonly string[];
  /** What the ledger could not do (list the files, read or keep a record), said in the report. */
  readonly ledgerWarnings: readonly string[];
  /** The complete days' raw files as the ledger listed them before any build (absent when it could not list them). */
  readonly listed?: ReadonlyMap<UtcDay, readonly SourceFile[]>;
}

/**
 * Makes the rollup of every complete day among `days` exist, reading each day's raw logs once.
 * Each build writes into folders of its own (`builds/<build id>/...` under the rollup table's
 * location, through the builds table), and the rollup's partitions are pointed at them only after
 * the INSERT succeeded: a failed or stopped build leaves nothing the reports read, and a rebuild
 * switches each partition in one ALTER TABLE. A failed build does not stop the others; its days
 * are returned as raw days and `failedDays`. A day already built is left alone unless `rebuild`.
 */
export async function ensureRollups(deps: EnsureRollupsDeps, request: EnsureRollupsRequest): Promise<EnsureRollupsResult> {
  const days = [...new Set(request.days)].sort();
  const complete = completeDays(days, deps.now(), deps.settleMinutes);
  if (complete.length === 0)
    return {
      rollupDays: [],
      rawDays: days,
      builtDays: [],
      failedDays: [],
      statements: [],
      leftDays: [],
      unreferenced: [],
      drifted: [],
      skipped: [],
      removed: [],
      cleanupWarnings: [],
      ledgerWarnings: [],
    };
  const keys = deps.layout.keys;
  const existing = await deps.rollupCatalog.listPartitions({ from: complete[0] as UtcDay, to: complete[complete.length - 1] as UtcDay });
  const missing = complete.filter((day) => missingPartitions(keys, wantedRollupPartitions(deps.layout, [day]), existing).length > 0);
  // The ledger's listing is taken before any build: a file added later is found by the next report.
  // A listing or record that cannot be read leaves the stored days as they are (read, and said so):
  // the report still runs, and no record is written from a listing that did not happen.
  const ledgerWarnings: string[] = [];
  let ledger = deps.ledger;
  let files = new Map<UtcDay, readonly SourceFile[]>() as ReadonlyMap<UtcDay, readonly SourceFile[]>;
  let drifted: { day: UtcDay; drift: DayDrift }[] = [];
  if (ledger !== undefined) {
    try {
      files = await ledger.filesOf(complete);
      drifted = await driftedDays(
        ledger,
        complete.filter((day) => !missing.includes(day)),
        files,
      );
    } catch (error) {
      ledgerWarnings.push(
        ledgerUnavailable(
          complete.filter((day) => !missing.includes(day)),
          error,
        ),
      );
      ledger = undefined;
    }
  }
  const stale = drifted.filter((d) => d.drift.kind === 'changed' || d.drift.kind === 'unrecorded').map((d) => d.day);
  const toBuild = request.rebuild === true ? complete : complete.filter((day) => missing.includes(day) || stale.includes(day));
  if (request.dryRun === true) {
    const ready = daysWithRollup(deps.layout, complete, existing);
    return {
      rollupDays: ready,
      rawDays: days.filter((day) => !ready.includes(day)),
      builtDays: toBuild,
      failedDays: [],
      statements: [],
      leftDays: [],
      unreferenced: [],
      drifted,
      skipped: [],
      removed: [],
      cleanupWarnings: [],
      ledgerWarnings,
    };
  }
  const tables: RollupTables = { database: deps.database, table: deps.table, rollupTable: deps.rollupTable, keys, ...(deps.shape === undefined ? {} : { shape: deps.shape }) };
  const statements: RollupStatementRun[] = [];
  const unreferenced: string[] = [];
  const left: UtcDay[] = [];
  let location: string | undefined;
  if (toBuild.length > 0) {
    location = (await deps.rollupCatalog.describeTable()).location;
    if (location === undefined || location === '') {
      // Not thrown: a report still runs on the raw logs, and says why its days were not built.
      const error = `${deps.database}.${deps.rollupTable} has no LOCATION, so a build cannot be given a folder of its own`;
      statements.push({ kind: 'stage', sql: '', days: toBuild, status: 'failed', error, queryId: undefined, bytesScanned: 0, durationMs: 0 });
    } else {
      const buildId = deps.now().toISOString().replaceAll(/[-:.]/g, '');
      const staged = await stagedRowsOf(ledger, toBuild, ledgerWarnings);
      const waiting = [...toBuild];
      let measured: { bytesPerDay: number; msPerDay: number } | undefined;
      while (waiting.length > 0) {
        const count = daysPerBuild({
          sources: deps.layout.sources.length,
          bytesPerDay: measured?.bytesPerDay,
          msPerDay: measured?.msPerDay,
          maxBytesPerQuery: deps.maxBytesPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF_MB * 1024 * 1024,
          ...(deps.maxDaysPerBuild === undefined ? {} : { maxDays: deps.maxDaysPerBuild }),
          timeLeftMs: request.deadlineMs === undefined ? undefined : request.deadlineMs - Date.now(),
        });
        if (count === 0) break;
        const batch = waiting.splice(0, count);
        const outcome = await buildBatch(deps, request, tables, { location, buildId, batch, existing, staged, files });
        statements.push(...outcome.statements);
        ledgerWarnings.push(...outcome.warnings);
        unreferenced.push(...outcome.unreferenced);
        const build = outcome.statements.find((s) => s.kind === 'build' && s.status === 'succeeded');
        if (build !== undefined) measured = { bytesPerDay: build.bytesScanned / batch.length, msPerDay: build.durationMs / batch.length };
        const switched = outcome.statements.every((s) => s.status === 'succeeded' || s.kind === 'unstage');
        if (build !== undefined && switched && ledger !== undefined) {
          const byDay = skippedByDay(build.skipped ?? [], files, batch);
          try {
            await ledger.record(batch.map((day): RollupDayRecord => ({ day, files: files.get(day) ?? [], skipped: byDay.get(day) ?? [] })));
          } catch (error) {
            ledgerWarnings.push(
              `the record of the files of ${batch.join(', ')} could not be kept (${describeError(asError(error))}): the next report builds ${batch.length === 1 ? 'it' : 'them'} again`,
            );
          }
        }
      }
      left.push(...waiting);
    }
  }
  const cleanup =
    location === undefined || location === '' ? { unreferenced, removed: [], cleanupWarnings: [] } : await removeUnreferenced(deps, request, location, complete, unreferenced);
  const failed = new Set(statements.filter((s) => s.status === 'failed' && s.kind !== 'unstage').flatMap((s) => s.days));
  // A stale day that could not be built again is read raw: its stored rollup no longer matches its files.
  const notBuilt = new Set([...failed, ...left]);
  const rollupDays = complete.filter((day) => !notBuilt.has(day));
  let stored: ReadonlyMap<UtcDay, RollupDayRecord> = new Map();
  if (ledger !== undefined) {
    try {
      stored = await ledger.recorded(rollupDays);
    } catch (error) {
      ledgerWarnings.push(`the skipped files and lines stored with ${rollupDays.join(', ')} could not be read (${describeError(asError(error))})`);
    }
  }
  return {
    rollupDays,
    rawDays: days.filter((day) => !complete.includes(day) || notBuilt.has(day)),
    builtDays: toBuild.filter((day) => !notBuilt.has(day)),
    failedDays: [...failed].sort(),
    statements,
    leftDays: left,
    ...cleanup,
    drifted,
    skipped: rollupDays.map((day) => ({ day, skipped: stored.get(day)?.skipped ?? [] })).filter((d) => d.skipped.length > 0),
    ledgerWarnings,
    ...(deps.ledger !== undefined && files.size > 0 ? { listed: files } : {}),
  };
}

/** The early rows reports staged and kept for these days' builds; a ledger that cannot say leaves every file read raw, said once. */
async function stagedRowsOf(ledger: RollupLedger | undefined, days: readonly UtcDay[], warnings: string[]): Promise<ReadonlyMap<UtcDay, StagedRowsRecord>> {
  if (ledger?.stagedRows === undefined) return new Map();
  try {
    return await ledger.stagedRows(days);
  } catch (error) {
    warnings.push(`the early rows staged for ${days.join(', ')} could not be looked up (${describeError(asError(error))}): their builds read every file of their folders`);
    return new Map();
  }
}

/**
 * The build statement of a batch: reusing the early rows reports staged for its days when they
 * can be trusted (see stagedRowsDecision), else reading every file; with what to say of staged
 * rows not used. A statement naming too many staged files for Athena's limit reads every file.
 */
function buildStatement(deps: EnsureRollupsDeps, tables: RollupTables, plan: BatchPlan, wanted: readonly Partition[]): { sql: string; reused: UtcDay[]; warnings: string[] } {
  const plain = buildRollupSql(tables, plan.batch, wanted, plan.buildId);
  const { usable, refused } = usableStagedRows(plan.staged, plan.files, plan.batch, deps.now());
  const warnings = refused.map((r) => `the early rows staged for ${r.day} were not reused (${r.why}); its build read every file of the folder`);
  if (usable.length === 0) return { sql: plain, reused: [], warnings };
  const sql = buildRollupReusingStagedSql(tables, deps.engine.kind, plan.batch, wanted, plan.buildId, usable);
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > ATHENA_MAX_QUERY_BYTES) {
    return {
      sql: plain,
      reused: [],
      warnings: [
        ...warnings,
        `the early rows staged for ${usable.map((u) => u.day).join(', ')} were not reused: naming their files makes a statement of ${bytes} bytes, over Athena's ${ATHENA_MAX_QUERY_BYTES}; the build read every file`,
      ],
    };
  }
  return { sql, reused: usable.map((u) => u.day), warnings };
}

/**
 * After a build was switched in, the staged rows of its days are not needed any more: forgotten in
 * the ledger first (so nothing can reuse rows about to go), then their builds-table partitions
 * dropped and their folders deleted. A step that fails is a warning: what stays is referenced by
 * nothing, and the lifecycle rule on `builds/early-` expires it.
 */
async function removeStagedRows(
  deps: EnsureRollupsDeps,
  request: EnsureRollupsRequest,
  tables: RollupTables,
  records: readonly StagedRowsRecord[],
  statements: RollupStatementRun[],
): Promise<string[]> {
  const ledger = deps.ledger;
  if (records.length === 0 || ledger?.forgetStagedRows === undefined) return [];
  const days = records.map((r) => r.day);
  try {
    await ledger.forgetStagedRows(days);
  } catch (error) {
    return [
      `the early rows staged for ${days.join(', ')} could not be forgotten in the rollup ledger (${describeError(asError(error))}); they stay until the lifecycle rule expires them`,
    ];
  }
  const warnings: string[] = [];
  for (const record of records) {
    const dropped = await run(deps, request, 'unstage', dropBuildPartitionsSql(tables, record.partitions), [record.day]);
    statements.push(dropped);
    if (deps.objectStore === undefined) continue;
    for (const folder of record.partitions.map((p) => p.location)) {
      try {
        await deps.objectStore.deleteFolder(folder, request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs });
      } catch (error) {
        warnings.push(`the staged folder ${folder} could not be deleted (${describeError(asError(error))}); nothing reads it, and the lifecycle rule expires it`);
      }
    }
  }
  return warnings;
}

interface BatchPlan {
  readonly location: string;
  readonly buildId: string;
  readonly batch: readonly UtcDay[];
  readonly existing: readonly Partition[];
  /** Early rows reports staged for days to build, by day. */
  readonly staged: ReadonlyMap<UtcDay, StagedRowsRecord>;
  /** The days' files as listed before the builds. */
  readonly files: ReadonlyMap<UtcDay, readonly SourceFile[]>;
}

/** The warning for stored days whose files could not be compared with those they were built from. */
function ledgerUnavailable(built: readonly UtcDay[], error: unknown): string {
  const what = built.length === 0 ? 'the rollup days' : built.join(', ');
  return `the files of ${what} could not be listed or compared with those the rollup was built from (${describeError(asError(error))}): their stored rollup is read as it is, and a file added, changed or removed since is not seen this time`;
}

/** The built days whose raw files differ from those recorded at their build (or that have no record). */
async function driftedDays(ledger: RollupLedger, built: readonly UtcDay[], files: ReadonlyMap<UtcDay, readonly SourceFile[]>): Promise<{ day: UtcDay; drift: DayDrift }[]> {
  if (built.length === 0) return [];
  const records = await ledger.recorded(built);
  return built.map((day) => ({ day, drift: dayDrift(records.get(day), files.get(day) ?? []) })).filter((d) => d.drift.kind !== 'same');
}

/**
 * Deletes the build folders this run left unreferenced. The rollup's partitions are listed again
 * first (another run may have switched a day meanwhile) and a pure decision keeps any folder a
 * partition points at, or that lies outside the builds folder. A deletion that fails is a warning
 * naming the folder, not an error: nothing reads the folder, and a later run or a person can remove it.
 */
async function removeUnreferenced(
  deps: EnsureRollupsDeps,
  request: EnsureRollupsRequest,
  location: string,
  complete: readonly UtcDay[],
  candidates: readonly string[],
): Promise<Pick<EnsureRollupsResult, 'unreferenced' | 'removed' | 'cleanupWarnings'>> {
  if (deps.objectStore === undefined || candidates.length === 0) return { unreferenced: [...candidates], removed: [], cleanupWarnings: [] };
  const store = deps.objectStore;
  let partitions: Partition[];
  try {
    partitions = await deps.rollupCatalog.listPartitions({ from: complete[0] as UtcDay, to: complete[complete.length - 1] as UtcDay });
  } catch (error) {
    return {
      unreferenced: [...candidates],
      removed: [],
      cleanupWarnings: [`unreferenced rollup folders were kept: the rollup's partitions could not be listed to check them (${describeError(error)})`],
    };
  }
  const decision = deletableFolders(candidates, location, partitions);
  const removed: EnsureRollupsResult['removed'][number][] = [];
  const warnings: string[] = [];
  const kept = [...decision.keep];
  for (const folder of decision.delete) {
    try {
      removed.push(await store.deleteFolder(folder, { ...(request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs }) }));
    } catch (error) {
      kept.push(folder);
      warnings.push(`the unreferenced rollup folder ${folder} could not be deleted (${describeError(error)}); nothing reads it, remove it with aws s3 rm --recursive`);
    }
  }
  return { unreferenced: kept, removed, cleanupWarnings: warnings };
}

/** Stage, build, switch and unstage one batch of days; stops at the first failure before the switch. */
async function buildBatch(
  deps: EnsureRollupsDeps,
  request: EnsureRollupsRequest,
  tables: RollupTables,
  plan: BatchPlan,
): Promise<{ statements: RollupStatementRun[]; unreferenced: string[]; warnings: string[] }> {
  const { batch } = plan;
  const wanted = wantedRollupPartitions(deps.layout, batch);
  const staged = buildPartitions(plan.location, tables.keys, wanted, plan.buildId);
  const folders = staged.map((p) => p.location);
  const statements: RollupStatementRun[] = [];
  const build = buildStatement(deps, tables, plan, wanted);
  const warnings = build.warnings;
  const step = async (kind: RollupStatementRun['kind'], sql: string): Promise<boolean> => {
    const result = await run(deps, request, kind, sql, batch);
    statements.push(kind === 'build' && build.reused.length > 0 ? { ...result, reusedStaged: build.reused } : result);
    return result.status === 'succeeded';
  };
  const unstage = () => step('unstage', dropBuildPartitionsSql(tables, staged));
  for (const sql of addBuildPartitionsSql(tables, staged)) {
    if (!(await step('stage', sql))) return { statements, unreferenced: [], warnings };
  }
  if (!(await step('build', build.sql))) {
    await unstage();
    return { statements, unreferenced: folders, warnings };
  }
  const present = presentPartitions(tables.keys, wanted, plan.existing);
  const fresh = missingPartitions(tables.keys, wanted, plan.existing);
  const at = (p: Partition) => buildLocation(plan.location, tables.keys, p, plan.buildId);
  const unreferenced: string[] = [];
  for (const sql of addRollupPartitionsSql(
    tables,
    fresh.map((p) => ({ values: p.values, location: at(p) })),
  )) {
    if (!(await step('switch', sql))) return { statements, unreferenced: folders, warnings };
  }
  for (const partition of present) {
    if (!(await step('switch', setPartitionLocationSql(tables, partition, at(partition))))) return { statements, unreferenced, warnings };
    const old = plan.existing.find((p) => tables.keys.every((key) => p.values[key] === partition.values[key]))?.location;
    if (old !== undefined && old !== '') unreferenced.push(old);
  }
  await unstage();
  // Switched in: the days' staged early rows (reused or not) have served their purpose.
  const done = batch.map((day) => plan.staged.get(day)).filter((r): r is StagedRowsRecord => r !== undefined);
  warnings.push(...(await removeStagedRows(deps, request, tables, done, statements)));
  return { statements, unreferenced, warnings };
}

/** Runs one statement; a failure is recorded, not thrown, so the other days still get built. */
async function run(deps: EnsureRollupsDeps, request: EnsureRollupsRequest, kind: RollupStatementRun['kind'], sql: string, days: readonly UtcDay[]): Promise<RollupStatementRun> {
  const startedMs = Date.now();
  try {
    const result = await deps.engine.execute(sql, {
      label: `rollup-${kind}`,
      deadlineMs: request.deadlineMs,
      requestToken: request.requestId === undefined ? undefined : requestToken(request.requestId, sql),
    });
    return {
      kind,
      sql,
      days,
      status: 'succeeded',
      queryId: result.queryId,
      bytesScanned: result.bytesScanned,
      durationMs: result.durationMs,
      ...(result.skipped === undefined || result.skipped.length === 0 ? {} : { skipped: result.skipped }),
    };
  } catch (error) {
    return { kind, sql, days, status: 'failed', error: describeError(error), queryId: undefined, bytesScanned: 0, durationMs: Date.now() - startedMs };
  }
}
