import * as v from 'valibot';
import { addDays, dayOf, parseDay, type UtcDay } from '../lib/dates.js';
import { ValidationError } from '../lib/errors.js';
import { DEFAULT_FORMAT, fieldByName, type FlowLogField } from '../lib/flowlog/format.js';
import type { SourceId } from '../lib/config.js';
import { validateAccount, validateRegion, type FolderStyle } from '../lib/partitions/layout.js';
import { isRecord, objectMessage, parseOrRefuse, validatedBy } from '../lib/validation.js';

/** What a caller may ask for; everything but `out` has a default. */
export interface SampleOptions {
  readonly out: string;
  /** The last day generated (UTC); yesterday by default, the newest complete day. */
  readonly endDate?: string;
  readonly days?: number;
  /** Normal records per day and source; the last day adds the incident records on top. */
  readonly recordsPerDay?: number;
  readonly sources?: readonly SourceId[];
  readonly format?: readonly FlowLogField[];
  readonly incidents?: boolean;
  readonly seed?: string;
  readonly gzipLevel?: number;
  /** Folder names as a flow log with Hive-compatible S3 prefixes writes them; `default` otherwise. */
  readonly folders?: FolderStyle;
  /** One subfolder per hour below each day, as a flow log with per-hour partitions delivers. */
  readonly perHour?: boolean;
  /** `parquet`: each file written as AWS delivers Parquet (`.log.parquet`); `plain-text` (gzip) otherwise. */
  readonly fileFormat?: SampleFileFormat;
  /**
   * Long-lived connections per source: every normal record repeats one of them (same interface,
   * addresses, ports, protocol, action and size), as the same clients call the same services all
   * day. 0, the default, makes each record a connection of its own (the worst case for the rollup).
   */
  readonly connections?: number;
}

export type SampleFileFormat = 'plain-text' | 'parquet';
export const SAMPLE_FILE_FORMATS: readonly SampleFileFormat[] = Object.freeze(['plain-text', 'parquet']);

export interface ResolvedSampleOptions {
  readonly out: string;
  /** Every day generated, oldest first; incidents go on the last one. */
  readonly days: readonly UtcDay[];
  readonly recordsPerDay: number;
  readonly sources: readonly SourceId[];
  readonly format: readonly FlowLogField[];
  readonly incidents: boolean;
  readonly seed: string;
  readonly gzipLevel: number;
  readonly fileFormat: SampleFileFormat;
  readonly folders: FolderStyle;
  readonly perHour: boolean;
  readonly connections: number;
}

export const DEFAULT_SAMPLE_SOURCE: SourceId = Object.freeze({ account: '123456789012', region: 'ap-northeast-1' });
export const DEFAULT_RECORDS_PER_DAY = 20_000;
export const DEFAULT_SEED = 'flowlog-pilot';
/** A year of days: enough for any baseline, small enough that a typo does not fill a disk. */
export const MAX_DAYS = 366;
/** Twenty times the 5-million-record benchmark day. */
export const MAX_RECORDS_PER_DAY = 100_000_000;
export const MAX_SOURCES = 50;
/**
 * Level 4 compresses flow-log text about twice as fast as zlib's default 6 for files some 10%
 * larger (measured on a 7.5 MB hour: 81 ms vs 154 ms, 1.80 MB vs 1.64 MB); generating millions of
 * records is bound by compression, so speed wins.
 */
export const DEFAULT_GZIP_LEVEL = 4;

const whole = (min: number, max: number) => {
  const message = (issue: v.BaseIssue<unknown>) =>
    `expected a whole number from ${min} to ${max}, got ${typeof issue.input === 'number' ? String(issue.input) : (JSON.stringify(issue.input) ?? typeof issue.input)}`;
  return v.pipe(
    v.number(message),
    v.check((n) => Number.isInteger(n) && n >= min && n <= max, message),
  );
};
const Source = v.object({ account: v.unknown(), region: v.unknown() }, 'expected an ACCOUNT:REGION source ({account, region})');
const Field = v.custom<FlowLogField>(
  (item) => isRecord(item) && typeof item.name === 'string' && fieldByName(item.name) === (item as unknown),
  'expected a flow-log field of src/lib/flowlog/format.ts',
);

/** Every option with its default; each bad key is an issue of its own, so one error names them all. */
const SampleOptionsSchema = v.object(
  {
    out: v.pipe(
      v.string('an output folder is required'),
      v.check((out) => out.trim() !== '', 'an output folder is required'),
    ),
    endDate: v.optional(
      v.pipe(
        v.unknown(),
        validatedBy((day) => parseDay(day)),
      ),
    ),
    days: v.optional(whole(1, MAX_DAYS), 1),
    recordsPerDay: v.optional(whole(1, MAX_RECORDS_PER_DAY), DEFAULT_RECORDS_PER_DAY),
    gzipLevel: v.optional(whole(1, 9), DEFAULT_GZIP_LEVEL),
    sources: v.optional(
      v.pipe(
        v.array(Source, 'expected a list of ACCOUNT:REGION sources'),
        v.minLength(1, 'at least one ACCOUNT:REGION source is needed'),
        v.maxLength(MAX_SOURCES, (issue) => `at most ${MAX_SOURCES} sources, got ${String(issue.received)}`),
        validatedBy((list: { account: unknown; region: unknown }[]) =>
          list.map((s): SourceId => Object.freeze({ account: validateAccount(s.account), region: validateRegion(s.region) })),
        ),
      ),
      [DEFAULT_SAMPLE_SOURCE],
    ),
    format: v.optional(v.pipe(v.array(Field, 'expected a list of flow-log fields'), v.minLength(1, 'at least one field is needed')), DEFAULT_FORMAT),
    incidents: v.optional(v.boolean('expected true or false'), true),
    seed: v.optional(
      v.pipe(v.string('expected 1 to 200 characters'), v.minLength(1, 'expected 1 to 200 characters'), v.maxLength(200, 'expected 1 to 200 characters')),
      DEFAULT_SEED,
    ),
    folders: v.optional(
      v.picklist(['default', 'hive'] as const, (issue) => `must be default or hive, got ${JSON.stringify(issue.input)}`),
      'default',
    ),
    perHour: v.optional(v.boolean('expected true or false'), false),
    fileFormat: v.optional(
      v.picklist(SAMPLE_FILE_FORMATS, (issue) => `must be ${SAMPLE_FILE_FORMATS.join(' or ')}, got ${JSON.stringify(issue.input)}`),
      'plain-text',
    ),
    connections: v.optional(whole(0, MAX_RECORDS_PER_DAY), 0),
  },
  objectMessage('expected the sample options as an object'),
);

/**
 * Checks every option before anything is written, so a bad value never leaves a half-written
 * sample behind; one ValidationError names every bad option. `now` is passed in so the default
 * end date is testable.
 */
export function resolveSampleOptions(options: SampleOptions, now: Date): ResolvedSampleOptions {
  const parsed = parseOrRefuse(SampleOptionsSchema, options, 'options');
  const endDate = parsed.endDate ?? addDays(dayOf(now), -1);
  const first = addDays(endDate, -(parsed.days - 1));
  if (first < '1970-01-01') throw new ValidationError('days', `${parsed.days} days before ${endDate} is before 1970`);
  return Object.freeze({
    out: parsed.out,
    days: Object.freeze(Array.from({ length: parsed.days }, (_, i) => addDays(first, i))),
    recordsPerDay: parsed.recordsPerDay,
    sources: Object.freeze(parsed.sources),
    format: parsed.format,
    incidents: parsed.incidents,
    seed: parsed.seed,
    gzipLevel: parsed.gzipLevel,
    folders: parsed.folders,
    perHour: parsed.perHour,
    connections: parsed.connections,
    fileFormat: parsed.fileFormat,
  });
}
