/**
 * The report Lambda's CloudWatch metrics (Powertools embedded metric format), one value each per
 * run. The alarms and the dashboard in the stack name them through this module, so a renamed
 * metric cannot leave a widget or an alarm watching nothing.
 */
import { countBySeverity } from '../render/present.js';
import type { Report } from './model.js';
import type { ReportVerdict } from './report-verdict.js';

export const METRICS_NAMESPACE = 'FlowlogPilot';
/** Powertools' `service` dimension of the report Lambda's metrics. */
export const REPORT_SERVICE = 'flowlog-report';
/** Powertools' `service` dimension of the partitions Lambda's metrics. */
export const PARTITIONS_SERVICE = 'flowlog-partitions';

export const REPORT_METRICS = Object.freeze({
  /** 1 for every run that got a valid event: the missed-run alarm breaches when none arrives. */
  runs: 'ReportRuns',
  queriesFailed: 'QueriesFailed',
  notificationsFailed: 'NotificationsFailed',
  findingsHigh: 'FindingsHigh',
  findingsMedium: 'FindingsMedium',
  findingsLow: 'FindingsLow',
  bytesScanned: 'BytesScanned',
  duration: 'ReportDuration',
  /** Report files that could not be saved to the results bucket. */
  filesFailed: 'ReportFilesFailed',
} as const);

export const PARTITIONS_METRICS = Object.freeze({ added: 'PartitionsAdded', existing: 'PartitionsExisting', failures: 'PartitionFailures' } as const);

export interface MetricValue {
  readonly name: string;
  readonly unit: 'Count' | 'Bytes' | 'Milliseconds';
  readonly value: number;
}

/** What a finished run publishes besides ReportRuns (added when the run starts). */
export function reportMetrics(report: Report, verdict: ReportVerdict, filesFailed: number, durationMs: number): MetricValue[] {
  const severities = countBySeverity(report);
  return [
    { name: REPORT_METRICS.queriesFailed, unit: 'Count', value: verdict.queriesFailed },
    { name: REPORT_METRICS.notificationsFailed, unit: 'Count', value: verdict.notificationsFailed },
    { name: REPORT_METRICS.findingsHigh, unit: 'Count', value: severities.high },
    { name: REPORT_METRICS.findingsMedium, unit: 'Count', value: severities.medium },
    { name: REPORT_METRICS.findingsLow, unit: 'Count', value: severities.low },
    { name: REPORT_METRICS.bytesScanned, unit: 'Bytes', value: report.bytesScanned },
    { name: REPORT_METRICS.duration, unit: 'Milliseconds', value: Math.max(0, Math.round(durationMs)) },
    { name: REPORT_METRICS.filesFailed, unit: 'Count', value: filesFailed },
  ];
}
