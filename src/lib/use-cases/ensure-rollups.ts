import { describeError } from '../answers.js';
import type { UtcDay } from '../dates.js';
import { ValidationError } from '../errors.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { Partition } from '../partitions/plan.js';
import type { PartitionCatalog, QueryEngine } from '../ports.js';
import type { TableShape } from '../flowlog/raw-table.js';
import { buildBatches, completeDays, daysWithRollup, missingPartitions, presentPartitions, wantedRollupPartitions } from '../rollup/plan.js';
import { buildRollupSql, rebuildLocation, setPartitionLocationSql, type RollupTables } from '../rollup/statements.js';
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
  readonly kind: 'build' | 'relocate';
  readonly sql: string;
  readonly days: readonly UtcDay[];
  readonly status: 'succeeded' | 'failed';
  /** Why a failed statement failed (the engine's own reason). */
  readonly error?: string;
  readonly queryId: string | undefined;
  readonly bytesScanned: number;
  readonly durationMs: number;
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
}

/**
 * Makes the rollup of every complete day among `days` exist, reading each day's raw logs once.
 * A failed build does not stop the others; its days are returned as raw days and `failedDays`:
 * a day already built is left alone (a second report builds nothing); a day to build whose
 * rollup partitions partly exist, or any day when `rebuild` is asked, first gets fresh, empty
 * partition folders so that the INSERT (which appends) leaves no duplicate.
 */
export async function ensureRollups(deps: EnsureRollupsDeps, request: EnsureRollupsRequest): Promise<EnsureRollupsResult> {
  const days = [...new Set(request.days)].sort();
  const complete = completeDays(days, deps.now(), deps.settleMinutes);
  if (complete.length === 0) return { rollupDays: [], rawDays: days, builtDays: [], failedDays: [], statements: [] };
  const keys = deps.layout.keys;
  const existing = await deps.rollupCatalog.listPartitions({ from: complete[0] as UtcDay, to: complete[complete.length - 1] as UtcDay });
  const toBuild = request.rebuild === true ? complete : complete.filter((day) => missingPartitions(keys, wantedRollupPartitions(deps.layout, [day]), existing).length > 0);
  if (request.dryRun === true) {
    const ready = daysWithRollup(deps.layout, complete, existing);
    return { rollupDays: ready, rawDays: days.filter((day) => !ready.includes(day)), builtDays: toBuild, failedDays: [], statements: [] };
  }
  const tables: RollupTables = { database: deps.database, table: deps.table, rollupTable: deps.rollupTable, keys, ...(deps.shape === undefined ? {} : { shape: deps.shape }) };
  const statements: RollupStatementRun[] = [];
  const replaced = presentPartitions(keys, wantedRollupPartitions(deps.layout, toBuild), existing);
  if (replaced.length > 0) {
    const location = (await deps.rollupCatalog.describeTable()).location;
    if (location === undefined || location === '') {
      throw new ValidationError('rollup table', `${deps.database}.${deps.rollupTable} has no LOCATION, so a partition cannot be built again into a fresh folder`);
    }
    const buildId = deps.now().toISOString().replaceAll(/[-:.]/g, '');
    for (const partition of replaced) {
      const sql = setPartitionLocationSql(tables, partition, rebuildLocation(location, keys, partition, buildId));
      statements.push(await run(deps, request, 'relocate', sql, [dayOfPartition(partition)]));
    }
  }
  // A day whose fresh folder could not be set up is not built: appending would duplicate it.
  const unsafe = new Set(statements.filter((s) => s.status === 'failed').flatMap((s) => s.days));
  for (const batch of buildBatches(toBuild.filter((day) => !unsafe.has(day)), deps.layout.sources.length)) {
    const sql = buildRollupSql(tables, batch, wantedRollupPartitions(deps.layout, batch));
    statements.push(await run(deps, request, 'build', sql, batch));
  }
  const failed = new Set(statements.filter((s) => s.status === 'failed').flatMap((s) => s.days));
  return {
    rollupDays: complete.filter((day) => !failed.has(day)),
    rawDays: days.filter((day) => !complete.includes(day) || failed.has(day)),
    builtDays: toBuild.filter((day) => !failed.has(day)),
    failedDays: [...failed].sort(),
    statements,
  };
}

/** Runs one statement; a failure is recorded, not thrown, so the other days still get built. */
async function run(deps: EnsureRollupsDeps, request: EnsureRollupsRequest, kind: RollupStatementRun['kind'], sql: string, days: readonly UtcDay[]): Promise<RollupStatementRun> {
  const startedMs = Date.now();
  try {
    const result = await deps.engine.execute(sql, {
      label: kind === 'build' ? 'rollup-build' : 'rollup-relocate',
      deadlineMs: request.deadlineMs,
      requestToken: request.requestId === undefined ? undefined : requestToken(request.requestId, sql),
    });
    return { kind, sql, days, status: 'succeeded', queryId: result.queryId, bytesScanned: result.bytesScanned, durationMs: result.durationMs };
  } catch (error) {
    return { kind, sql, days, status: 'failed', error: describeError(error), queryId: undefined, bytesScanned: 0, durationMs: Date.now() - startedMs };
  }
}

function dayOfPartition(partition: Partition): UtcDay {
  return (partition.values.dt ?? '').replaceAll('/', '-') as UtcDay;
}

