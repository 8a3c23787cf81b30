import { dtOf, type DayRange } from '../dates.js';
import type { LocalRollup } from './local-rollup.js';
import type { Partition } from '../partitions/plan.js';
import type { PartitionCatalog, TableDescription } from '../ports.js';

/** The PartitionCatalog of the local rollup: its partitions are the key values its table holds. */
export class LocalRollupCatalog implements PartitionCatalog {
  readonly #rollup: LocalRollup;
  readonly #location: string;

  /** `location` stands for the table's LOCATION (the state file); rebuilds name folders under it that the local engine only uses as a signal. */
  constructor(rollup: LocalRollup, location: string) {
    this.#rollup = rollup;
    this.#location = location;
  }

  async describeTable(): Promise<TableDescription> {
    const { database, rollupTable, keys } = this.#rollup.options;
    return { database, table: rollupTable, partitionKeys: [...keys], columns: [], location: this.#location };
  }

  async listPartitions(range: DayRange): Promise<Partition[]> {
    return this.#rollup.partitions({ fromDt: dtOf(range.from), toDt: dtOf(range.to) });
  }
}
