import { addDays, daysOf, dtOf, type DayRange, type UtcDay } from '../dates.js';
import { ACCOUNT_KEY, DT_KEY, REGION_KEY, dayLocation, type PartitionLayout } from './layout.js';

export interface Partition {
  /** Values by key name, in the layout's key order. */
  readonly values: Readonly<Record<string, string>>;
  readonly location: string;
}

export interface PartitionPlan {
  readonly wanted: readonly Partition[];
  readonly missing: readonly Partition[];
  readonly present: readonly Partition[];
}

/** Identity of a partition: its values in key order (locations do not make it another one). */
export function partitionId(keys: readonly string[], partition: Partition): string {
  return keys.map((key) => `${key}=${partition.values[key] ?? ''}`).join('/');
}

/** Every partition the layout needs for these days, sources first then days, each once. */
export function partitionsFor(layout: PartitionLayout, days: readonly UtcDay[]): Partition[] {
  const multi = layout.keys.includes(ACCOUNT_KEY);
  return layout.sources.flatMap((source) =>
    days.map((day): Partition => {
      const values: Record<string, string> = multi ? { [ACCOUNT_KEY]: source.account, [REGION_KEY]: source.region } : {};
      values[DT_KEY] = dtOf(day);
      return { values, location: dayLocation(source, day) };
    }),
  );
}

/**
 * Which partitions of a range are missing, given the ones the catalog already has. Pure: the
 * same range and catalog always give the same plan, so a second run plans nothing.
 */
export function planPartitions(layout: PartitionLayout, range: DayRange, existing: readonly Partition[]): PartitionPlan {
  const wanted = partitionsFor(layout, daysOf(range));
  const have = new Set(existing.map((p) => partitionId(layout.keys, p)));
  const missing = wanted.filter((p) => !have.has(partitionId(layout.keys, p)));
  const present = wanted.filter((p) => have.has(partitionId(layout.keys, p)));
  return { wanted, missing, present };
}

/** The range a scheduled run keeps ready: `lookBackDays` before today, today and tomorrow. */
export function scheduledRange(today: UtcDay, lookBackDays: number): DayRange {
  return { from: addDays(today, -lookBackDays), to: addDays(today, 1) };
}
