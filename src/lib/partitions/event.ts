import { dayOf, parseRange, type DayRange } from '../dates.js';
import { ValidationError } from '../errors.js';
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

const MANUAL_KEYS = new Set(['from', 'to', 'date', 'dryRun', 'rollup', 'rebuild']);
const MANUAL_SHAPES = '{"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} or {"date":"YYYY-MM-DD"}, with optional "dryRun": true, "rollup": true and "rebuild": true';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Turns the invocation event into a request, or refuses it naming the field, before anything runs.
 * Two shapes: an EventBridge rule's scheduled event (`source: aws.events`), whose `time` gives
 * today's UTC day; and a manual invoke naming a day or a range. EventBridge Scheduler payloads are
 * not accepted: the log folders are UTC days, so a plain rule in UTC is all the schedule needs.
 */
export function parsePartitionsEvent(event: unknown, settings: PartitionsEventSettings): PartitionsRequest {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new ValidationError('event', `expected a scheduled event or ${MANUAL_SHAPES}`);
  }
  const fields = event as Readonly<Record<string, unknown>>;
  if ('source' in fields || 'detail-type' in fields) return scheduled(fields, settings);
  return manual(fields, settings);
}

function scheduled(event: Readonly<Record<string, unknown>>, settings: PartitionsEventSettings): PartitionsRequest {
  if (event.source !== 'aws.events') throw new ValidationError('source', `expected "aws.events" (an EventBridge scheduled event), got ${JSON.stringify(event.source)}`);
  if (event['detail-type'] !== 'Scheduled Event') {
    throw new ValidationError('detail-type', `expected "Scheduled Event", got ${JSON.stringify(event['detail-type'])}`);
  }
  const time = event.time;
  if (typeof time !== 'string' || !ISO_TIME.test(time) || Number.isNaN(Date.parse(time))) {
    throw new ValidationError('time', `expected the event time as an ISO 8601 timestamp, got ${JSON.stringify(time)}`);
  }
  const range = scheduledRange(dayOf(new Date(time)), settings.lookBackDays);
  return { trigger: 'schedule', range, dryRun: false, rollup: false, rebuild: false };
}

function manual(event: Readonly<Record<string, unknown>>, settings: PartitionsEventSettings): PartitionsRequest {
  const unknown = Object.keys(event).filter((key) => !MANUAL_KEYS.has(key));
  if (unknown.length > 0) {
    // An empty key cannot name the field; the message quotes it all the same.
    throw new ValidationError(unknown[0] || 'event', `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected ${MANUAL_SHAPES}`);
  }
  const dryRun = event.dryRun ?? false;
  if (typeof dryRun !== 'boolean') throw new ValidationError('dryRun', `expected true or false, got ${JSON.stringify(dryRun)}`);
  const rollup = event.rollup ?? false;
  if (typeof rollup !== 'boolean') throw new ValidationError('rollup', `expected true or false, got ${JSON.stringify(rollup)}`);
  const rebuild = event.rebuild ?? false;
  if (typeof rebuild !== 'boolean') throw new ValidationError('rebuild', `expected true or false, got ${JSON.stringify(rebuild)}`);
  if (rebuild && !rollup) throw new ValidationError('rebuild', 'rebuilds the daily rollup: give it with "rollup": true');
  const flags = { dryRun, rollup, rebuild };
  const hasDate = 'date' in event;
  const hasRange = 'from' in event || 'to' in event;
  if (hasDate && hasRange) throw new ValidationError('date', 'give either "date" or "from" and "to", not both');
  if (hasDate) {
    const range = parseRange(event.date, event.date, settings.maxRangeDays, { from: 'date', to: 'date' });
    return { trigger: 'manual', range, ...flags };
  }
  if (!hasRange) throw new ValidationError('event', `nothing to do: expected ${MANUAL_SHAPES}`);
  if (!('from' in event)) throw new ValidationError('from', 'missing: a range needs "from" and "to"');
  if (!('to' in event)) throw new ValidationError('to', 'missing: a range needs "from" and "to"');
  return { trigger: 'manual', range: parseRange(event.from, event.to, settings.maxRangeDays), ...flags };
}
