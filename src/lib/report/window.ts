import { DEFAULT_ROLLUP_SETTLE_MINUTES } from '../config.js';
import { addDays, dayOf, daysOf, dtOf, parseDay, quoteForMessage, startOfDayMs, type UtcDay } from '../dates.js';
import { ValidationError } from '../errors.js';
import type { ReportWindow } from './model.js';

/** Days the baseline rules (reject-spike, egress-spike) compare the report day against. */
export const BASELINE_DAYS = 7;

export interface TimeSpan {
  /** ISO 8601 instants, start inclusive, end exclusive. */
  readonly start: string;
  readonly end: string;
  /** The same instants as epoch seconds, the unit of the flow-log `start` field. */
  readonly startEpoch: number;
  readonly endEpoch: number;
  /** The UTC `dt` values (YYYY/MM/DD) whose folders can hold records of the span. */
  readonly partitions: readonly string[];
  /** The same UTC days as YYYY-MM-DD, for ensuring the partitions exist (the late folder's day included). */
  readonly utcDays: readonly UtcDay[];
  /** The folder after the span's last one, when records that started in the span's last minutes are filed there. */
  readonly late?: LateFolder;
}

/**
 * AWS files a record into the folder of the UTC day its log file was created, so the records that
 * started in a span's last minutes can sit in the next day's folder. Only that folder's early
 * deliveries hold them: the files created before the span's end plus the settle margin.
 */
export interface LateFolder {
  /** The `dt` value of the folder (YYYY/MM/DD). */
  readonly dt: string;
  readonly utcDay: UtcDay;
  /** The delivery time in AWS's file names (`YYYYMMDDTHHmm`, UTC) up to which a file counts as early. */
  readonly deliveredBy: string;
}

export interface ComputedWindow extends ReportWindow, TimeSpan {
  /** The local days before the report day, oldest first, and the span they cover. */
  readonly baseline: TimeSpan & { readonly days: readonly string[] };
}

/** Throws a ValidationError naming `field` unless the IANA zone is known to this runtime. */
export function validateTimeZone(zone: unknown, field = 'timezone'): string {
  if (typeof zone !== 'string' || zone === '') throw new ValidationError(field, 'expected an IANA time zone such as UTC or Asia/Tokyo');
  try {
    // Intl matches names in any case and answers with the canonical spelling (asia/tokyo -> Asia/Tokyo).
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(field, `${quoteForMessage(zone)} is not a known time zone (IANA names such as UTC, Asia/Tokyo, America/New_York)`);
  }
}

/**
 * The instants a local calendar day covers, and the UTC partitions to read for it. A UTC day is
 * its one `dt` partition; another zone's day spans two. Found with Intl, so DST days (23 or 25
 * hours) and zones whose midnight is skipped come out right without a table of offsets.
 */
export function reportWindow(dateInput: unknown, timeZoneInput: unknown, settleMinutes = DEFAULT_ROLLUP_SETTLE_MINUTES): ComputedWindow {
  const date = parseDay(dateInput, 'date');
  const timezone = validateTimeZone(timeZoneInput);
  const span = spanOf(date, addDays(date, 1), timezone, settleMinutes);
  const first = addDays(date, -BASELINE_DAYS);
  const baseline = { ...spanOf(first, date, timezone, settleMinutes), days: daysOf({ from: first, to: addDays(date, -1) }) };
  return { date, timezone, ...span, baseline };
}

/**
 * The folder after `lastDay` when records that started before `endMs` can be filed in it: when
 * the files created up to the end plus the settle margin reach past midnight UTC (a UTC day, and
 * any zone whose day ends within the margin before 00:00 UTC). A margin of 0 reads no late folder.
 */
export function lateFolderOf(lastDay: UtcDay, endMs: number, settleMinutes: number): LateFolder | undefined {
  const next = addDays(lastDay, 1);
  const deliveredByMs = endMs + settleMinutes * 60_000;
  // The end is at or before the next folder's midnight, so a margin of 0 (or less) reads none.
  if (deliveredByMs <= startOfDayMs(next)) return undefined;
  return { dt: dtOf(next), utcDay: next, deliveredBy: new Date(deliveredByMs).toISOString().slice(0, 16).replaceAll(/[-:]/g, '') };
}

/** The local calendar day before the one `now` falls on: a report at 09:30 in Tokyo covers yesterday in Tokyo. */
export function previousLocalDay(now: Date, timeZone: string): UtcDay {
  return addDays(localDate(now.getTime(), timeZone), -1);
}

function spanOf(fromDay: UtcDay, toDay: UtcDay, timeZone: string, settleMinutes: number): TimeSpan {
  const startMs = startOfLocalDayMs(fromDay, timeZone);
  const endMs = startOfLocalDayMs(toDay, timeZone);
  const utcDays = daysOf({ from: dayOf(new Date(startMs)), to: dayOf(new Date(endMs - 1)) });
  const late = lateFolderOf(utcDays[utcDays.length - 1] as UtcDay, endMs, settleMinutes);
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    startEpoch: startMs / 1000,
    endEpoch: endMs / 1000,
    partitions: utcDays.map(dtOf),
    utcDays: late === undefined ? utcDays : [...utcDays, late.utcDay],
    ...(late === undefined ? {} : { late }),
  };
}

// Every offset in use since 1970 lies within -12:00..+14:00, so local midnight is within these bounds.
const SEARCH_BEFORE_MS = 15 * 3600 * 1000;
const SEARCH_AFTER_MS = 13 * 3600 * 1000;

/** The first second whose local date is `day` (binary search on the local date, which only grows). */
function startOfLocalDayMs(day: UtcDay, timeZone: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  let low = (utcMidnight - SEARCH_BEFORE_MS) / 1000;
  let high = (utcMidnight + SEARCH_AFTER_MS) / 1000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localDate(middle * 1000, timeZone) >= day) high = middle;
    else low = middle;
  }
  return high * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localDate(epochMs: number, timeZone: string): UtcDay {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}` as UtcDay;
}
