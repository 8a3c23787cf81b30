import { addDays, dayOf, daysOf, dtOf, parseDay, quoteForMessage, type UtcDay } from '../dates.js';
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
  /** The same UTC days as YYYY-MM-DD, for ensuring the partitions exist. */
  readonly utcDays: readonly UtcDay[];
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
export function reportWindow(dateInput: unknown, timeZoneInput: unknown): ComputedWindow {
  const date = parseDay(dateInput, 'date');
  const timezone = validateTimeZone(timeZoneInput);
  const span = spanOf(date, addDays(date, 1), timezone);
  const first = addDays(date, -BASELINE_DAYS);
  const baseline = { ...spanOf(first, date, timezone), days: daysOf({ from: first, to: addDays(date, -1) }) };
  return { date, timezone, ...span, baseline };
}

/** The local calendar day before the one `now` falls on: a report at 09:30 in Tokyo covers yesterday in Tokyo. */
export function previousLocalDay(now: Date, timeZone: string): UtcDay {
  return addDays(localDate(now.getTime(), timeZone), -1);
}

function spanOf(fromDay: UtcDay, toDay: UtcDay, timeZone: string): TimeSpan {
  const startMs = startOfLocalDayMs(fromDay, timeZone);
  const endMs = startOfLocalDayMs(toDay, timeZone);
  const utcDays = daysOf({ from: dayOf(new Date(startMs)), to: dayOf(new Date(endMs - 1)) });
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    startEpoch: startMs / 1000,
    endEpoch: endMs / 1000,
    partitions: utcDays.map(dtOf),
    utcDays,
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
