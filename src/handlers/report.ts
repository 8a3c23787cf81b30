import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { invokeError } from '../lib/answers.js';
import type { Settings } from '../lib/config.js';
import { ValidationError, asError } from '../lib/errors.js';
import { loadReportJobConfig } from '../lib/report/report-config.js';
import { parseReportEvent, reportDateFor, reportSummary, shouldNotify, type ReportSummary } from '../lib/report/report-event.js';
import { judgeReport } from '../lib/report/report-verdict.js';
import { deliverReport } from '../lib/use-cases/deliver-report.js';
import { runReport } from '../lib/use-cases/run-report.js';
import { buildAdapters } from '../lib/wiring/aws-report.js';
import { openReportRuntime, reportDeps, type ReportAdapters } from '../lib/wiring/report-deps.js';

/**
 * Kept back from the queries for delivery: SNS answers a publish in well under a second, and a
 * stalled one is given up at the delivery deadline (AWS_REQUEST_TIMEOUT_MS is 10 s per request).
 */
export const DELIVERY_RESERVE_MS = 15_000;
/** Kept back after delivery to log, publish the metrics and answer. */
export const ANSWER_RESERVE_MS = 1_000;

export interface ReportHandlerOptions {
  readonly settings: Settings;
  readonly adapters: ReportAdapters;
  readonly now?: () => Date;
  /** Time kept back from the queries for delivery; DELIVERY_RESERVE_MS unless a test says otherwise. */
  readonly deliveryReserveMs?: number;
}

/**
 * The report Lambda: reads its settings once (a bad key fails the cold start, naming every bad
 * key), then per event picks the day, runs the report, notifies and answers with a summary. It
 * fails, after publishing what it can, when no saved query succeeded or no channel took the
 * report; a partial failure is published and counted (QueriesFailed, NotificationsFailed).
 */
export function createReportHandler(options: ReportHandlerOptions) {
  const job = loadReportJobConfig(options.settings);
  const now = options.now ?? (() => new Date());
  const deliveryReserveMs = options.deliveryReserveMs ?? DELIVERY_RESERVE_MS;
  const logger = new Logger({ serviceName: 'flowlog-report' });
  const metrics = new Metrics({ namespace: 'FlowlogPilot', serviceName: 'flowlog-report' });

  const report = async (event: unknown, context: Context): Promise<ReportSummary> => {
    const trigger = parseReportEvent(event);
    const { date, timezone } = reportDateFor(trigger, now(), job.report.timezone);
    const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS;
    // One alarm per stack: the function name carries the stage.
    metrics.addDimension('FunctionName', context.functionName);
    const runtime = await openReportRuntime(job, options.adapters);
    try {
      const built = await runReport(
        reportDeps(runtime, job, now),
        { date, timezone, requestId: context.awsRequestId, deadlineMs: deadlineMs - deliveryReserveMs },
      );
      const notifications = await deliverReport(runtime.notifiers, built, shouldNotify(built, job.report.notify), { deadlineMs });
      const summary = reportSummary(built, notifications);
      const verdict = judgeReport(built, notifications);
      metrics.addMetric('QueriesFailed', MetricUnit.Count, verdict.queriesFailed);
      metrics.addMetric('NotificationsFailed', MetricUnit.Count, verdict.notificationsFailed);
      const facts = { trigger: trigger.trigger, date, timezone, findings: summary.findings, failed: verdict.queriesFailed, costUsd: summary.costUsd, notifications };
      if (verdict.failure !== undefined) {
        logger.error('report failed', { ...facts, queries: summary.queries });
        throw verdict.failure;
      }
      logger.info('report done', facts);
      return summary;
    } finally {
      await runtime.close();
    }
  };

  const errorAnswer: MiddlewareObj<unknown, ReportSummary> = {
    onError: (request) => {
      const error = request.error;
      if (error instanceof ValidationError) logger.warn('report event refused', { field: error.field, reason: error.message });
      else logger.error('report run failed', asError(error));
      request.error = invokeError(error);
    },
  };

  return middy<unknown, ReportSummary>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(errorAnswer).handler(report);
}

/** Scheduled daily in the report time zone, or invoked with {"date": "YYYY-MM-DD"}. */
export const handler = createReportHandler({ settings: process.env, adapters: buildAdapters() });
