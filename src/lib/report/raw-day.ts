import type { UtcDay } from '../dates.js';
import type { SourceFile } from '../ports.js';
import type { RawDaySize, Report } from './model.js';

/**
 * The compressed size of the raw folders a report's window reads (a UTC report: its day's
 * folder), from the rollup ledger's listing (S3 ListObjectsV2 sizes, or the local files' sizes):
 * what the report's bytes scanned are compared with. Undefined when a day was not listed.
 */
export function rawDaySize(days: readonly UtcDay[], listed: ReadonlyMap<UtcDay, readonly SourceFile[]>): RawDaySize | undefined {
  if (days.length === 0 || days.some((day) => !listed.has(day))) return undefined;
  const files = days.flatMap((day) => listed.get(day) ?? []);
  return { days: [...days], files: files.length, bytes: files.reduce((sum, f) => sum + f.sizeBytes, 0) };
}

/** Bytes scanned by the report (all its queries and builds) over its raw day's compressed size; undefined without a size. */
export function scannedToRaw(report: Pick<Report, 'bytesScanned' | 'rawDay'>): number | undefined {
  if (report.rawDay === undefined || report.rawDay.bytes <= 0) return undefined;
  return Math.round((report.bytesScanned / report.rawDay.bytes) * 100) / 100;
}
