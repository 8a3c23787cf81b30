import { describeError } from '../answers.js';
import type { Notifier, NotifyOptions } from '../ports.js';
import type { Report } from '../report/model.js';
import type { ReportSummary } from '../report/report-event.js';

/**
 * Sends the report through every notifier at once; one channel failing (Slack down) does not keep
 * the report from the others, and each outcome is returned for the answer and the logs. With a
 * deadline, every channel has answered or given up by then.
 */
export async function deliverReport(notifiers: readonly Notifier[], report: Report, send: boolean, options: NotifyOptions = {}): Promise<ReportSummary['notifications']> {
  if (!send) return notifiers.map((n) => ({ channel: n.channel, status: 'skipped' as const }));
  const settled = await Promise.allSettled(notifiers.map((n) => n.notify(report, options)));
  return settled.map((outcome, i) => {
    const channel = notifiers[i]?.channel ?? 'unknown';
    if (outcome.status === 'rejected') return { channel, status: 'failed' as const, error: describeError(outcome.reason) };
    return { channel, status: 'sent' as const, ...(outcome.value.messageId === undefined ? {} : { messageId: outcome.value.messageId }) };
  });
}
