import { dtOf, type UtcDay } from '../dates.js';
import type { Partition } from '../partitions/plan.js';
import { rawTable, type TableShape } from '../flowlog/raw-table.js';
import { identifier, joinFragments, listOf, qualifiedName, renderQuery, SqlFragment, stringLiteral } from '../sql/sql.js';

export interface RollupTables {
  readonly database: string;
  readonly table: string;
  readonly rollupTable: string;
  /** The partition keys, shared by the raw table and its rollup. */
  readonly keys: readonly string[];
  /** How the raw table names its columns; the walkthrough's names when absent. */
  readonly shape?: TableShape;
}

// Rendered templates are made only of validated fragments, so their text may be spliced again.
const tuple = (parts: readonly SqlFragment[]): SqlFragment => SqlFragment.of(`(${String(listOf(parts))})`);

/**
 * The one statement that builds the rollup of these days, for every partition given (a marker
 * row per partition, so an empty day is still seen as built).
 */
export function buildRollupSql(tables: RollupTables, days: readonly UtcDay[], partitions: readonly Partition[]): string {
  const keys = listOf(tables.keys.map((key) => identifier(key, 'partition key')));
  const markers = listOf(partitions.map((p) => tuple(tables.keys.map((key) => stringLiteral(p.values[key] ?? '', key)))));
  return renderQuery('rollup/build-rollup', {
    rollup: qualifiedName(tables.database, tables.rollupTable),
    table: rawTable(tables.database, tables.table, tables.shape, days.map(dtOf)),
    keys,
    partitions: listOf(days.map((day) => stringLiteral(dtOf(day), 'dt'))),
    markers,
  });
}

/** Points an existing rollup partition at a fresh folder, so that building it again leaves no duplicate. */
export function setPartitionLocationSql(tables: RollupTables, partition: Partition, location: string): string {
  const values = joinFragments(
    tables.keys.map((key) => joinFragments([identifier(key, 'partition key'), stringLiteral(partition.values[key] ?? '', key)], ' = ')),
    ', ',
  );
  return renderQuery('rollup/set-partition-location', {
    rollup: qualifiedName(tables.database, tables.rollupTable),
    values,
    location: stringLiteral(location, 'location'),
  });
}

/**
 * Where a rebuilt partition's files go: under the rollup table's location, in a folder named for
 * the partition and the build, so each build has its own and none is ever appended to twice.
 */
export function rebuildLocation(tableLocation: string, keys: readonly string[], partition: Partition, buildId: string): string {
  const base = tableLocation.endsWith('/') ? tableLocation : `${tableLocation}/`;
  const folders = keys.map((key) => `${key}=${encodeURIComponent(partition.values[key] ?? '')}`).join('/');
  return `${base}${folders}/build=${encodeURIComponent(buildId)}/`;
}
