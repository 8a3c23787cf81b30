import { ValidationError } from '../errors.js';
import { ddlColumnIdentifier, joinFragments, qualifiedName, renderQuery, stringLiteral, SqlFragment } from '../sql/sql.js';
import type { Partition } from './plan.js';

/** Athena's limit on one query string, in UTF-8 bytes. */
export const ATHENA_MAX_QUERY_BYTES = 262_144;

function clause(keys: readonly string[], partition: Partition): string {
  const values = joinFragments(
    keys.map((key) => {
      const value = partition.values[key];
      if (value === undefined) throw new ValidationError(key, `the partition at ${partition.location} has no value for this partition key`);
      return joinFragments([ddlColumnIdentifier(key, 'partition key'), stringLiteral(value, key)], ' = ');
    }),
    ', ',
  );
  const location = stringLiteral(partition.location, 'location');
  return renderQuery('partitions/partition-clause', { values, location });
}

/**
 * The `ALTER TABLE ... ADD IF NOT EXISTS PARTITION ...` statements that register these partitions:
 * as few as possible, each under Athena's query-size limit.
 */
export interface AddPartitionsStatement {
  readonly sql: string;
  readonly partitions: readonly Partition[];
}

export function addPartitionStatements(
  database: string,
  table: string,
  keys: readonly string[],
  partitions: readonly Partition[],
  maxBytes = ATHENA_MAX_QUERY_BYTES,
): AddPartitionsStatement[] {
  if (partitions.length === 0) return [];
  const name = qualifiedName(database, table);
  const render = (batch: readonly string[]) => renderQuery('partitions/add-partitions', { table: name, partitions: SqlFragment.of(batch.join('\n')) });
  // Sizes are UTF-8 bytes (Buffer.byteLength's default encoding), as Athena counts them.
  const overhead = Buffer.byteLength(render([]));
  const statements: AddPartitionsStatement[] = [];
  let clauses: string[] = [];
  let members: Partition[] = [];
  let size = overhead;
  for (const partition of partitions) {
    const text = String(clause(keys, partition));
    const bytes = Buffer.byteLength(text) + 1;
    if (overhead + bytes > maxBytes) throw new ValidationError('location', `one partition clause is longer than the ${maxBytes}-byte query limit`);
    // Never true for the first clause of a statement: that is the check above.
    if (size + bytes > maxBytes) {
      statements.push({ sql: render(clauses), partitions: members });
      clauses = [];
      members = [];
      size = overhead;
    }
    clauses.push(text);
    members.push(partition);
    size += bytes;
  }
  statements.push({ sql: render(clauses), partitions: members });
  return statements;
}
