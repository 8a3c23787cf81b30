import { dtOf, type DayRange } from '../dates.js';
import type { FlowLogField } from '../flowlog/format.js';
import type { Partition } from '../partitions/plan.js';
import type { PartitionCatalog, TableDescription } from '../ports.js';
import { absolutePartition } from '../duckdb/local-table.js';
import type { StateStore } from './state-store.js';

export interface LocalCatalogOptions {
  readonly database: string;
  readonly table: string;
  readonly keys: readonly string[];
  readonly format: readonly FlowLogField[];
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  /** The folder the table's files live under (the one source's folder, or the data folder). */
  readonly location: string;
}

/** The PartitionCatalog of the local engine: the partitions registered in the state database. */
export class LocalCatalog implements PartitionCatalog {
  readonly #store: StateStore;
  readonly #options: LocalCatalogOptions;

  constructor(store: StateStore, options: LocalCatalogOptions) {
    this.#store = store;
    this.#options = options;
  }

  async describeTable(): Promise<TableDescription> {
    const { database, table, keys, format, location } = this.#options;
    return {
      database,
      table,
      partitionKeys: [...keys],
      // Glue's type names, as the Glue catalog reports them.
      columns: format.map((f) => ({ name: f.column, type: f.type })),
      location,
    };
  }

  async listPartitions(range: DayRange): Promise<Partition[]> {
    const stored = await this.#store.partitions({ fromDt: dtOf(range.from), toDt: dtOf(range.to) });
    return stored.map((p) => absolutePartition(this.#options.dataDir, p));
  }
}
