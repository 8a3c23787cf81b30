import type { Row } from '../ports.js';

/** Result columns that hold epoch seconds (the flow-log `start`/`end` fields and the rules' first/last times). */
export const EPOCH_SECOND_COLUMNS: ReadonlySet<string> = new Set(['start', 'end', 'starttime', 'endtime', 'first_start', 'last_end']);

/** The ISO 8601 UTC time of epoch seconds, or null when the value is not a time a Date can hold. */
export function isoOfEpochSeconds(value: unknown): string | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  const date = new Date(seconds * 1000);
  return Number.isFinite(seconds) && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

/** Column names with `<name>_iso` after each epoch-seconds column, for files people and spreadsheets read. */
export function withIsoColumns(columns: readonly string[]): string[] {
  return columns.flatMap((c) => (EPOCH_SECOND_COLUMNS.has(c) && !columns.includes(`${c}_iso`) ? [c, `${c}_iso`] : [c]));
}

/** A row with `<name>_iso` (ISO 8601, UTC) beside each epoch-seconds value, keys in column order. */
export function withIsoTimes(row: Row): Row {
  const columns = withIsoColumns(Object.keys(row));
  return Object.fromEntries(columns.map((c) => [c, c.endsWith('_iso') && !(c in row) ? isoOfEpochSeconds(row[c.slice(0, -4)]) : (row[c] ?? null)]));
}
