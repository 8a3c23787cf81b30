import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { PartitionsAnswer } from '../lib/partitions/answer.js';
import { parsePartitionsEvent } from '../lib/partitions/event.js';
import { PARTITIONS_METRICS } from '../lib/report/report-metrics.js';
import { maintainPartitions } from '../lib/use-cases/maintain-partitions.js';
import { awsPartitionsDeps, type PartitionsJobDeps } from '../lib/wiring/aws.js';
import { errorAnswer, handlerLogger, handlerMetrics, lambdaHandler, SERVICES } from './shared.js';

/**
 * The partitions Lambda. Scheduled: keeps the look-back days, today and tomorrow registered.
 * Manual: registers a day or a range (optionally as a dry run, or with the rollup of its days).
 * Answers what was added and which Athena queries did it; a refused event is the invoker's
 * mistake and not counted as a partition failure.
 */
export function createPartitionsHandler(deps: PartitionsJobDeps) {
  const logger = handlerLogger(SERVICES.partitions);
  const metrics = handlerMetrics(SERVICES.partitions);
  const errors = errorAnswer<unknown, PartitionsAnswer>(logger, {
    refused: 'partitions event refused',
    failed: 'partitions run failed',
    onFailure: () => metrics.addMetric(PARTITIONS_METRICS.failures, MetricUnit.Count, 1),
  });

  return lambdaHandler({ logger, metrics, errors }, async (event: unknown, context: Context): Promise<PartitionsAnswer> => {
    const request = parsePartitionsEvent(event, deps.config.partitions);
    // As the report's metrics: the function name carries the stage, so each stack's dashboard sees its own.
    metrics.addDimension('FunctionName', context.functionName);
    const opened = await deps.open();
    try {
      const answer = await maintainPartitions(opened, request, {
        requestId: context.awsRequestId,
        deadlineMs: Date.now() + context.getRemainingTimeInMillis(),
        now: () => new Date(),
      });
      if (!answer.dryRun) metrics.addMetric(PARTITIONS_METRICS.added, MetricUnit.Count, answer.added.length);
      metrics.addMetric(PARTITIONS_METRICS.existing, MetricUnit.Count, answer.existing.length);
      logger.info('partitions ensured', {
        trigger: request.trigger,
        range: answer.range,
        dryRun: answer.dryRun,
        added: answer.added.length,
        existing: answer.existing.length,
        queryIds: answer.queryIds,
      });
      return answer;
    } finally {
      await opened.close();
    }
  });
}

export const handler = createPartitionsHandler(awsPartitionsDeps());
