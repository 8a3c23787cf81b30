import { queryText, qualifiedName, integerLiteral, listOf, renderFragment, stringLiteral, type SqlFragment } from '../sql/sql.js';
import { ValidationError } from '../errors.js';
import { rawTable, type TableShape } from '../flowlog/raw-table.js';

export interface RelationSpan {
  /** `dt` values (YYYY/MM/DD) to read. */
  readonly partitions: readonly string[];
  /** Epoch seconds, start inclusive, end exclusive, compared with the records' start time. */
  readonly startEpoch: number;
  readonly endEpoch: number;
}

/** Where a span's `dt` partitions are read from: the stored daily rollup, or the raw table. */
export interface RelationSplit {
  readonly rollup: readonly string[];
  readonly raw: readonly string[];
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

const dtList = (partitions: readonly string[]) => listOf(partitions.map((dt) => stringLiteral(dt, 'dt')));

/**
 * The aggregated-flows relation over a span, computed from the raw table, as a fragment the
 * report queries embed. Digests and detections are written against this one relation, so where
 * it is read from changes here and nowhere else.
 */
export function flowsRelation(database: string, table: string, span: RelationSpan, shape?: TableShape): SqlFragment {
  if (span.partitions.length === 0) throw new ValidationError('partitions', 'a relation needs at least one dt partition');
  return renderFragment(queryText(RAW), {
    table: rawTable(database, table, shape, span.partitions),
    partitions: dtList(span.partitions),
    start: integerLiteral(span.startEpoch, 'start'),
    end: integerLiteral(span.endEpoch, 'end'),
  }, RAW);
}

/**
 * The same relation with its complete days served from the stored rollup: only the rollup when
 * every day of the span has one, the raw table alone when none has, a union otherwise. The
 * result is the same rows either way; only the bytes read differ.
 */
export function servedFlowsRelation(tables: RelationTables, span: RelationSpan, split: RelationSplit): SqlFragment {
  const given = [...split.rollup, ...split.raw].sort();
  if (given.join() !== [...span.partitions].sort().join()) {
    throw new ValidationError('partitions', `the split (${given.join(', ')}) does not cover the span's partitions (${span.partitions.join(', ')})`);
  }
  if (split.rollup.length === 0) return flowsRelation(tables.database, tables.table, span, tables.shape);
  const common = {
    rollup: qualifiedName(tables.database, tables.rollupTable),
    start: integerLiteral(span.startEpoch, 'start'),
    end: integerLiteral(span.endEpoch, 'end'),
  };
  if (split.raw.length === 0) return renderFragment(queryText(ROLLUP), { ...common, partitions: dtList(split.rollup) }, ROLLUP);
  return renderFragment(
    queryText(MIXED),
    { ...common, rollup_partitions: dtList(split.rollup), raw: flowsRelation(tables.database, tables.table, { ...span, partitions: split.raw }, tables.shape) },
    MIXED,
  );
}
