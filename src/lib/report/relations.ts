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
}

export interface RelationTables {
  readonly database: string;
  readonly table: string;
  readonly rollupTable: string;
  /** How the raw table names its columns; the walkthrough's names when absent. */
  readonly shape?: TableShape;
}

const RAW = 'relations/flows-from-raw';
const ROLLUP = 'relations/flows-from-rollup';
const MIXED = 'relations/flows-from-rollup-and-raw';
const WHOLE = 'relations/whole-folders';
const LATE = 'relations/late-files';

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

/** The folder condition of a raw read: whole partitions, the late folder's early files, or both. */
function foldersCondition(partitions: readonly string[], late: LateFolder | undefined): SqlFragment {
  const parts: SqlFragment[] = [];
  if (partitions.length > 0) parts.push(renderFragment(queryText(WHOLE), { partitions: dtList(partitions) }, WHOLE));
  if (late !== undefined) {
    const early = renderFragment(queryText(LATE), { late_dt: stringLiteral(late.dt, 'dt'), delivered_by: stringLiteral(late.deliveredBy, 'delivered by') }, LATE);
    parts.push(renderFragment('({{early}})', { early }, LATE));
  }
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
  return renderFragment(queryText(RAW), {
    table: rawTable(database, table, shape, dts, span.late !== undefined),
    folders: foldersCondition(span.partitions, span.late),
    start: integerLiteral(span.startEpoch, 'start'),
    end: integerLiteral(span.endEpoch, 'end'),
  }, RAW);
}

/**
 * The same relation with its complete folders served from the stored rollup: only the rollup when
 * every folder of the span (the late one included) has one, the raw table alone when none has, a
 * union otherwise. The result is the same rows either way; only the bytes read differ.
 */
export function servedFlowsRelation(tables: RelationTables, span: RelationSpan, split: RelationSplit): SqlFragment {
  const wanted = [...span.partitions, ...(span.late === undefined ? [] : [span.late.dt])].sort();
  const given = [...split.rollup, ...split.raw, ...(split.rawLate === undefined ? [] : [split.rawLate.dt])].sort();
  if (given.join() !== wanted.join() || (split.rawLate !== undefined && split.rawLate.dt !== span.late?.dt) || split.raw.includes(span.late?.dt ?? '')) {
    throw new ValidationError('partitions', `the split (${given.join(', ')}) does not cover the span's folders (${wanted.join(', ')})`);
  }
  const rawSpan = { ...span, partitions: split.raw, late: split.rawLate };
  if (split.rollup.length === 0) return flowsRelation(tables.database, tables.table, rawSpan, tables.shape);
  const common = {
    rollup: qualifiedName(tables.database, tables.rollupTable),
    start: integerLiteral(span.startEpoch, 'start'),
    end: integerLiteral(span.endEpoch, 'end'),
  };
  if (split.raw.length === 0 && split.rawLate === undefined) return renderFragment(queryText(ROLLUP), { ...common, partitions: dtList(split.rollup) }, ROLLUP);
  return renderFragment(
    queryText(MIXED),
    { ...common, rollup_partitions: dtList(split.rollup), raw: flowsRelation(tables.database, tables.table, rawSpan, tables.shape) },
    MIXED,
  );
}
