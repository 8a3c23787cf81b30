/**
 * What the use cases run on: the adapters one composition root built for one configuration
 * (src/lib/wiring/aws.ts for the Lambda functions, src/lib/wiring/local.ts for the command line),
 * behind the ports of ports.ts. A job opens one per run and closes it when done.
 */
import type { FlowlogConfig } from './config.js';
import type { TableShape } from './flowlog/raw-table.js';
import type { PartitionLayout } from './partitions/layout.js';
import type { ArtifactStore, InterfaceDirectory, ListReader, Notifier, ObjectStore, PartitionCatalog, QueryEngine, RollupLedger } from './ports.js';

export interface FlowlogContext {
  /** The checked configuration the context was built for: table names, rollup settings. */
  readonly config: FlowlogConfig;
  readonly engine: QueryEngine;
  /** The raw table's partitions (Glue, or the local state). */
  readonly catalog: PartitionCatalog;
  readonly layout: PartitionLayout;
  /** How the raw table names its columns (from the configuration, or from Glue for an adopted table). */
  readonly shape?: TableShape;
  /** The stored daily rollup's partitions; without one, reports read the raw table only. */
  readonly rollupCatalog?: PartitionCatalog;
  /** Where each rollup day's source files and skipped reads are kept (the state database, or S3 on Athena). */
  readonly rollupLedger?: RollupLedger;
  /**
   * At most this many days per rollup build statement; unbounded (Athena's own limits) when
   * absent. The local engine builds one day at a time: a build of several days at once outgrew
   * DuckDB's memory limit and failed, leaving those days to be read raw by every query.
   */
  readonly rollupDaysPerBuild?: number;
  /** Where orphaned rollup build folders are deleted (S3; the local engine has none to delete). */
  readonly objectStore?: ObjectStore;
  /** Where a finished report goes (SNS, a Slack webhook); none for the partitions job. */
  readonly notifiers: readonly Notifier[];
  /** Where the report's files are saved, when the configuration names a bucket. */
  readonly artifacts?: ArtifactStore;
  /** Reads the report's lists (suppressions, watchlist) where the configuration keeps them: SSM or a bundled file. */
  readonly lists?: ListReader;
  /** Says where the interfaces of findings and digests live (the stack's interfaces function, or a saved file). */
  readonly interfaces?: InterfaceDirectory;
  /** Lets go of the engine (DuckDB's instance and state lock); harmless twice. */
  close(): Promise<void>;
}

/** Opens a context for one run; each composition root gives one. */
export type ContextOpener = () => Promise<FlowlogContext>;
