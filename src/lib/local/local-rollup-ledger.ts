import type { UtcDay } from '../dates.js';
import { filesByDay } from '../rollup/drift.js';
import { listDataFiles } from './data-files.js';
import type { LocalRollup } from './local-rollup.js';
import type { PartitionCatalog, RollupDayRecord, RollupLedger, SourceFile, StagedRowsRecord } from '../ports.js';
import { parseStagedRecord } from '../rollup/staged.js';

/**
 * The RollupLedger of the local engine: each day's record is a row of the state database beside
 * the rollup; a day's files are those under its registered raw partitions, told apart by size and
 * modification time (a stat, never a read).
 */
export class LocalRollupLedger implements RollupLedger {
  readonly #rollup: LocalRollup;
  readonly #raw: PartitionCatalog;

  constructor(rollup: LocalRollup, raw: PartitionCatalog) {
    this.#rollup = rollup;
    this.#raw = raw;
  }

  async filesOf(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, readonly SourceFile[]>> {
    return filesByDay(this.#raw, days, async (location) => (await listDataFiles(location)).map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, version: String(f.mtimeMs) })));
  }

  async recorded(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, RollupDayRecord>> {
    const sorted = [...days].sort();
    if (sorted.length === 0) return new Map();
    const wanted = new Set(days);
    const records = await this.#rollup.dayRecords(sorted[0] as UtcDay, sorted[sorted.length - 1] as UtcDay);
    return new Map(records.filter((r) => wanted.has(r.day)).map((r) => [r.day, r]));
  }

  async record(records: readonly RollupDayRecord[]): Promise<void> {
    await this.#rollup.saveDayRecords(records);
  }

  async stagedRows(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, StagedRowsRecord>> {
    const sorted = [...days].sort();
    if (sorted.length === 0) return new Map();
    const wanted = new Set(days);
    const rows = await this.#rollup.stagedRecords(sorted[0] as UtcDay, sorted[sorted.length - 1] as UtcDay);
    const out = new Map<UtcDay, StagedRowsRecord>();
    for (const row of rows.filter((r) => wanted.has(r.day))) {
      const record = parseStagedRecord(row.day, row.record, `the staged record of ${row.day} in the local state`);
      if (record !== undefined) out.set(row.day, record);
    }
    return out;
  }

  async keepStagedRows(record: StagedRowsRecord): Promise<void> {
    await this.#rollup.saveStaged(record.day, record.build, JSON.stringify({ day: record.day, staged: record }));
  }

  async forgetStagedRows(days: readonly UtcDay[]): Promise<void> {
    for (const day of new Set(days)) await this.#rollup.saveStaged(day, null, null);
  }
}
