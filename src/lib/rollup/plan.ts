import { addDays, dtOf, startOfDayMs, type UtcDay } from '../dates.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { LateFolder } from '../report/window.js';
import { partitionId, partitionsFor, type Partition } from '../partitions/plan.js';

/**
 * Pure decisions of the daily rollup: which UTC days are complete, which rollup partitions to
 * build, how many days one build statement may cover, and how a report span splits into days
 * read from the rollup and days read from the raw table.
 */

/** Athena's INSERT INTO writes at most 100 partitions per statement. */
export const ATHENA_MAX_INSERT_PARTITIONS = 100;
const MINUTE_MS = 60_000;
const HOUR_SECONDS = 3600;

/**
 * A UTC day's folder is complete once the day has ended and the settle margin has passed: flow
 * logs are delivered within minutes, best effort, so a rollup written earlier could miss records.
 */
export function isDayComplete(day: UtcDay, now: Date, settleMinutes: number): boolean {
  return now.getTime() >= startOfDayMs(addDays(day, 1)) + settleMinutes * MINUTE_MS;
}

export function completeDays(days: readonly UtcDay[], now: Date, settleMinutes: number): UtcDay[] {
  return days.filter((day) => isDayComplete(day, now, settleMinutes));
}

/** The rollup partitions the days need: one per source and day, keyed like the raw table. */
export function wantedRollupPartitions(layout: PartitionLayout, days: readonly UtcDay[]): Partition[] {
  return partitionsFor(layout, days).map((p) => ({ values: p.values, location: '' }));
}

/** Wanted minus existing, by partition values (locations do not matter). */
export function missingPartitions(keys: readonly string[], wanted: readonly Partition[], existing: readonly Partition[]): Partition[] {
  const have = new Set(existing.map((p) => partitionId(keys, p)));
  return wanted.filter((p) => !have.has(partitionId(keys, p)));
}

/** Wanted partitions that already exist (what an explicit rebuild has to replace). */
export function presentPartitions(keys: readonly string[], wanted: readonly Partition[], existing: readonly Partition[]): Partition[] {
  const have = new Set(existing.map((p) => partitionId(keys, p)));
  return wanted.filter((p) => have.has(partitionId(keys, p)));
}

/** Days whose rollup is there for every source: only those can be read from the rollup. */
export function daysWithRollup(layout: PartitionLayout, days: readonly UtcDay[], existing: readonly Partition[]): UtcDay[] {
  return days.filter((day) => missingPartitions(layout.keys, wantedRollupPartitions(layout, [day]), existing).length === 0);
}

/**
 * Days grouped into build statements: as many days per INSERT as Athena's partition limit allows
 * (one partition per source and day), in order.
 */
export function buildBatches(days: readonly UtcDay[], sources: number, maxPartitions = ATHENA_MAX_INSERT_PARTITIONS): UtcDay[][] {
  const perBatch = Math.max(1, Math.floor(maxPartitions / Math.max(1, sources)));
  const sorted = [...days].sort();
  const batches: UtcDay[][] = [];
  for (let i = 0; i < sorted.length; i += perBatch) batches.push(sorted.slice(i, i + perBatch));
  return batches;
}

export interface SpanSplit {
  /** `dt` values read from the rollup (the late folder's, when its rollup is built). */
  readonly rollup: readonly string[];
  /** `dt` values read whole from the raw table, aggregated on the fly. */
  readonly raw: readonly string[];
  /** The late folder, read from its early raw files because its rollup is not built yet. */
  readonly rawLate?: LateFolder;
}

/**
 * Which of a span's folders come from the rollup. The rollup keeps each folder's records by the
 * hour they started, so the late records of a span's last minutes are the late folder's rows of
 * the span's hours; before that folder's rollup exists, only its early files are read raw (never
 * the whole folder, which its own rollup build reads once later). The rollup can serve a span
 * only when the span starts and ends on whole hours (every zone but the half- and quarter-hour
 * ones, such as Asia/Kolkata); otherwise the span is read raw.
 */
export function splitSpan(
  span: { readonly partitions: readonly string[]; readonly startEpoch: number; readonly endEpoch: number; readonly late?: LateFolder },
  rollupDays: readonly UtcDay[],
): SpanSplit {
  const late = span.late;
  if (!isHourAligned(span.startEpoch) || !isHourAligned(span.endEpoch)) return { rollup: [], raw: [...span.partitions], ...(late === undefined ? {} : { rawLate: late }) };
  const stored = new Set(rollupDays.map(dtOf));
  const lateStored = late !== undefined && stored.has(late.dt);
  return {
    rollup: [...span.partitions.filter((dt) => stored.has(dt)), ...(lateStored ? [late.dt] : [])],
    raw: span.partitions.filter((dt) => !stored.has(dt)),
    ...(late === undefined || lateStored ? {} : { rawLate: late }),
  };
}

export function isHourAligned(epochSeconds: number): boolean {
  return epochSeconds % HOUR_SECONDS === 0;
}

/**
 * What a build statement may cost: a day's share of the measured bytes and time of an earlier
 * build (undefined before one was measured), the workgroup's bytes-scanned cutoff per query and
 * the time left before the deadline.
 */
export interface BuildSizing {
  readonly sources: number;
  /** Raw bytes one day (all sources) scanned in an earlier build: its bytes over its days. */
  readonly bytesPerDay: number | undefined;
  /** Milliseconds one day took in an earlier build: its duration over its days. */
  readonly msPerDay: number | undefined;
  readonly maxBytesPerQuery: number;
  /** Milliseconds until the deadline; undefined when there is none. */
  readonly timeLeftMs: number | undefined;
  readonly maxPartitions?: number;
  /** At most this many days per build, whatever the other limits allow (the local engine: see FlowlogContext.rollupDaysPerBuild). */
  readonly maxDays?: number;
}

/** Estimates are kept this far under the cutoff and the deadline: days differ in size, and Athena in speed. */
export const BUILD_HEADROOM = 0.75;
/** No build is started with less time than this left: its switch and clean-up need a few DDL statements. */
export const MIN_BUILD_TIME_MS = 30_000;

/**
 * Days one build statement may cover: as many as fit Athena's partition limit (one partition per
 * source and day), the workgroup's bytes-scanned cutoff and the time left, each estimated from
 * an earlier build's bytes and time per day with BUILD_HEADROOM. Before any build was measured it
 * is one day, the measurement; 0 means start no build (no time left, or one day alone is expected
 * to pass the cutoff).
 */
export function daysPerBuild(sizing: BuildSizing): number {
  const byPartitions = Math.max(
    1,
    Math.min(sizing.maxDays ?? Number.POSITIVE_INFINITY, Math.floor((sizing.maxPartitions ?? ATHENA_MAX_INSERT_PARTITIONS) / Math.max(1, sizing.sources))),
  );
  if ((sizing.timeLeftMs ?? Number.POSITIVE_INFINITY) < MIN_BUILD_TIME_MS) return 0;
  if (sizing.bytesPerDay === undefined) return 1;
  // A day measured at 0 bytes divides to Infinity: then the partitions and the time decide.
  const byBytes = Math.max(sizing.bytesPerDay <= sizing.maxBytesPerQuery ? 1 : 0, Math.floor((sizing.maxBytesPerQuery * BUILD_HEADROOM) / sizing.bytesPerDay));
  const byTime =
    sizing.timeLeftMs === undefined || sizing.msPerDay === undefined || sizing.msPerDay <= 0
      ? byPartitions
      : Math.floor(((sizing.timeLeftMs - MIN_BUILD_TIME_MS) * BUILD_HEADROOM) / sizing.msPerDay);
  return Math.max(0, Math.min(byPartitions, byBytes, byTime));
}
