import { queryText, qualifiedName, integerLiteral, joinFragments, listOf, renderFragment, stringLiteral, type SqlFragment } from '../sql/sql.js';
import { ValidationError } from '../errors.js';
import { rawTable, type TableShape } from '../flowlog/raw-table.js';
import type { LateFolder } from './window.js';

export interface RelationSpan {
  /** `dt` values (YYYY/MM/DD) read whole. */
  readonly partitions: readonly string[];
  /** Epoch seconds, start inclusive, end exclusive, compared with the records' start time. */
  readonly startEpoch: number;
  readonly endEpoch: number;
  /** The next folder, whose early files hold the records of the span's last minutes. */
  readonly late?: LateFolder;
}

/**
 * Where a span's folders are read from: the stored daily rollup (the late folder's rows
 * included, when it is built), the raw table, and the late folder's early raw files otherwise.
 */
export interface RelationSplit {
  readonly rollup: readonly string[];
  readonly raw: readonly string[];
  /** The late folder when it is read from its early raw files (its rollup is not built yet). */
  readonly rawLate?: LateFolder;
  /** The late folder when its early rows were staged once for this report (instead of rawLate). */
  readonly stagedLate?: StagedLate;
}

/** A late folder's early rows, aggregated once into the builds table under a build id of their own. */
export interface StagedLate {
  readonly late: LateFolder;
  readonly build: string;
}

export interface RelationTables {
  readonly database: string;
  readonly table: string;
  readonly rollupTable: string;
  /** The rollup's builds table, where a late folder's early rows are staged (needed with stagedLate). */
  readonly buildsTable?: string;
  /** How the raw table names its columns; the walkthrough's names when absent. */
  readonly shape?: TableShape;
}

const RAW = 'relations/flows-from-raw';
const ROLLUP = 'relations/flows-from-rollup';
const MIXED = 'relations/flows-from-rollup-and-raw';
const WHOLE = 'relations/whole-folders';
const LATE = 'relations/late-files';
const STAGED = 'relations/flows-from-staged';
const UNION = 'relations/union-all';
const COLUMNS_FRAGMENT = 'fragments/rollup-columns';
const AGGREGATION_SELECT = 'fragments/aggregation-select';
const AGGREGATION_GROUP_BY = 'fragments/aggregation-group-by';

/** The stored rollup's column list, in the table's order: one list for the build that writes the rollup and the relations that read it. */
export function rollupColumns(): SqlFragment {
  return renderFragment(queryText(COLUMNS_FRAGMENT), {}, COLUMNS_FRAGMENT);
}

/**
 * How raw flow records are aggregated to the rollup's grain, as the SELECT list and the GROUP BY
 * list a statement puts around its own FROM and WHERE: one text for the relation a report reads
 * from raw folders and for the rollup builds, so the rollup holds the rows a report computes.
 */
export function flowAggregation(): { readonly select: SqlFragment; readonly groupBy: SqlFragment } {
  return {
    select: renderFragment(queryText(AGGREGATION_SELECT), {}, AGGREGATION_SELECT),
    groupBy: renderFragment(queryText(AGGREGATION_GROUP_BY), {}, AGGREGATION_GROUP_BY),
  };
}

/** The local engine's view that adds Athena's `"$path"` pseudo-column to the table (src/lib/duckdb/table-view.ts defines it). */
export const LOCAL_PATH_VIEW_SUFFIX = '_with_path';

/**
 * The relation a statement names to filter on `"$path"`: Athena's table has the pseudo-column;
 * the local engine's view of the table does not show it (so that `SELECT *` matches Athena's),
 * and a second view with it carries the suffix.
 */
export function pathTable(engine: 'athena' | 'local', table: string): string {
  return engine === 'local' ? `${table}${LOCAL_PATH_VIEW_SUFFIX}` : table;
}

const dtList = (partitions: readonly string[]) => listOf(partitions.map((dt) => stringLiteral(dt, 'dt')));

/** Whole dt folders of the raw table, as a condition (`dt IN (...)`). */
export function wholeFoldersCondition(partitions: readonly string[]): SqlFragment {
  return renderFragment(queryText(WHOLE), { partitions: dtList(partitions) }, WHOLE);
}

/**
 * The late folder's early files, as a condition on `dt` and `"$path"` (the relation read must
 * have Athena's `"$path"`, see pathTable): what a report reads of the folder after its span.
 */
export function earlyFilesCondition(late: LateFolder): SqlFragment {
  const early = renderFragment(queryText(LATE), { late_dt: stringLiteral(late.dt, 'dt'), delivered_by: stringLiteral(late.deliveredBy, 'delivered by') }, LATE);
  return renderFragment('({{early}})', { early }, LATE);
}

/** The folder condition of a raw read: whole partitions, the late folder's early files, or both. */
function foldersCondition(partitions: readonly string[], late: LateFolder | undefined): SqlFragment {
  const parts: SqlFragment[] = [];
  if (partitions.length > 0) parts.push(wholeFoldersCondition(partitions));
  if (late !== undefined) parts.push(earlyFilesCondition(late));
  if (parts.length === 0) throw new ValidationError('partitions', 'a relation needs at least one dt partition');
  return joinFragments(parts, ' OR ');
}

/**
 * The aggregated-flows relation over a span, computed from the raw table, as a fragment the
 * report queries embed. Digests and detections are written against this one relation, so where
 * it is read from changes here and nowhere else. With a late folder, `table` must be a relation
 * with Athena's `"$path"` (see pathTable).
 */
export function flowsRelation(database: string, table: string, span: RelationSpan, shape?: TableShape): SqlFragment {
  const dts = [...span.partitions, ...(span.late === undefined ? [] : [span.late.dt])];
  const aggregation = flowAggregation();
  return renderFragment(
    queryText(RAW),
    {
      aggregation_select: aggregation.select,
      aggregation_group_by: aggregation.groupBy,
      table: rawTable(database, table, shape, dts, span.late !== undefined),
      folders: foldersCondition(span.partitions, span.late),
      start: integerLiteral(span.startEpoch, 'start'),
      end: integerLiteral(span.endEpoch, 'end'),
    },
    RAW,
  );
}

/**
 * The same relation with its complete folders served from the stored rollup: only the rollup when
 * every folder of the span (the late one included) has one, the raw table alone when none has, a
 * union otherwise. The result is the same rows either way; only the bytes read differ.
 */
export function servedFlowsRelation(tables: RelationTables, span: RelationSpan, split: RelationSplit): SqlFragment {
  const wanted = [...span.partitions, ...(span.late === undefined ? [] : [span.late.dt])].sort();
  const lateDts = [...(split.rawLate === undefined ? [] : [split.rawLate.dt]), ...(split.stagedLate === undefined ? [] : [split.stagedLate.late.dt])];
  const given = [...split.rollup, ...split.raw, ...lateDts].sort();
  if (given.join() !== wanted.join() || lateDts.some((dt) => dt !== span.late?.dt) || split.raw.includes(span.late?.dt ?? '')) {
    throw new ValidationError('partitions', `the split (${given.join(', ')}) does not cover the span's folders (${wanted.join(', ')})`);
  }
  if (split.stagedLate !== undefined) return withStagedLate(tables, span, split, split.stagedLate);
  const rawSpan = { ...span, partitions: split.raw, late: split.rawLate };
  if (split.rollup.length === 0) return flowsRelation(tables.database, tables.table, rawSpan, tables.shape);
  const common = {
    rollup: qualifiedName(tables.database, tables.rollupTable),
    rollup_columns: rollupColumns(),
    start: integerLiteral(span.startEpoch, 'start'),
    end: integerLiteral(span.endEpoch, 'end'),
  };
  if (split.raw.length === 0 && split.rawLate === undefined) return renderFragment(queryText(ROLLUP), { ...common, partitions: dtList(split.rollup) }, ROLLUP);
  return renderFragment(queryText(MIXED), { ...common, rollup_partitions: dtList(split.rollup), raw: flowsRelation(tables.database, tables.table, rawSpan, tables.shape) }, MIXED);
}

/**
 * The relation with its late folder's early rows read from where the report staged them: the rest
 * of the span as servedFlowsRelation reads it, and the staged rows of the span's hours. The staged
 * rows are grouped by start hour, so a span that does not start and end on whole hours cannot use them.
 */
function withStagedLate(tables: RelationTables, span: RelationSpan, split: RelationSplit, staged: StagedLate): SqlFragment {
  if (tables.buildsTable === undefined) throw new ValidationError('buildsTable', "staged early rows are read from the rollup's builds table, which was not given");
  if (span.startEpoch % 3600 !== 0 || span.endEpoch % 3600 !== 0)
    throw new ValidationError('partitions', 'staged early rows serve only a span that starts and ends on whole hours');
  const rows = renderFragment(
    queryText(STAGED),
    {
      builds: qualifiedName(tables.database, tables.buildsTable),
      rollup_columns: rollupColumns(),
      build: stringLiteral(staged.build, 'build id'),
      late_dt: stringLiteral(staged.late.dt, 'dt'),
      start: integerLiteral(span.startEpoch, 'start'),
      end: integerLiteral(span.endEpoch, 'end'),
    },
    STAGED,
  );
  const rest = servedFlowsRelation(tables, { ...span, late: undefined }, { rollup: split.rollup, raw: split.raw });
  return renderFragment(queryText(UNION), { first: rest, second: rows }, UNION);
}
