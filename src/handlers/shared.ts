/**
 * What every Lambda handler shares, so each handler file is its factory and its `handler` only:
 * the service names (one spelling, used by the logs, the metrics and the stack's dashboard), the
 * Powertools logger and metrics, and the one middleware that turns an error into the answer.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { invokeError } from '../lib/answers.js';
import { ValidationError, asError } from '../lib/errors.js';
import { withSourceMappedStack } from '../lib/source-mapped-stack.js';
import { METRICS_NAMESPACE, PARTITIONS_SERVICE, REPORT_SERVICE } from '../lib/report/report-metrics.js';

/** Powertools' `service` of each function: the logs' `service` key, and the metrics' `service` dimension. */
export const SERVICES = Object.freeze({
  partitions: PARTITIONS_SERVICE,
  report: REPORT_SERVICE,
  slackForwarder: 'flowlog-slack-forwarder',
} as const);

export type Service = (typeof SERVICES)[keyof typeof SERVICES];

/** The structured logger of a function (POWERTOOLS_LOG_LEVEL sets its level). */
export function handlerLogger(service: Service): Logger {
  return new Logger({ serviceName: service });
}

/** The embedded-metric-format metrics of a function, in the stack's namespace. */
export function handlerMetrics(service: Service): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
}

export interface ErrorAnswerOptions {
  /** What a refused event (a ValidationError: the invoker's mistake) is logged as. */
  readonly refused: string;
  /** What any other failure is logged as. */
  readonly failed: string;
  /** Counts a failure that is not a refused event (the partitions job's PartitionFailures). */
  readonly onFailure?: () => void;
  /** Logs a failure instead of the default line (the forwarder's, which keeps secrets out). */
  readonly log?: (error: unknown) => void;
  /** Takes secrets out of the answer's message (the webhook URL). */
  readonly redact?: (text: string) => string;
}

/**
 * The one place an error becomes a Lambda's answer: logged (a refused event as a warning naming
 * its field, anything else as an error), then rethrown as `invokeError` gives it, an Error named
 * after the typed error (Lambda's errorType), whose message names the problem.
 */
export function errorAnswer<E, R>(logger: Logger, options: ErrorAnswerOptions): MiddlewareObj<E, R> {
  return {
    onError: (request) => {
      const error = request.error;
      if (options.log !== undefined) {
        options.log(error);
      } else if (error instanceof ValidationError) {
        logger.warn(options.refused, { field: error.field, reason: error.message });
      } else {
        logger.error(options.failed, withSourceMappedStack(asError(error)));
      }
      if (!(error instanceof ValidationError)) options.onFailure?.();
      request.error = invokeError(error, options.redact);
    },
  };
}

/** The handler shape every function has: Lambda context in the logs, metrics flushed, errors answered in one place. */
export function lambdaHandler<E, R>(
  tools: { readonly logger: Logger; readonly metrics?: Metrics; readonly errors: MiddlewareObj<E, R> },
  body: (event: E, context: Context) => Promise<R>,
) {
  const handler = middy<E, R>().use(injectLambdaContext(tools.logger));
  if (tools.metrics !== undefined) handler.use(logMetrics(tools.metrics));
  return handler.use(tools.errors).handler(body);
}
