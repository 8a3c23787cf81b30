import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { invokeError } from '../lib/answers.js';
import { createAwsClients } from '../lib/aws/clients.js';
import { loadCoreConfig } from '../lib/config.js';
import { ValidationError, asError } from '../lib/errors.js';
import type { PartitionsAnswer } from '../lib/partitions/answer.js';
import { parsePartitionsEvent } from '../lib/partitions/event.js';
import { METRICS_NAMESPACE, PARTITIONS_METRICS, PARTITIONS_SERVICE } from '../lib/report/report-metrics.js';
import { withSourceMappedStack } from '../lib/source-mapped-stack.js';
import { maintainPartitions } from '../lib/use-cases/maintain-partitions.js';
import { engineOpener } from '../lib/wiring/aws.js';

// Cold start: a bad setting fails here, with every bad key named, before any event is handled.
const config = loadCoreConfig(process.env);
const logger = new Logger({ serviceName: 'flowlog-partitions' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: PARTITIONS_SERVICE });
const openDeps = engineOpener(config, createAwsClients);

async function ensure(event: unknown, context: Context): Promise<PartitionsAnswer> {
  const request = parsePartitionsEvent(event, config.partitions);
  // As the report's metrics: the function name carries the stage, so each stack's dashboard sees its own.
  metrics.addDimension('FunctionName', context.functionName);
  const deps = await openDeps();
  try {
    const answer = await maintainPartitions(deps, config, request, {
      requestId: context.awsRequestId,
      deadlineMs: Date.now() + context.getRemainingTimeInMillis(),
      now: () => new Date(),
    });
    if (!answer.dryRun) metrics.addMetric(PARTITIONS_METRICS.added, MetricUnit.Count, answer.added.length);
    metrics.addMetric(PARTITIONS_METRICS.existing, MetricUnit.Count, answer.existing.length);
    logger.info('partitions ensured', { trigger: request.trigger, range: answer.range, dryRun: answer.dryRun, added: answer.added.length, existing: answer.existing.length, queryIds: answer.queryIds });
    return answer;
  } finally {
    await deps.close();
  }
}

/** A refused event is the invoker's mistake and not counted as a partition failure. */
const errorAnswer: MiddlewareObj<unknown, PartitionsAnswer> = {
  onError: (request) => {
    const error = request.error;
    if (error instanceof ValidationError) {
      logger.warn('partitions event refused', { field: error.field, reason: error.message });
    } else {
      logger.error('partitions run failed', withSourceMappedStack(asError(error)));
      metrics.addMetric(PARTITIONS_METRICS.failures, MetricUnit.Count, 1);
    }
    request.error = invokeError(error);
  },
};

/**
 * Scheduled: keeps the look-back days, today and tomorrow registered. Manual: registers a day or a
 * range (optionally as a dry run). Returns what was added and which Athena queries did it.
 */
export const handler = middy<unknown, PartitionsAnswer>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(errorAnswer)
  .handler(ensure);
