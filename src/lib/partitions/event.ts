import * as v from 'valibot';
import { dayOf, parseDay, parseRange, quoteForMessage, type DayRange } from '../dates.js';
import { ValidationError } from '../errors.js';
import { isRecord, objectMessage, parseOrRefuse, quoted, unknownKeys, validatedBy } from '../validation.js';
import { scheduledRange } from './plan.js';

/** What one run of the partitions job is asked to do. */
export interface PartitionsRequest {
  readonly trigger: 'schedule' | 'manual';
  readonly range: DayRange;
  readonly dryRun: boolean;
  /** Also build the daily rollup of the range's complete days (manual backfill only). */
  readonly rollup: boolean;
  /** Build those rollups again, replacing the ones that exist (needs `rollup`). */
  readonly rebuild: boolean;
}

export interface PartitionsEventSettings {
  readonly lookBackDays: number;
  readonly maxRangeDays: number;
}

const MANUAL_SHAPES = '{"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} or {"date":"YYYY-MM-DD"}, with optional "dryRun": true, "rollup": true and "rebuild": true';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const got = (issue: v.BaseIssue<unknown>) => (typeof issue.input === 'string' ? quoteForMessage(issue.input) : (JSON.stringify(issue.input) ?? 'nothing'));

/** A UTC day; the pattern is checked first, then that the day exists (no 2026-02-30). */
const Day = v.pipe(
  v.string((issue) => `expected a date as YYYY-MM-DD, got ${typeof issue.input}`),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, (issue) => `expected a date as YYYY-MM-DD, got ${got(issue)}`),
  validatedBy((day: string) => parseDay(day)),
);
const flag = (description: string) =>
  v.optional(
    v.pipe(
      v.boolean((issue) => `expected true or false, got ${got(issue)}`),
      v.description(description),
    ),
  );
const FLAGS = {
  dryRun: flag('List the statements without running them.'),
  rollup: flag("Also build the daily rollup of the range's complete days."),
  rebuild: flag('Build those rollups again, replacing the ones that exist; needs "rollup": true.'),
};

/** An EventBridge rule's scheduled event: its `time` gives today's UTC day. */
export const ScheduledPartitionsEvent = v.looseObject(
  {
    source: v.literal('aws.events', (issue) => `expected "aws.events" (an EventBridge scheduled event), got ${got(issue)}`),
    'detail-type': v.literal('Scheduled Event', (issue) => `expected "Scheduled Event", got ${got(issue)}`),
    time: v.pipe(
      v.string((issue) => `expected the event time as an ISO 8601 timestamp, got ${got(issue)}`),
      v.regex(ISO_TIME, (issue) => `expected the event time as an ISO 8601 timestamp, got ${got(issue)}`),
      v.check(
        (time) => !Number.isNaN(Date.parse(time)),
        (issue) => `expected the event time as an ISO 8601 timestamp, got ${got(issue)}`,
      ),
    ),
  },
  objectMessage('expected an EventBridge scheduled event'),
);
/** A manual invoke for one day. */
export const PartitionsDayEvent = v.strictObject({ date: Day, ...FLAGS }, objectMessage('expected an object'));
/** A manual invoke for a range of days, both ends included. */
export const PartitionsRangeEvent = v.strictObject({ from: Day, to: Day, ...FLAGS }, objectMessage('expected an object'));
/** Every event the partitions function accepts (its JSON Schema is in the README). */
export const PartitionsEvent = v.union([
  v.pipe(ScheduledPartitionsEvent, v.description("EventBridge rule: adds the look-back days, today and tomorrow (UTC) from the event's time.")),
  v.pipe(PartitionsDayEvent, v.description('Manual: one UTC day.')),
  v.pipe(PartitionsRangeEvent, v.description('Manual: a range of UTC days, both ends included, at most FLOWLOG_MAX_RANGE_DAYS long.')),
]);

/**
 * Turns the invocation event into a request, or refuses it naming every bad field, before
 * anything runs. A `source` or `detail-type` key marks an EventBridge rule's scheduled event; any
 * other object is a manual invoke. EventBridge Scheduler payloads are not accepted: the log
 * folders are UTC days, so a plain rule in UTC is all the schedule needs.
 */
export function parsePartitionsEvent(event: unknown, settings: PartitionsEventSettings): PartitionsRequest {
  if (!isRecord(event)) throw new ValidationError('event', `expected a scheduled event or ${MANUAL_SHAPES}`);
  if ('source' in event || 'detail-type' in event) {
    const { time } = parseOrRefuse(ScheduledPartitionsEvent, event);
    return { trigger: 'schedule', range: scheduledRange(dayOf(new Date(time)), settings.lookBackDays), dryRun: false, rollup: false, rebuild: false };
  }
  const unknown = unknownKeys(event, { entries: { ...PartitionsDayEvent.entries, ...PartitionsRangeEvent.entries } });
  // An empty key cannot name the field; the message quotes it all the same.
  if (unknown.length > 0) throw new ValidationError(unknown[0] || 'event', `unknown key${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}; expected ${MANUAL_SHAPES}`);
  const hasRange = 'from' in event || 'to' in event;
  if ('date' in event && hasRange) throw new ValidationError('date', 'give either "date" or "from" and "to", not both');
  if (!('date' in event) && !hasRange) throw new ValidationError('event', `nothing to do: expected ${MANUAL_SHAPES}`);
  for (const end of ['from', 'to'] as const) if (hasRange && !(end in event)) throw new ValidationError(end, 'missing: a range needs "from" and "to"');
  const parsed = 'date' in event ? parseOrRefuse(PartitionsDayEvent, event) : parseOrRefuse(PartitionsRangeEvent, event);
  const flags = { dryRun: parsed.dryRun ?? false, rollup: parsed.rollup ?? false, rebuild: parsed.rebuild ?? false };
  if (flags.rebuild && !flags.rollup) throw new ValidationError('rebuild', 'rebuilds the daily rollup: give it with "rollup": true');
  const range =
    'date' in parsed ? parseRange(parsed.date, parsed.date, settings.maxRangeDays, { from: 'date', to: 'date' }) : parseRange(parsed.from, parsed.to, settings.maxRangeDays);
  return { trigger: 'manual', range, ...flags };
}
