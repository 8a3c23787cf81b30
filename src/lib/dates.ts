import { ValidationError } from './errors.js';

/** A UTC calendar day as `YYYY-MM-DD`; log folders and `dt` partitions are UTC days. */
export type UtcDay = string & { readonly __brand: 'UtcDay' };

export interface DayRange {
  readonly from: UtcDay;
  readonly to: UtcDay;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ten years: long enough for any retention, short enough that a typo in a year is caught. */
export const DEFAULT_MAX_RANGE_DAYS = 3660;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD`, refusing anything that is not a real calendar day. */
export function parseDay(input: unknown, field = 'date'): UtcDay {
  if (typeof input !== 'string') {
    throw new ValidationError(field, `expected a date as YYYY-MM-DD, got ${describe(input)}`);
  }
  const match = DAY_PATTERN.exec(input);
  if (!match) throw new ValidationError(field, `expected a date as YYYY-MM-DD, got ${quoteForMessage(input)}`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const time = Date.UTC(y, m - 1, d);
  const back = new Date(time);
  if (y < 1970 || back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new ValidationError(field, `${input} is not a real calendar day`);
  }
  return input as UtcDay;
}

/** Checks a range: ordered, and no longer than `maxDays` days counting both ends. */
export function parseRange(fromInput: unknown, toInput: unknown, maxDays = DEFAULT_MAX_RANGE_DAYS, fields = { from: 'from', to: 'to' }): DayRange {
  const from = parseDay(fromInput, fields.from);
  const to = parseDay(toInput, fields.to);
  if (to < from) throw new ValidationError(fields.to, `range is reversed: ${fields.to} ${to} is before ${fields.from} ${from}`);
  const days = daysBetween(from, to) + 1;
  if (days > maxDays) {
    throw new ValidationError(fields.to, `range ${from}..${to} is ${days} days, more than the maximum of ${maxDays}`);
  }
  return { from, to };
}

export function dayOf(date: Date): UtcDay {
  return date.toISOString().slice(0, 10) as UtcDay;
}

export function addDays(day: UtcDay, days: number): UtcDay {
  return dayOf(new Date(startOfDayMs(day) + days * DAY_MS));
}

export function startOfDayMs(day: UtcDay): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function daysBetween(from: UtcDay, to: UtcDay): number {
  return Math.round((startOfDayMs(to) - startOfDayMs(from)) / DAY_MS);
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): UtcDay[] {
  const count = daysBetween(range.from, range.to) + 1;
  return Array.from({ length: count }, (_, i) => addDays(range.from, i));
}

/** The `dt` partition value of a day, as the flow-log folders spell it: `YYYY/MM/DD`. */
export function dtOf(day: UtcDay): string {
  return day.replaceAll('-', '/');
}

export function dayOfDt(dt: string): UtcDay {
  return parseDay(dt.replaceAll('/', '-'), 'dt');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Shows a user's string in an error without letting it break the message (length, control chars). */
export function quoteForMessage(input: string): string {
  const shown = input.length > 60 ? `${input.slice(0, 60)}…` : input;
  return JSON.stringify(shown);
}
