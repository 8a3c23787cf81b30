import type { UtcDay } from '../dates.js';
import { asError, StateError } from '../errors.js';
import type { SourceFile, StagedRowsRecord } from '../ports.js';

/**
 * How old staged early rows may be when a build reuses them, in hours. Daily reports run 24 h
 * apart, so the folder a report stages is built by the next day's report, 24 h later. The S3
 * lifecycle rule expires `rollup/builds/early-` objects after 2 days (S3 adds the days to the
 * creation time and rounds up to the next midnight UTC, so never before 48 h): rows younger than
 * 44 h are still there, with 4 h to spare for a long build.
 */
export const STAGED_ROWS_MAX_AGE_HOURS = 44;

// The delivery stamp of AWS's file names, as relations/late-files.sql reads it from "$path".
const STAMP = /_([0-9]{8}T[0-9]{4})Z_[^/]*$/;

/**
 * The early files of a folder's listing: those whose name's delivery stamp is at most
 * `deliveredBy` (`YYYYMMDDTHHmm`), and those without a stamp, exactly as relations/late-files.sql
 * picks them, so naming them in the staging INSERT reads the same files.
 */
export function earlyFilesOf(files: readonly SourceFile[], deliveredBy: string): SourceFile[] {
  return files.filter((f) => (STAMP.exec(f.path)?.[1] ?? '') <= deliveredBy);
}

/** Whether a build may read a day's staged early rows instead of their files, and if not, why. */
export type StagedRowsDecision = { readonly use: true } | { readonly use: false; readonly why: string };

/**
 * Staged rows are used only while they cannot have been expired (younger than
 * STAGED_ROWS_MAX_AGE_HOURS, and not from the future) and while every file they came from is still
 * listed with the same size and version (ETag, or mtime locally): a file changed or removed since
 * means the rows are no longer its records. Files added since are not in the record and are read raw.
 */
export function stagedRowsDecision(record: StagedRowsRecord, listed: readonly SourceFile[], now: Date): StagedRowsDecision {
  const ageMs = now.getTime() - Date.parse(record.stagedAt);
  if (!Number.isFinite(ageMs) || ageMs < 0) return { use: false, why: `they were staged at ${JSON.stringify(record.stagedAt)}, not a time before now` };
  if (ageMs >= STAGED_ROWS_MAX_AGE_HOURS * 3_600_000) {
    return { use: false, why: `they were staged ${(ageMs / 3_600_000).toFixed(1)} h ago, not under ${STAGED_ROWS_MAX_AGE_HOURS} h (the lifecycle rule may have expired them)` };
  }
  if (record.files.length === 0) return { use: false, why: 'they name no file' };
  const byPath = new Map(listed.map((f) => [f.path, f]));
  const changed = record.files.filter((f) => {
    const seen = byPath.get(f.path);
    return seen === undefined || seen.sizeBytes !== f.sizeBytes || seen.version !== f.version;
  });
  if (changed.length > 0)
    return {
      use: false,
      why: `${changed.length} of their ${record.files.length} files changed or went away since (${changed[0]?.path ?? ''}${changed.length > 1 ? ', ...' : ''})`,
    };
  return { use: true };
}

/** The day's staged rows a build may use, and what to say of those it may not. */
export function usableStagedRows(
  records: ReadonlyMap<UtcDay, StagedRowsRecord>,
  listed: ReadonlyMap<UtcDay, readonly SourceFile[]>,
  days: readonly UtcDay[],
  now: Date,
): { usable: StagedRowsRecord[]; refused: { day: UtcDay; why: string }[] } {
  const usable: StagedRowsRecord[] = [];
  const refused: { day: UtcDay; why: string }[] = [];
  for (const day of days) {
    const record = records.get(day);
    if (record === undefined) continue;
    const decision = stagedRowsDecision(record, listed.get(day) ?? [], now);
    if (decision.use) usable.push(record);
    else refused.push({ day, why: decision.why });
  }
  return { usable, refused };
}

/** A stored staged-rows record, checked field by field; undefined when it says the rows were let go. */
export function parseStagedRecord(day: UtcDay, text: string, where: string): StagedRowsRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateError(`${where} is not JSON: ${asError(error).message}`);
  }
  const v = value as { day?: unknown; staged?: unknown } | null;
  if (typeof v === 'object' && v !== null && v.day === day && v.staged === null) return undefined;
  const r = (typeof v === 'object' && v !== null ? v.staged : undefined) as Partial<StagedRowsRecord> | null | undefined;
  const isFile = (f: unknown): f is SourceFile => {
    const o = f as Partial<SourceFile> | null;
    return typeof o === 'object' && o !== null && typeof o.path === 'string' && typeof o.sizeBytes === 'number' && typeof o.version === 'string';
  };
  const isPartition = (p: unknown): boolean => {
    const o = p as { values?: unknown; location?: unknown } | null;
    return (
      typeof o === 'object' &&
      o !== null &&
      typeof o.location === 'string' &&
      typeof o.values === 'object' &&
      o.values !== null &&
      Object.values(o.values).every((x) => typeof x === 'string')
    );
  };
  if (
    v?.day !== day ||
    typeof r !== 'object' ||
    r === null ||
    r.day !== day ||
    typeof r.build !== 'string' ||
    typeof r.stagedAt !== 'string' ||
    !Array.isArray(r.files) ||
    !r.files.every(isFile) ||
    !Array.isArray(r.partitions) ||
    !r.partitions.every(isPartition)
  ) {
    throw new StateError(`${where} is not the staged-rows record of ${day} (day, and staged: build, stagedAt, files and partitions, or null, expected)`);
  }
  return { day, build: r.build, stagedAt: r.stagedAt, files: r.files, partitions: r.partitions };
}
