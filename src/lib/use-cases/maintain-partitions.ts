import { daysOf } from '../dates.js';
import { FlowlogError, QueryError } from '../errors.js';
import type { FlowlogConfig } from '../config.js';
import { partitionsAnswer, withRollupAnswer, type PartitionsAnswer } from '../partitions/answer.js';
import type { PartitionsRequest } from '../partitions/event.js';
import type { PartitionLayout } from '../partitions/layout.js';
import type { TableShape } from '../flowlog/raw-table.js';
import type { ObjectStore, PartitionCatalog, QueryEngine, RollupLedger } from '../ports.js';
import { ensurePartitions } from './ensure-partitions.js';
import { ensureRollups } from './ensure-rollups.js';

/** What the job needs of an opened engine (a composition root's EngineHandle has this shape). */
export interface MaintainPartitionsDeps {
  readonly engine: QueryEngine;
  readonly catalog: PartitionCatalog;
  readonly rollupCatalog?: PartitionCatalog;
  /** Where each rollup day's source files and skipped reads are kept (local only for now). */
  readonly rollupLedger?: RollupLedger;
  /** Deletes orphaned rollup build folders (S3 on AWS). */
  readonly objectStore?: ObjectStore;
  readonly layout: PartitionLayout;
  /** How the raw table names its columns. */
  readonly shape?: TableShape;
}

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
export async function maintainPartitions(deps: MaintainPartitionsDeps, config: FlowlogConfig, request: PartitionsRequest, run: MaintainPartitionsRun): Promise<PartitionsAnswer> {
  const result = await ensurePartitions(
    { engine: deps.engine, catalog: deps.catalog, database: config.database, table: config.table, layout: deps.layout },
    { range: request.range, dryRun: request.dryRun, requestId: run.requestId, deadlineMs: run.deadlineMs },
  );
  const answer = partitionsAnswer(result, deps.layout.keys);
  if (!request.rollup) return answer;
  if (deps.rollupCatalog === undefined) throw new FlowlogError('this engine has no rollup catalog, so "rollup": true cannot run');
  const rollups = await ensureRollups(
    {
      engine: deps.engine,
      rollupCatalog: deps.rollupCatalog,
      layout: deps.layout,
      database: config.database,
      table: config.table,
      rollupTable: config.rollup.table,
      ...(deps.shape === undefined ? {} : { shape: deps.shape }),
      settleMinutes: config.rollup.settleMinutes,
      maxBytesPerQuery: config.rollup.maxBytesPerQuery,
      ...(deps.rollupLedger === undefined ? {} : { ledger: deps.rollupLedger }),
      ...(deps.objectStore === undefined ? {} : { objectStore: deps.objectStore }),
      now: run.now,
    },
    { days: daysOf(request.range), rebuild: request.rebuild, dryRun: request.dryRun, requestId: run.requestId, deadlineMs: run.deadlineMs },
  );
  const failed = rollups.statements.filter((statement) => statement.status === 'failed');
  if (failed.length > 0) {
    throw new QueryError(`the rollup of ${rollups.failedDays.join(', ')} could not be built: ${failed.map((statement) => statement.error).join('; ')}; invoke again to retry`, { days: rollups.failedDays });
  }
  return withRollupAnswer(answer, rollups);
}
