import { daysOf } from '../dates.js';
import { FlowlogError, QueryError } from '../errors.js';
import type { FlowlogContext } from '../context.js';
import { partitionsAnswer, withRollupAnswer, type PartitionsAnswer } from '../partitions/answer.js';
import type { PartitionsRequest } from '../partitions/event.js';
import { ensurePartitions } from './ensure-partitions.js';
import { ensureRollups } from './ensure-rollups.js';
import { partitionsDeps, rawTableOf, reportRollup, rollupsDeps } from './context-deps.js';

export interface MaintainPartitionsRun {
  /** Identifies this invocation across retries (the Lambda request id): a retry starts no new DDL. */
  readonly requestId: string;
  readonly deadlineMs: number;
  readonly now: () => Date;
}

/**
 * The partitions job: registers the range's partitions and, for a backfill with `"rollup": true`,
 * builds the rollup of its complete days (all of them again with `"rebuild": true`), in builds
 * sized to the time left and the workgroup's cutoff. Days left for lack of time are answered in
 * `rollup.left` with `rollup.done: false`: invoking again with the same range continues (built
 * days are skipped). A rollup that could not be built fails the job naming its days, after the
 * partitions are registered.
 */
export async function maintainPartitions(context: FlowlogContext, request: PartitionsRequest, run: MaintainPartitionsRun): Promise<PartitionsAnswer> {
  const result = await ensurePartitions(partitionsDeps(context), { range: request.range, dryRun: request.dryRun, requestId: run.requestId, deadlineMs: run.deadlineMs });
  const answer = partitionsAnswer(result, context.layout.keys);
  if (!request.rollup) return answer;
  const rollup = reportRollup(context);
  if (rollup === undefined) throw new FlowlogError('this engine has no rollup catalog, so "rollup": true cannot run');
  const rollups = await ensureRollups(rollupsDeps(rawTableOf(context), rollup, run.now), {
    days: daysOf(request.range),
    rebuild: request.rebuild,
    dryRun: request.dryRun,
    requestId: run.requestId,
    deadlineMs: run.deadlineMs,
  });
  const failed = rollups.statements.filter((statement) => statement.status === 'failed');
  if (failed.length > 0) {
    throw new QueryError(`the rollup of ${rollups.failedDays.join(', ')} could not be built: ${failed.map((statement) => statement.error).join('; ')}; invoke again to retry`, {
      days: rollups.failedDays,
    });
  }
  return withRollupAnswer(answer, rollups);
}
