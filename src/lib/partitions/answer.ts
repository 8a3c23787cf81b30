import type { DayRange, UtcDay } from '../dates.js';
import { partitionId, type Partition } from './plan.js';

/*
 * What the answer reads of the use cases' results, declared here so this module does not import
 * the use cases above it: EnsurePartitionsResult and EnsureRollupsResult have these shapes.
 */
interface EnsurePartitionsResult {
  readonly range: DayRange;
  readonly dryRun: boolean;
  readonly added: readonly Partition[];
  readonly existing: readonly Partition[];
  readonly statements: readonly { readonly sql: string; readonly partitions: number; readonly queryId: string | undefined }[];
}
interface EnsureRollupsResult {
  readonly rawDays: readonly UtcDay[];
  readonly builtDays: readonly UtcDay[];
  readonly leftDays: readonly UtcDay[];
  readonly unreferenced: readonly string[];
  readonly removed: readonly { readonly folder: string; readonly deletedObjects: number; readonly note?: string }[];
  readonly cleanupWarnings: readonly string[];
  readonly statements: readonly { readonly queryId?: string | undefined }[];
}

/** What an invoker of the partitions job reads back: plain JSON, partitions as `key=value/...`. */
export interface PartitionsAnswer {
  readonly range: DayRange;
  readonly dryRun: boolean;
  readonly added: readonly string[];
  readonly existing: readonly string[];
  readonly statements: readonly { readonly sql?: string; readonly partitions: number; readonly queryId?: string }[];
  readonly queryIds: readonly string[];
  /** With `"rollup": true`: the UTC days whose rollup was built, and those left for later (not complete yet). */
  readonly rollup?: {
    readonly built: readonly string[];
    readonly notComplete: readonly string[];
    /** Days not built for lack of time (or too large for the cutoff): invoke again with the same range to continue. */
    readonly left: readonly string[];
    readonly done: boolean;
    /** Rollup folders nothing points at any more (failed or replaced builds) that are still there, for `aws s3 rm`. */
    readonly unreferenced: readonly string[];
    /** Build folders deleted by this run, with the objects each held. */
    readonly removed: readonly { readonly folder: string; readonly deletedObjects: number; readonly note?: string }[];
    /** Deletions that failed, each naming its folder. */
    readonly warnings: readonly string[];
    readonly queryIds: readonly string[];
  };
}

/** Adds the rollup part of a backfill to the answer. */
export function withRollupAnswer(answer: PartitionsAnswer, result: EnsureRollupsResult): PartitionsAnswer {
  const queryIds = result.statements.flatMap((s) => (s.queryId === undefined ? [] : [s.queryId]));
  const left = new Set(result.leftDays);
  return {
    ...answer,
    rollup: {
      built: [...result.builtDays],
      notComplete: result.rawDays.filter((day) => !left.has(day)),
      left: [...result.leftDays],
      done: left.size === 0,
      unreferenced: [...result.unreferenced],
      removed: [...result.removed],
      warnings: [...result.cleanupWarnings],
      queryIds,
    },
    queryIds: [...answer.queryIds, ...queryIds],
  };
}

/**
 * Shapes the result for a person reading an invoke's output: partitions in Hive's `key=value`
 * spelling, the SQL only when nothing ran (a dry run is for reading it), the query ids to look up.
 */
export function partitionsAnswer(result: EnsurePartitionsResult, keys: readonly string[]): PartitionsAnswer {
  const queryIds = result.statements.flatMap((s) => (s.queryId === undefined ? [] : [s.queryId]));
  return {
    range: result.range,
    dryRun: result.dryRun,
    added: result.added.map((p) => partitionId(keys, p)),
    existing: result.existing.map((p) => partitionId(keys, p)),
    statements: result.statements.map((s) => ({
      ...(result.dryRun ? { sql: s.sql } : {}),
      partitions: s.partitions,
      ...(s.queryId === undefined ? {} : { queryId: s.queryId }),
    })),
    queryIds,
  };
}
