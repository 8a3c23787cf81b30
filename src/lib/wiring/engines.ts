import { AthenaEngine } from '../adapters/athena-engine.js';
import { GlueCatalog } from '../adapters/glue-catalog.js';
import type { AwsClients } from '../aws/clients.js';
import type { FlowlogConfig } from '../config.js';
import type { PartitionLayout } from '../partitions/layout.js';
import { adoptedLayout, configuredLayout } from '../partitions/table-layout.js';
import type { PartitionCatalog, QueryEngine } from '../ports.js';
import type { ReportRollup } from '../use-cases/run-report.js';

/** An engine with its catalog and layout, and how to let go of them. */
export interface EngineHandle {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  /** The stored daily rollup's partitions; without one, reports read the raw table only. */
  readonly rollupCatalog?: PartitionCatalog;
  readonly layout: PartitionLayout;
  close(): Promise<void>;
}

/**
 * Athena for queries and DDL, Glue for what partitions exist. Built once per cold start; an
 * adopted table's layout is read from Glue on each open (cheap, and a changed LOCATION is seen).
 */
export function athenaOpener(config: FlowlogConfig, clients: AwsClients): () => Promise<EngineHandle> {
  const engine = new AthenaEngine({
    client: clients.athena,
    workgroup: config.athena.workgroup,
    database: config.database,
    ...(config.athena.outputLocation === undefined ? {} : { outputLocation: config.athena.outputLocation }),
  });
  const catalog = new GlueCatalog({ client: clients.glue, database: config.database, table: config.table });
  const rollupCatalog = new GlueCatalog({ client: clients.glue, database: config.database, table: config.rollup.table });
  const created = config.tableMode === 'create' ? configuredLayout(config) : undefined;
  return async () => ({ engine, catalog, rollupCatalog, layout: created ?? adoptedLayout(await catalog.describeTable(), config), close: async () => {} });
}

/**
 * DuckDB over a local copy of the bucket. Imported only when asked for, so the Lambda bundles
 * (which exclude DuckDB) never load it.
 */
export async function openLocalEngine(config: FlowlogConfig): Promise<EngineHandle> {
  const { openLocal } = await import('../local/open-local.js');
  return openLocal(config);
}

/** The report's rollup from an opened engine and the configuration; none when the engine has no rollup catalog. */
export function reportRollup(handle: EngineHandle, config: FlowlogConfig): ReportRollup | undefined {
  if (handle.rollupCatalog === undefined) return undefined;
  return { table: config.rollup.table, catalog: handle.rollupCatalog, settleMinutes: config.rollup.settleMinutes };
}

/** The engine the configuration names. */
export function engineOpener(config: FlowlogConfig, clients: () => AwsClients): () => Promise<EngineHandle> {
  if (config.engine === 'local') return () => openLocalEngine(config);
  return athenaOpener(config, clients());
}
