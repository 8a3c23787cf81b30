import { ValidationError } from '../errors.js';
import { parseDay, quoteForMessage } from '../dates.js';
import type { Report } from './model.js';
import type { NotifyWhen } from './report-config.js';
import { previousLocalDay, validateTimeZone } from './window.js';

export type ReportTrigger =
  | { readonly trigger: 'schedule'; readonly time?: Date }
  | { readonly trigger: 'manual'; readonly date: string; readonly timezone?: string };

const MANUAL_KEYS = ['date', 'timezone'];

/**
 * Reads the report Lambda's event. A schedule (EventBridge Scheduler's fixed input, an empty
 * object, or an EventBridge "Scheduled Event") reports the day before; `{"date": "YYYY-MM-DD"}`
 * reports that day. Anything else is refused naming the keys, so a typo never runs a report.
 */
export function parseReportEvent(event: unknown): ReportTrigger {
  if (event === undefined || event === null) return { trigger: 'schedule' };
  if (typeof event !== 'object' || Array.isArray(event)) throw new ValidationError('event', 'expected an object such as {"date": "2026-11-20"}');
  const record = event as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return { trigger: 'schedule' };
  if (record['detail-type'] === 'Scheduled Event' && (record.source === 'aws.events' || record.source === 'aws.scheduler')) {
    return scheduledAt(record.time);
  }
  if (record.mode === 'scheduled') {
    const extra = keys.filter((k) => k !== 'mode' && k !== 'time');
    if (extra.length > 0) throw new ValidationError('event', `unknown key${extra.length === 1 ? '' : 's'} ${extra.map(quoteForMessage).join(', ')} (known: mode, time)`);
    return scheduledAt(record.time);
  }
  const unknown = keys.filter((k) => !MANUAL_KEYS.includes(k));
  if (unknown.length > 0) throw new ValidationError('event', `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map(quoteForMessage).join(', ')} (known: ${MANUAL_KEYS.join(', ')})`);
  const date = parseDay(record.date, 'date');
  if (record.timezone === undefined) return { trigger: 'manual', date };
  return { trigger: 'manual', date, timezone: validateTimeZone(record.timezone, 'timezone') };
}

/** Scheduler's planned time (`<aws.scheduler.scheduled-time>`) keeps a retried run on the same day. */
function scheduledAt(time: unknown): ReportTrigger {
  if (time === undefined) return { trigger: 'schedule' };
  const parsed = typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(time) ? new Date(time) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime())) throw new ValidationError('time', `expected an ISO 8601 time, got ${typeof time === 'string' ? quoteForMessage(time) : typeof time}`);
  return { trigger: 'schedule', time: parsed };
}

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
  readonly queries: readonly { readonly name: string; readonly status: string; readonly rows: number; readonly bytesScanned: number; readonly durationMs: number; readonly error?: string }[];
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
    queries: report.queries.map((q) => ({ name: q.name, status: q.status, rows: q.rows, bytesScanned: q.bytesScanned, durationMs: q.durationMs, ...(q.error === undefined ? {} : { error: q.error }) })),
    bytesScanned: report.bytesScanned,
    costUsd: report.costUsd,
    notifications,
  };
}
