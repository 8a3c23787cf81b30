import { dtOf, type UtcDay } from '../dates.js';
import type { PartitionCatalog, ReadWarning, RollupDayRecord, SourceFile } from '../ports.js';
import { describeSkipped } from '../report/skipped-reads.js';

/**
 * Pure decisions about a stored rollup day against its raw folders now: whether it has to be
 * built again, and the warnings a report gives about it.
 */

export interface FileChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** What a day's stored rollup should do, given the files it was built from and those there now. */
export type DayDrift =
  | { readonly kind: 'same' }
  /** Files added, changed or removed since the build: the day is built again before the report. */
  | { readonly kind: 'changed'; readonly changes: FileChanges }
  /** Built before the files were recorded: built again once, so that they are. */
  | { readonly kind: 'unrecorded' }
  /** Every raw file is gone (logs expired or moved away): the rollup is all that is left, so it is kept. */
  | { readonly kind: 'raw-gone'; readonly recordedFiles: number };

/** Files by path: added, changed (size or version) and removed, each in path order. */
export function fileChanges(before: readonly SourceFile[], now: readonly SourceFile[]): FileChanges {
  const old = new Map(before.map((f) => [f.path, f]));
  const current = new Map(now.map((f) => [f.path, f]));
  const sorted = (paths: Iterable<string>) => [...paths].sort();
  return {
    added: sorted(now.filter((f) => !old.has(f.path)).map((f) => f.path)),
    changed: sorted(
      now
        .filter((f) => {
          const o = old.get(f.path);
          return o !== undefined && (o.sizeBytes !== f.sizeBytes || o.version !== f.version);
        })
        .map((f) => f.path),
    ),
    removed: sorted(before.filter((f) => !current.has(f.path)).map((f) => f.path)),
  };
}

export function dayDrift(record: RollupDayRecord | undefined, now: readonly SourceFile[]): DayDrift {
  if (record !== undefined && record.files.length > 0 && now.length === 0) return { kind: 'raw-gone', recordedFiles: record.files.length };
  if (record === undefined) return now.length === 0 ? { kind: 'same' } : { kind: 'unrecorded' };
  const changes = fileChanges(record.files, now);
  return changes.added.length + changes.changed.length + changes.removed.length === 0 ? { kind: 'same' } : { kind: 'changed', changes };
}

/**
 * Gives each skipped file or line to the day whose folder holds the file; one no listing knows
 * (added between the listing and the build) goes to every day of the build, so none is lost.
 */
export function skippedByDay(skipped: readonly ReadWarning[], files: ReadonlyMap<UtcDay, readonly SourceFile[]>, days: readonly UtcDay[]): Map<UtcDay, ReadWarning[]> {
  const dayOf = new Map<string, UtcDay>();
  for (const day of days) for (const file of files.get(day) ?? []) dayOf.set(file.path, day);
  const out = new Map<UtcDay, ReadWarning[]>(days.map((day) => [day, []]));
  for (const warning of skipped) {
    const day = dayOf.get(warning.file);
    for (const target of day === undefined ? days : [day]) out.get(target)?.push(warning);
  }
  return out;
}

/** Paths named in one warning; the counts stay exact. */
export const MAX_FILES_NAMED = 5;

function named(label: string, paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const shown = paths.slice(0, MAX_FILES_NAMED).join(', ');
  const more = paths.length > MAX_FILES_NAMED ? ` and ${paths.length - MAX_FILES_NAMED} more` : '';
  return `${paths.length} ${label} (${shown}${more})`;
}

/** The report's line about a day built again because its files changed since its rollup was built. */
export function describeDrift(day: UtcDay, drift: DayDrift): string | undefined {
  switch (drift.kind) {
    case 'same':
      return undefined;
    case 'unrecorded':
      return `the rollup of ${day} was built again before this report: it had no record of the files it was built from`;
    case 'raw-gone':
      return `the raw files of ${day} are gone (${drift.recordedFiles} when its rollup was built); its stored rollup is kept and read`;
    case 'changed': {
      const parts = [named('added', drift.changes.added), named('changed', drift.changes.changed), named('removed', drift.changes.removed)].filter(
        (p): p is string => p !== undefined,
      );
      return `the rollup of ${day} was built again before this report: files changed since it was built: ${parts.join('; ')}`;
    }
  }
}

/** A stored day's skipped files and lines as report warnings, each saying which day's rollup they concern. */
export function describeStoredSkipped(day: UtcDay, skipped: readonly ReadWarning[]): string[] {
  return describeSkipped(skipped).map((line) => `rollup of ${day}: ${line}`);
}

/**
 * The raw files of each day, whatever lists a folder (the local file system, S3): the days' raw
 * partitions from the catalog, each partition's folder listed once, every day present (empty when
 * it has no folder), each list in path order so two listings compare file by file.
 */
export async function filesByDay(
  raw: PartitionCatalog,
  days: readonly UtcDay[],
  listFolder: (location: string) => Promise<readonly SourceFile[]>,
): Promise<ReadonlyMap<UtcDay, readonly SourceFile[]>> {
  const out = new Map<UtcDay, SourceFile[]>(days.map((day) => [day, []]));
  const sorted = [...days].sort();
  if (sorted.length === 0) return out;
  const byDt = new Map(days.map((day) => [dtOf(day), day]));
  const partitions = await raw.listPartitions({ from: sorted[0] as UtcDay, to: sorted[sorted.length - 1] as UtcDay });
  await Promise.all(
    partitions.map(async (partition) => {
      const day = byDt.get(partition.values.dt ?? '');
      if (day === undefined) return;
      out.get(day)?.push(...(await listFolder(partition.location)));
    }),
  );
  for (const list of out.values()) list.sort((a, b) => a.path.localeCompare(b.path));
  return out;
}
