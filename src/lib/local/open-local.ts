import type { FlowlogConfig } from '../config.js';
import { FlowlogError } from '../errors.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { PartitionCatalog, QueryEngine } from '../ports.js';

export interface LocalHandle {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  close(): Promise<void>;
}

/** Stands in for the DuckDB engine factory until it is merged; it only says that it is missing. */
export async function openLocal(config: FlowlogConfig): Promise<LocalHandle> {
  throw new FlowlogError('the local engine is not part of this build', { dataDir: config.local.dataDir });
}
