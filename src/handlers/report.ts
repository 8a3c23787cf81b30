import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { describeError } from '../lib/answers.js';
import type { Settings } from '../lib/config.js';
import { FlowlogError, ValidationError, asError } from '../lib/errors.js';
import { loadReportJobConfig } from '../lib/report/report-config.js';
import { parseReportEvent, reportDateFor, reportSummary, shouldNotify, type ReportSummary } from '../lib/report/report-event.js';
import { deliverReport } from '../lib/use-cases/deliver-report.js';
import { runReport } from '../lib/use-cases/run-report.js';
import { buildAdapters } from '../lib/wiring/aws-report.js';
import { openReportRuntime, reportDeps, type ReportAdapters } from '../lib/wiring/report-deps.js';

export interface ReportHandlerOptions {
  readonly settings: Settings;
  readonly adapters: ReportAdapters;
  readonly now?: () => Date;
}

/**
 * The report Lambda: reads its settings once (a bad key fails the cold start, naming every bad
 * key), then per event picks the day, runs the report, notifies and answers with a summary.
 */
export function createReportHandler(options: ReportHandlerOptions) {
  const job = loadReportJobConfig(options.settings);
  const now = options.now ?? (() => new Date());
  const logger = new Logger({ serviceName: 'flowlog-report' });

  const report = async (event: unknown, context: Context): Promise<ReportSummary> => {
    const trigger = parseReportEvent(event);
    const { date, timezone } = reportDateFor(trigger, now(), job.report.timezone);
    const runtime = await openReportRuntime(job, options.adapters);
    try {
      const built = await runReport(
        reportDeps(runtime, job, now),
        { date, timezone, requestId: context.awsRequestId, deadlineMs: Date.now() + context.getRemainingTimeInMillis() },
      );
      const notifications = await deliverReport(runtime.notifiers, built, shouldNotify(built, job.report.notify));
      const summary = reportSummary(built, notifications);
      logger.info('report done', { trigger: trigger.trigger, date, timezone, findings: summary.findings, failed: summary.queries.filter((q) => q.status === 'failed').length, costUsd: summary.costUsd, notifications });
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
      const answer = new Error(describeError(error));
      answer.name = error instanceof FlowlogError ? error.name : 'UnexpectedError';
      request.error = answer;
    },
  };

  return middy<unknown, ReportSummary>().use(injectLambdaContext(logger)).use(errorAnswer).handler(report);
}

/** Scheduled daily in the report time zone, or invoked with {"date": "YYYY-MM-DD"}. */
export const handler = createReportHandler({ settings: process.env, adapters: buildAdapters() });
