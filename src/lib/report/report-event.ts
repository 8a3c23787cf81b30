import * as v from 'valibot';
import { ValidationError } from '../errors.js';
import { parseDay, quoteForMessage } from '../dates.js';
import { isRecord, objectMessage, parseOrRefuse, unknownKeys, validatedBy } from '../validation.js';
import type { Report } from './model.js';
import type { NotifyWhen } from './report-config.js';
import { previousLocalDay, validateTimeZone } from './window.js';

export type ReportTrigger = { readonly trigger: 'schedule'; readonly time?: Date } | { readonly trigger: 'manual'; readonly date: string; readonly timezone?: string };

const got = (issue: v.BaseIssue<unknown>) => (typeof issue.input === 'string' ? quoteForMessage(issue.input) : typeof issue.input);
/** Scheduler's planned time (`<aws.scheduler.scheduled-time>`) keeps a retried run on the same day. */
const Time = v.optional(
  v.pipe(
    v.string((issue) => `expected an ISO 8601 time, got ${got(issue)}`),
    v.regex(/^\d{4}-\d{2}-\d{2}T/, (issue) => `expected an ISO 8601 time, got ${got(issue)}`),
    v.transform((time) => new Date(time)),
    v.check((time) => !Number.isNaN(time.getTime()), 'expected an ISO 8601 time'),
  ),
);

/** An EventBridge "Scheduled Event" (a rule or Scheduler): reports the day before its time. */
export const ScheduledReportEvent = v.looseObject({ 'detail-type': v.literal('Scheduled Event'), source: v.picklist(['aws.events', 'aws.scheduler']), time: Time });
/** EventBridge Scheduler's fixed input: `{"mode": "scheduled", "time": "<aws.scheduler.scheduled-time>"}`. */
export const SchedulerInputReportEvent = v.strictObject({ mode: v.literal('scheduled'), time: Time }, objectMessage('expected an object'));
/** A manual invoke: the report of one day, in the configured zone unless another is given. */
export const ManualReportEvent = v.strictObject(
  {
    date: v.pipe(
      v.string((issue) => `expected a date as YYYY-MM-DD, got ${typeof issue.input}`),
      v.regex(/^\d{4}-\d{2}-\d{2}$/, (issue) => `expected a date as YYYY-MM-DD, got ${got(issue)}`),
      validatedBy((day: string) => parseDay(day)),
    ),
    timezone: v.optional(
      v.pipe(
        v.string('expected an IANA time zone such as UTC or Asia/Tokyo'),
        validatedBy((zone: string) => validateTimeZone(zone)),
      ),
    ),
  },
  objectMessage('expected an object such as {"date": "2026-11-20"}'),
);
/** Every event the report function accepts (its JSON Schema is in the README); an empty object or none is a schedule too. */
export const ReportEvent = v.union([
  v.pipe(v.strictObject({}), v.description('Schedule: reports the day before now in FLOWLOG_REPORT_TIMEZONE.')),
  v.pipe(ScheduledReportEvent, v.description('EventBridge Scheduled Event: reports the day before its time (or now) in FLOWLOG_REPORT_TIMEZONE.')),
  v.pipe(SchedulerInputReportEvent, v.description("EventBridge Scheduler's input: reports the day before its planned time, so a retry reports the same day.")),
  v.pipe(ManualReportEvent, v.description('Manual: the report of one day, in the given IANA time zone or FLOWLOG_REPORT_TIMEZONE.')),
]);

/**
 * Reads the report Lambda's event. A schedule (EventBridge Scheduler's fixed input, an empty
 * object, or an EventBridge "Scheduled Event") reports the day before; `{"date": "YYYY-MM-DD"}`
 * reports that day. Anything else is refused naming the keys, so a typo never runs a report.
 */
export function parseReportEvent(event: unknown): ReportTrigger {
  if (event === undefined || event === null) return { trigger: 'schedule' };
  if (!isRecord(event)) throw new ValidationError('event', 'expected an object such as {"date": "2026-11-20"}');
  if (Object.keys(event).length === 0) return { trigger: 'schedule' };
  if (v.is(v.looseObject({ 'detail-type': ScheduledReportEvent.entries['detail-type'], source: ScheduledReportEvent.entries.source }), event)) {
    return scheduled(parseOrRefuse(ScheduledReportEvent, event).time);
  }
  const schema = event.mode === 'scheduled' ? SchedulerInputReportEvent : ManualReportEvent;
  const unknown = unknownKeys(event, schema);
  if (unknown.length > 0)
    throw new ValidationError(
      'event',
      `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map(quoteForMessage).join(', ')} (known: ${Object.keys(schema.entries).join(', ')})`,
    );
  const parsed = parseOrRefuse(schema, event);
  if ('mode' in parsed) return scheduled(parsed.time);
  return parsed.timezone === undefined ? { trigger: 'manual', date: parsed.date } : { trigger: 'manual', date: parsed.date, timezone: parsed.timezone };
}

const scheduled = (time: Date | undefined): ReportTrigger => (time === undefined ? { trigger: 'schedule' } : { trigger: 'schedule', time });

/** The report's day: as asked, or for a schedule the calendar day before `now` in the report's zone. */
export function reportDateFor(trigger: ReportTrigger, now: Date, timezone: string): { date: string; timezone: string } {
  if (trigger.trigger === 'manual') return { date: trigger.date, timezone: trigger.timezone ?? timezone };
  return { date: previousLocalDay(trigger.time ?? now, timezone), timezone };
}

/** `findings` keeps quiet days quiet, but a failed query is news too. */
export function shouldNotify(report: Report, when: NotifyWhen): boolean {
  return when === 'always' || report.findings.length > 0 || report.queries.some((q) => q.status === 'failed');
}

export interface ReportSummary {
  readonly date: string;
  readonly window: Report['window'];
  readonly totals: Report['totals'];
  readonly findings: readonly { readonly rule: string; readonly severity: string; readonly count: number }[];
  readonly queries: readonly {
    readonly name: string;
    readonly status: string;
    readonly rows: number;
    readonly bytesScanned: number;
    readonly durationMs: number;
    readonly error?: string;
  }[];
  readonly bytesScanned: number;
  readonly costUsd: number;
  readonly notifications: readonly { readonly channel: string; readonly status: 'sent' | 'failed' | 'skipped'; readonly messageId?: string; readonly error?: string }[];
}

/** The handler's answer: the report without its rows, small enough for a Lambda result or a log line. */
export function reportSummary(report: Report, notifications: ReportSummary['notifications']): ReportSummary {
  return {
    date: report.window.date,
    window: report.window,
    totals: report.totals,
    findings: report.findings.map((f) => ({ rule: f.rule, severity: f.severity, count: f.count })),
    queries: report.queries.map((q) => ({
      name: q.name,
      status: q.status,
      rows: q.rows,
      bytesScanned: q.bytesScanned,
      durationMs: q.durationMs,
      ...(q.error === undefined ? {} : { error: q.error }),
    })),
    bytesScanned: report.bytesScanned,
    costUsd: report.costUsd,
    notifications,
  };
}
