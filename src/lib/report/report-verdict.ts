import { DeliveryError, QueryError, type FlowlogError } from '../errors.js';
import type { Report } from './model.js';
import type { ReportSummary } from './report-event.js';

/**
 * The steps run around the saved queries (rollup builds and relocations, named `rollup-...` by
 * runReport, and the staging of the next folder's early rows, `early-...`): when they fail the
 * report reads the raw logs instead, so they never decide alone whether the report said anything.
 */
export function isPreparationRun(name: string): boolean {
  return /^(rollup|early)-/.test(name);
}

export interface ReportVerdict {
  /** Failed runs of every kind (saved queries and preparation): the QueriesFailed metric. */
  readonly queriesFailed: number;
  /** Channels that were asked to send and did not: the NotificationsFailed metric. */
  readonly notificationsFailed: number;
  /**
   * Why the run as a whole failed, when it did: no saved query succeeded, or the report was to be
   * sent and no channel took it. Absent when something useful reached someone.
   */
  readonly failure?: FlowlogError;
}

/**
 * Decides whether a finished report run is a success, a partial failure (published, counted in
 * metrics, alarmed on) or a failure (the Lambda must fail, so that its error alarm and failure
 * queue see it). Pure: the handler only acts on the verdict.
 */
export function judgeReport(report: Report, notifications: ReportSummary['notifications']): ReportVerdict {
  const queriesFailed = report.queries.filter((q) => q.status === 'failed').length;
  const saved = report.queries.filter((q) => !isPreparationRun(q.name));
  const savedFailed = saved.filter((q) => q.status === 'failed');
  const failedChannels = notifications.filter((n) => n.status === 'failed');
  const sent = notifications.filter((n) => n.status === 'sent');
  const verdict = { queriesFailed, notificationsFailed: failedChannels.length };
  const noChannel = failedChannels.length > 0 && sent.length === 0;
  const delivery = noChannel
    ? `no notification could be sent (${failedChannels.map((n) => `${n.channel}: ${n.error ?? 'failed'}`).join('; ')})`
    : sent.length > 0
      ? `the report listing the failures was sent (${sent.map((n) => n.channel).join(', ')})`
      : 'no notification was asked for';
  if (saved.length > 0 && savedFailed.length === saved.length) {
    const first = savedFailed[0]?.error ?? 'no reason given';
    return {
      ...verdict,
      failure: new QueryError(`no report query succeeded (${savedFailed.length} of ${saved.length} failed; first: ${savedFailed[0]?.name}: ${first}); ${delivery}`, {
        queriesFailed,
        notificationsFailed: failedChannels.length,
      }),
    };
  }
  if (noChannel)
    return {
      ...verdict,
      failure: new DeliveryError(`the report of ${report.window.date} was built but ${delivery}`, { queriesFailed, notificationsFailed: failedChannels.length }),
    };
  return verdict;
}
