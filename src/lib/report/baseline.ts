/**
 * Baseline maturity: which of the days before the report day are complete enough to compare with.
 * The rule itself runs in SQL (src/queries/baseline/baseline-days.sql) over the same baseline
 * relation the spike rules read, so the rules and the report's "baseline building" line cannot
 * disagree; this module renders it and reads its rows.
 */
import { ValidationError } from '../errors.js';
import type { Row } from '../ports.js';
import { integerLiteral, queryText, renderFragment, type SqlFragment } from '../sql/sql.js';
import { dayBlockExpression } from './saved-queries.js';
import type { BaselineDay, BaselineStatus } from './model.js';

const BASELINE_DAYS_TEMPLATE = 'baseline/baseline-days';
/** Seconds in one baseline day block (the SQL counts days as 24-hour blocks back from the window start). */
const DAY_SECONDS = 86400;

/** The baseline relation's span and the rule's hour threshold. */
export interface BaselineDaysInput {
  readonly baselineFlows: SqlFragment;
  /** Epoch seconds of the window's start (the end of the baseline). */
  readonly windowStartEpoch: number;
  /** Epoch seconds of the baseline's start. */
  readonly baselineStartEpoch: number;
  /** A day counts only when its records start in at least this many of its hours. */
  readonly minDayHours: number;
}

/** The per-day completeness relation (`day_block`, `hours`, `first_offset_seconds`, `complete`), as a fragment report queries embed as {{baseline_days}}. */
export function baselineDaysRelation(input: BaselineDaysInput): SqlFragment {
  if (!Number.isInteger(input.minDayHours) || input.minDayHours < 1 || input.minDayHours > 24) {
    throw new ValidationError('minDayHours', `must be a whole number from 1 to 24, got ${input.minDayHours}`);
  }
  return renderFragment(
    queryText(BASELINE_DAYS_TEMPLATE),
    {
      baseline_flows: input.baselineFlows,
      window_start: integerLiteral(input.windowStartEpoch, 'window_start'),
      day_block: dayBlockExpression(input.windowStartEpoch),
      baseline_start: integerLiteral(input.baselineStartEpoch, 'baseline_start'),
      min_day_hours: integerLiteral(input.minDayHours, 'min_day_hours'),
    },
    BASELINE_DAYS_TEMPLATE,
  );
}

/** The standalone query the report runs once to learn how many baseline days are complete. */
export function baselineDaysQuery(input: BaselineDaysInput): string {
  return `SELECT day_block, hours, first_offset_seconds, complete\nFROM (\n${baselineDaysRelation(input).toString()}\n) baseline_days\nORDER BY day_block`;
}

const numberOf = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined);

/**
 * Reads the baseline-days rows into the report's baseline status. `dates` are the baseline's
 * local days, oldest first (block 0 is the last of them). A day without any record has no row
 * and is listed as missing (0 hours, not complete). Pure.
 */
export function baselineStatus(rows: readonly Row[], dates: readonly string[], requiredDays: number, minDayHours: number): BaselineStatus {
  const byBlock = new Map<number, Row>();
  for (const row of rows) {
    const block = numberOf(row.day_block);
    if (block === undefined || block % DAY_SECONDS !== 0) throw new ValidationError('baseline-days', `unexpected day_block ${JSON.stringify(row.day_block)}`);
    byBlock.set(block / DAY_SECONDS, row);
  }
  const days: BaselineDay[] = dates.map((date, i) => {
    const row = byBlock.get(dates.length - 1 - i);
    if (row === undefined) return { date, hours: 0, complete: false };
    const offset = numberOf(row.first_offset_seconds);
    return {
      date,
      hours: numberOf(row.hours) ?? 0,
      ...(offset === undefined ? {} : { firstRecordAfterSeconds: offset }),
      complete: numberOf(row.complete) === 1 || row.complete === 'true',
    };
  });
  return { requiredDays, minDayHours, completeDays: days.filter((d) => d.complete).length, days };
}

/** "baseline building: 2 of 3 days": what a report says for a spike rule instead of firing. */
export function buildingText(status: Pick<BaselineStatus, 'completeDays' | 'requiredDays'>): string {
  return `baseline building: ${Math.min(status.completeDays, status.requiredDays)} of ${status.requiredDays} days`;
}
