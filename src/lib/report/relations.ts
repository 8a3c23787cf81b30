import { queryText, qualifiedName, integerLiteral, listOf, renderFragment, stringLiteral, type SqlFragment } from '../sql/sql.js';
import { ValidationError } from '../errors.js';

export interface RelationSpan {
  /** `dt` values (YYYY/MM/DD) to read. */
  readonly partitions: readonly string[];
  /** Epoch seconds, start inclusive, end exclusive, compared with the records' start time. */
  readonly startEpoch: number;
  readonly endEpoch: number;
}

/** Where the aggregated-flows relation comes from: the raw table today, a stored daily rollup later. */
export type RelationSource = 'raw';

const TEMPLATES: Readonly<Record<RelationSource, string>> = { raw: 'relations/flows-from-raw' };

/**
 * The aggregated-flows relation over a span, as a fragment the report queries embed. Digests and
 * detections are written against this one relation, so moving them to a rollup table changes
 * this template and nothing else.
 */
export function flowsRelation(database: string, table: string, span: RelationSpan, source: RelationSource = 'raw'): SqlFragment {
  if (span.partitions.length === 0) throw new ValidationError('partitions', 'a relation needs at least one dt partition');
  return renderFragment(queryText(TEMPLATES[source]), {
    table: qualifiedName(database, table),
    partitions: listOf(span.partitions.map((dt) => stringLiteral(dt, 'dt'))),
    start: integerLiteral(span.startEpoch, 'start'),
    end: integerLiteral(span.endEpoch, 'end'),
  }, TEMPLATES[source]);
}
