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
import { METRICS_NAMESPACE, REPORT_METRICS, REPORT_SERVICE, reportMetrics } from '../lib/report/report-metrics.js';
import { judgeReport } from '../lib/report/report-verdict.js';
import { withSourceMappedStack } from '../lib/source-mapped-stack.js';
import { deliverReport } from '../lib/use-cases/deliver-report.js';
import { placeInterfaces } from '../lib/use-cases/place-interfaces.js';
import { saveReport } from '../lib/use-cases/save-report.js';
import { runReport } from '../lib/use-cases/run-report.js';
import { loadLists } from '../lib/use-cases/load-lists.js';
import { buildAdapters } from '../lib/wiring/aws-report.js';
import { openReportRuntime, reportDeps, type ReportAdapters } from '../lib/wiring/report-deps.js';

/**
 * Kept back from the queries for delivery: SNS answers a publish in well under a second, and a
 * stalled one is given up at the delivery deadline (AWS_REQUEST_TIMEOUT_MS is 10 s per request).
 */
export const DELIVERY_RESERVE_MS = 15_000;
/** Kept back after delivery to log, publish the metrics and answer. */
export const ANSWER_RESERVE_MS = 1_000;
/**
 * Kept back from the queries to save the report's files, when a bucket is configured: about 15
 * small PutObjects, four at a time, each answered in well under a second.
 */
export const FILES_RESERVE_MS = 10_000;
/**
 * Kept back from the queries to look up where the findings' interfaces live: loading the EC2
 * client and one DescribeNetworkInterfaces page per 200 names, each answered in well under a
 * second; a lookup still waiting then is given up and the report keeps the bare ids.
 */
export const INTERFACES_RESERVE_MS = 10_000;

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
 * report; a partial failure is published and counted (QueriesFailed, NotificationsFailed). With a
 * results bucket, the report's files are saved under reports/<date>/ before the notification,
 * which links to them; a file that cannot be saved is a warning in the report, not a failure.
 */
export function createReportHandler(options: ReportHandlerOptions) {
  const job = loadReportJobConfig(options.settings);
  const now = options.now ?? (() => new Date());
  const deliveryReserveMs = options.deliveryReserveMs ?? DELIVERY_RESERVE_MS;
  const logger = new Logger({ serviceName: 'flowlog-report' });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: REPORT_SERVICE });

  const report = async (event: unknown, context: Context): Promise<ReportSummary> => {
    const trigger = parseReportEvent(event);
    const { date, timezone } = reportDateFor(trigger, now(), job.report.timezone);
    const startedMs = Date.now();
    const deadlineMs = startedMs + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS;
    // One alarm per stack: the function name carries the stage.
    metrics.addDimension('FunctionName', context.functionName);
    metrics.addMetric(REPORT_METRICS.runs, MetricUnit.Count, 1);
    const runtime = await openReportRuntime(job, options.adapters);
    try {
      const filesReserveMs = runtime.artifacts === undefined ? 0 : FILES_RESERVE_MS;
      const interfacesReserveMs = runtime.interfaces === undefined ? 0 : INTERFACES_RESERVE_MS;
      // A list that cannot be read or is not valid is a warning in the report, never a failed run.
      const lists = await loadLists(options.adapters.listReader, job.report.lists, { deadlineMs: deadlineMs - deliveryReserveMs - filesReserveMs - interfacesReserveMs });
      const ran = await runReport(
        { ...reportDeps(runtime, job, now), ...lists },
        { date, timezone, requestId: context.awsRequestId, deadlineMs: deadlineMs - deliveryReserveMs - filesReserveMs - interfacesReserveMs },
      );
      // Where the interfaces live is help: a lookup that fails leaves the ids and a warning.
      const built = await placeInterfaces(ran, runtime.interfaces, { deadlineMs: deadlineMs - deliveryReserveMs - filesReserveMs });
      // A file that could not be saved becomes a warning in the report; the notification still goes.
      const saved = runtime.artifacts === undefined ? undefined : await saveReport(runtime.artifacts, built, { deadlineMs: deadlineMs - deliveryReserveMs });
      const report = saved?.report ?? built;
      const notifications = await deliverReport(runtime.notifiers, report, shouldNotify(report, job.report.notify), { deadlineMs });
      const summary = reportSummary(report, notifications);
      const verdict = judgeReport(report, notifications);
      for (const metric of reportMetrics(report, verdict, saved?.failed.length ?? 0, Date.now() - startedMs)) metrics.addMetric(metric.name, MetricUnit[metric.unit], metric.value);
      const files = saved === undefined ? undefined : { location: report.files?.location, written: saved.written.length, failed: saved.failed };
      const facts = { trigger: trigger.trigger, date, timezone, findings: summary.findings, failed: verdict.queriesFailed, costUsd: summary.costUsd, notifications, files };
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
      else logger.error('report run failed', withSourceMappedStack(asError(error)));
      request.error = invokeError(error);
    },
  };

  return middy<unknown, ReportSummary>().use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(errorAnswer).handler(report);
}

/** Scheduled daily in the report time zone, or invoked with {"date": "YYYY-MM-DD"}. */
// Bundled lists sit at the zip's root (LAMBDA_TASK_ROOT); `serverless invoke local` runs in the service folder.
export const handler = createReportHandler({ settings: process.env, adapters: buildAdapters(undefined, [...(process.env.LAMBDA_TASK_ROOT === undefined ? [] : [process.env.LAMBDA_TASK_ROOT]), process.cwd()]) });
