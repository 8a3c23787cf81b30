import type { FlowlogContext } from '../context.js';
import type { TableShape } from '../flowlog/raw-table.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { QueryEngine } from '../ports.js';
import type { ReportConfig } from '../report/report-config.js';
import type { EnsurePartitionsDeps } from './ensure-partitions.js';
import type { EnsureRollupsDeps } from './ensure-rollups.js';
import type { ReportRollup, RunReportDeps } from './run-report.js';

/*
 * The use cases' dependencies, each built from an opened context in one function, so the
 * partitions job, the report and the command line cannot assemble them differently.
 */

/** What ensurePartitions needs: the raw table's catalog and names, its layout, the engine that runs the DDL. */
export function partitionsDeps(context: FlowlogContext): EnsurePartitionsDeps {
  return { catalog: context.catalog, engine: context.engine, database: context.config.database, table: context.config.table, layout: context.layout };
}

/** The stored daily rollup as the report reads it; none when the engine has no rollup catalog. */
export function reportRollup(context: FlowlogContext): ReportRollup | undefined {
  if (context.rollupCatalog === undefined) return undefined;
  const { rollup } = context.config;
  return {
    table: rollup.table,
    catalog: context.rollupCatalog,
    settleMinutes: rollup.settleMinutes,
    maxBytesPerQuery: rollup.maxBytesPerQuery,
    ...(context.rollupDaysPerBuild === undefined ? {} : { maxDaysPerBuild: context.rollupDaysPerBuild }),
    ...(context.rollupLedger === undefined ? {} : { ledger: context.rollupLedger }),
    ...(context.objectStore === undefined ? {} : { objectStore: context.objectStore }),
  };
}

/** The raw table's side of a rollup build: a report's dependencies have it, and so does a context's. */
export interface RawTable {
  readonly engine: QueryEngine;
  readonly layout: PartitionLayout;
  readonly database: string;
  readonly table: string;
  readonly shape?: TableShape;
}

/** The raw table of a context, as a rollup build reads it. */
export function rawTableOf(context: FlowlogContext): RawTable {
  return {
    engine: context.engine,
    layout: context.layout,
    database: context.config.database,
    table: context.config.table,
    ...(context.shape === undefined ? {} : { shape: context.shape }),
  };
}

/** What ensureRollups needs: the raw table it reads and the rollup it builds. */
export function rollupsDeps(raw: RawTable, rollup: ReportRollup, now: () => Date): EnsureRollupsDeps {
  return {
    engine: raw.engine,
    rollupCatalog: rollup.catalog,
    layout: raw.layout,
    database: raw.database,
    table: raw.table,
    rollupTable: rollup.table,
    ...(raw.shape === undefined ? {} : { shape: raw.shape }),
    settleMinutes: rollup.settleMinutes,
    ...(rollup.maxBytesPerQuery === undefined ? {} : { maxBytesPerQuery: rollup.maxBytesPerQuery }),
    ...(rollup.maxDaysPerBuild === undefined ? {} : { maxDaysPerBuild: rollup.maxDaysPerBuild }),
    ...(rollup.ledger === undefined ? {} : { ledger: rollup.ledger }),
    ...(rollup.objectStore === undefined ? {} : { objectStore: rollup.objectStore }),
    now,
  };
}

/** What runReport needs: the context's engine, catalogs and names, the report's settings and clock. */
export function reportDeps(context: FlowlogContext, report: ReportConfig, now: () => Date): RunReportDeps {
  const rollup = reportRollup(context);
  return {
    engine: context.engine,
    catalog: context.catalog,
    layout: context.layout,
    database: context.config.database,
    table: context.config.table,
    ...(context.shape === undefined ? {} : { shape: context.shape }),
    config: report,
    ...(rollup === undefined ? {} : { rollup }),
    now,
  };
}
