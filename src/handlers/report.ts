import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { parseReportEvent, reportDateFor, reportSummary, type ReportSummary } from '../lib/report/report-event.js';
import { REPORT_METRICS, reportMetrics } from '../lib/report/report-metrics.js';
import { runReportJob } from '../lib/use-cases/report-job.js';
import { awsReportDeps, type ReportJobHandlerDeps } from '../lib/wiring/aws.js';
import { errorAnswer, handlerLogger, handlerMetrics, lambdaHandler, SERVICES } from './shared.js';

/**
 * Kept back from the queries for delivery: SNS answers a publish in well under a second, and a
 * stalled one is given up at the delivery deadline (AWS_REQUEST_TIMEOUT_MS is 10 s per request).
 */
export const DELIVERY_RESERVE_MS = 15_000;
/** Kept back after delivery to log, publish the metrics and answer. */
export const ANSWER_RESERVE_MS = 1_000;

export interface ReportHandlerDeps extends ReportJobHandlerDeps {
  readonly now?: () => Date;
  /** Time kept back from the queries for delivery; DELIVERY_RESERVE_MS unless a test says otherwise. */
  readonly deliveryReserveMs?: number;
}

/**
 * The report Lambda: per event picks the day, runs the report job (queries, files, delivery) and
 * answers with a summary. It fails, after publishing what it can, when no saved query succeeded
 * or no channel took the report; a partial failure is published and counted (QueriesFailed,
 * NotificationsFailed). With a results bucket, the report's files are saved under reports/<date>/
 * before the notification, which links to them.
 */
export function createReportHandler(deps: ReportHandlerDeps) {
  const now = deps.now ?? (() => new Date());
  const logger = handlerLogger(SERVICES.report);
  const metrics = handlerMetrics(SERVICES.report);
  const errors = errorAnswer<unknown, ReportSummary>(logger, { refused: 'report event refused', failed: 'report run failed' });

  return lambdaHandler({ logger, metrics, errors }, async (event: unknown, context: Context): Promise<ReportSummary> => {
    const trigger = parseReportEvent(event);
    const { date, timezone } = reportDateFor(trigger, now(), deps.job.report.timezone);
    const startedMs = Date.now();
    // One alarm per stack: the function name carries the stage.
    metrics.addDimension('FunctionName', context.functionName);
    metrics.addMetric(REPORT_METRICS.runs, MetricUnit.Count, 1);
    const { report, notifications, saved, verdict } = await runReportJob(
      { report: deps.job.report, open: deps.open, now },
      {
        date,
        timezone,
        requestId: context.awsRequestId,
        deadlineMs: startedMs + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS,
        deliveryReserveMs: deps.deliveryReserveMs ?? DELIVERY_RESERVE_MS,
      },
    );
    const summary = reportSummary(report, notifications);
    for (const metric of reportMetrics(report, verdict, saved?.failed.length ?? 0, Date.now() - startedMs)) metrics.addMetric(metric.name, MetricUnit[metric.unit], metric.value);
    const files = saved === undefined ? undefined : { location: report.files?.location, written: saved.written.length, failed: saved.failed };
    const facts = { trigger: trigger.trigger, date, timezone, findings: summary.findings, failed: verdict.queriesFailed, costUsd: summary.costUsd, notifications, files };
    if (verdict.failure !== undefined) {
      logger.error('report failed', { ...facts, queries: summary.queries });
      throw verdict.failure;
    }
    logger.info('report done', facts);
    return summary;
  });
}

/** Scheduled daily in the report time zone, or invoked with {"date": "YYYY-MM-DD"}. */
export const handler = createReportHandler(awsReportDeps());
