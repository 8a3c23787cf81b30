import type { FlowlogConfig } from '../config.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { TableShape } from '../flowlog/raw-table.js';
import type { ObjectStore, PartitionCatalog, QueryEngine, RollupLedger } from '../ports.js';
import type { ReportRollup } from '../use-cases/run-report.js';

/*
 * The engines' wiring that needs no AWS SDK: the command line imports only this (and
 * report-deps.ts), so it starts without loading the SDK; the AWS side is in aws.ts.
 */

/** An engine with its catalog and layout, and how to let go of them. */
export interface EngineHandle {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  /** The stored daily rollup's partitions; without one, reports read the raw table only. */
  readonly rollupCatalog?: PartitionCatalog;
  /** Where each rollup day's source files and skipped reads are kept (the state database, or S3 on Athena). */
  readonly rollupLedger?: RollupLedger;
  /** Where orphaned rollup build folders are deleted (S3; the local engine has none to delete). */
  readonly objectStore?: ObjectStore;
  readonly layout: PartitionLayout;
  /** How the raw table names its columns (from the configuration, or from Glue for an adopted table). */
  readonly shape?: TableShape;
  close(): Promise<void>;
}

/**
 * DuckDB over a local copy of the bucket. Imported only when asked for, so the Lambda bundles
 * (which exclude DuckDB) never load it.
 */
export async function openLocalEngine(config: FlowlogConfig): Promise<EngineHandle> {
  const { openLocal } = await import('./local.js');
  return openLocal(config);
}

/** The report's rollup from an opened engine and the configuration; none when the engine has no rollup catalog. */
export function reportRollup(handle: EngineHandle, config: FlowlogConfig): ReportRollup | undefined {
  if (handle.rollupCatalog === undefined) return undefined;
  return {
    table: config.rollup.table,
    catalog: handle.rollupCatalog,
    settleMinutes: config.rollup.settleMinutes,
    maxBytesPerQuery: config.rollup.maxBytesPerQuery,
    ...(handle.rollupLedger === undefined ? {} : { ledger: handle.rollupLedger }),
    ...(handle.objectStore === undefined ? {} : { objectStore: handle.objectStore }),
  };
}
