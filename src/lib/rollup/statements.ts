import { dtOf, type UtcDay } from '../dates.js';
import { addPartitionStatements } from '../partitions/ddl.js';
import type { Partition } from '../partitions/plan.js';
import { rawTable, type TableShape } from '../flowlog/raw-table.js';
import { identifier, joinFragments, listOf, qualifiedName, queryText, renderFragment, renderQuery, SqlFragment, stringLiteral } from '../sql/sql.js';
import { ValidationError } from '../errors.js';
import type { SourceFile, StagedRowsRecord } from '../ports.js';
import { earlyFilesCondition, flowAggregation, pathTable, rollupColumns, wholeFoldersCondition } from '../report/relations.js';
import type { LateFolder } from '../report/window.js';

export interface RollupTables {
  readonly database: string;
  readonly table: string;
  readonly rollupTable: string;
  /** The partition keys, shared by the raw table and its rollup. */
  readonly keys: readonly string[];
  /** How the raw table names its columns; the walkthrough's names when absent. */
  readonly shape?: TableShape;
}

/**
 * What the build ids of a report's staged early rows start with (`early-<report time>`, under
 * `<rollup location>/builds/`): kept for the folder's own build, which reuses and removes them (or
 * serving one report, removed after it); S3's lifecycle rule on that prefix, and locally the next
 * open of the state (rows no record keeps), remove those left over.
 */
export const STAGED_BUILD_PREFIX = 'early-';

/** The key the builds table adds before the rollup's own keys. */
export const BUILD_KEY = 'build';

/**
 * The builds table of a rollup: same columns, partitioned by build id and then the rollup's keys,
 * located under the rollup's `builds/` folder. Every build writes there; the rollup's partitions
 * are pointed at a build's folders only once that build has succeeded.
 */
export function buildsTableOf(rollupTable: string): string {
  return `${rollupTable}_builds`;
}

// Rendered templates are made only of validated fragments, so their text may be spliced again.
const tuple = (parts: readonly SqlFragment[]): SqlFragment => SqlFragment.of(`(${String(listOf(parts))})`);

const MARKER_ROWS = 'fragments/marker-rows';

/**
 * The marker rows of a build, one per partition written (hour NULL, flows 0): the branch both
 * build statements end with, so a day without any record still gets its rollup partition.
 */
function markerRows(tables: RollupTables, partitions: readonly Partition[], build: SqlFragment, keys: SqlFragment): SqlFragment {
  const markers = listOf(partitions.map((p) => tuple(tables.keys.map((key) => stringLiteral(p.values[key] ?? '', key)))));
  return renderFragment(queryText(MARKER_ROWS), { build, keys, markers }, MARKER_ROWS);
}

const keyValues = (keys: readonly string[], values: Readonly<Record<string, string>>): SqlFragment =>
  joinFragments(
    keys.map((key) => joinFragments([identifier(key, 'partition key'), stringLiteral(values[key] ?? '', key)], ' = ')),
    ', ',
  );

/**
 * The one statement that builds the rollup of these days into build `buildId`, for every
 * partition given (a marker row per partition, so an empty day is still seen as built).
 */
export function buildRollupSql(tables: RollupTables, days: readonly UtcDay[], partitions: readonly Partition[], buildId: string): string {
  return renderBuild(tables, partitions, buildId, rawTable(tables.database, tables.table, tables.shape, days.map(dtOf)), wholeFoldersCondition(days.map(dtOf)));
}

/**
 * The one statement that stages a late folder's early rows for a report: the same build statement
 * (so the rows have exactly the rollup's shape), over only the folder's early files, into build
 * `buildId`'s partitions of that day. The report's queries then read these rows, not the files.
 * The early files are picked by `"$path"`, which the local engine shows on a view of its own.
 */
export function stageEarlyRowsSql(
  tables: RollupTables,
  engine: 'athena' | 'local',
  late: LateFolder,
  partitions: readonly Partition[],
  buildId: string,
  files?: readonly SourceFile[],
): string {
  const table = rawTable(tables.database, pathTable(engine, tables.table), tables.shape, [late.dt], true);
  // Naming the listed early files makes the staged rows exactly theirs, so the folder's build can leave exactly those out.
  const condition =
    files === undefined ? earlyFilesCondition(late) : joinFragments([earlyFilesCondition(late), renderFragment(queryText(LISTED), { files: pathList(files) }, LISTED)], '\nAND ');
  return renderBuild(tables, partitions, buildId, table, condition);
}

const LISTED = 'relations/listed-files';
const STAGED_ROWS = 'rollup/staged-rows';

const pathList = (files: readonly SourceFile[]): SqlFragment => listOf(files.map((f) => stringLiteral(f.path, 'file')));

/**
 * The build statement of these days that reuses early rows a report staged and kept: the raw
 * folders are read without the staged files (`"$path" NOT IN`), and the staged rows are added in,
 * so each raw file is read once over its life. `staged` must name at least one file.
 */
export function buildRollupReusingStagedSql(
  tables: RollupTables,
  engine: 'athena' | 'local',
  days: readonly UtcDay[],
  partitions: readonly Partition[],
  buildId: string,
  staged: readonly StagedRowsRecord[],
): string {
  const files = staged.flatMap((s) => s.files);
  if (files.length === 0) throw new ValidationError('staged', 'staged rows are reused only with the files they came from');
  const builds = qualifiedName(tables.database, buildsTableOf(tables.rollupTable));
  const keys = listOf(tables.keys.map((key) => identifier(key, 'partition key')));
  const build = stringLiteral(buildId, 'build id');
  const aggregation = flowAggregation();
  const rows = joinFragments(
    staged.map((s) => renderFragment(queryText(STAGED_ROWS), { build: stringLiteral(s.build, 'build id'), dt: stringLiteral(dtOf(s.day), 'dt') }, STAGED_ROWS)),
    ' OR ',
  );
  return renderQuery('rollup/build-rollup-reusing-staged', {
    builds,
    rollup_columns: rollupColumns(),
    aggregation_select: aggregation.select,
    aggregation_group_by: aggregation.groupBy,
    table: rawTable(tables.database, pathTable(engine, tables.table), tables.shape, days.map(dtOf), true),
    build,
    keys,
    folders: wholeFoldersCondition(days.map(dtOf)),
    staged_files: pathList(files),
    staged: rows,
    marker_rows: markerRows(tables, partitions, build, keys),
  });
}

function renderBuild(tables: RollupTables, partitions: readonly Partition[], buildId: string, table: SqlFragment, folders: SqlFragment): string {
  const keys = listOf(tables.keys.map((key) => identifier(key, 'partition key')));
  const build = stringLiteral(buildId, 'build id');
  const aggregation = flowAggregation();
  return renderQuery('rollup/build-rollup', {
    builds: qualifiedName(tables.database, buildsTableOf(tables.rollupTable)),
    rollup_columns: rollupColumns(),
    aggregation_select: aggregation.select,
    aggregation_group_by: aggregation.groupBy,
    table,
    build,
    keys,
    folders,
    marker_rows: markerRows(tables, partitions, build, keys),
  });
}

/** The builds-table partitions of one build, each at the folder that build writes for it. */
export function buildPartitions(tableLocation: string, keys: readonly string[], partitions: readonly Partition[], buildId: string): Partition[] {
  return partitions.map((p) => ({ values: { [BUILD_KEY]: buildId, ...p.values }, location: buildLocation(tableLocation, keys, p, buildId) }));
}

/** Registers a build's partitions in the builds table before the INSERT, so that it writes to exactly those folders. */
export function addBuildPartitionsSql(tables: RollupTables, partitions: readonly Partition[]): string[] {
  return addPartitionStatements(tables.database, buildsTableOf(tables.rollupTable), [BUILD_KEY, ...tables.keys], partitions).map((s) => s.sql);
}

/** Adds new rollup partitions pointing at a finished build's folders. */
export function addRollupPartitionsSql(tables: RollupTables, partitions: readonly Partition[]): string[] {
  return addPartitionStatements(tables.database, tables.rollupTable, tables.keys, partitions).map((s) => s.sql);
}

/** Drops a build's partitions from the builds table (its files stay). */
export function dropBuildPartitionsSql(tables: RollupTables, partitions: readonly Partition[]): string {
  const keys = [BUILD_KEY, ...tables.keys];
  const specs = partitions.map((p) => SqlFragment.of(renderQuery('rollup/partition-spec', { values: keyValues(keys, p.values) })));
  return renderQuery('rollup/drop-build-partitions', { builds: qualifiedName(tables.database, buildsTableOf(tables.rollupTable)), partitions: joinFragments(specs, ', ') });
}

/** Switches an existing rollup partition to a finished build's folder (one statement per partition). */
export function setPartitionLocationSql(tables: RollupTables, partition: Partition, location: string): string {
  return renderQuery('rollup/set-partition-location', {
    rollup: qualifiedName(tables.database, tables.rollupTable),
    values: keyValues(tables.keys, partition.values),
    location: stringLiteral(location, 'location'),
  });
}

/**
 * Where a build writes a partition's files: under the rollup table's location, in
 * `builds/<build id>/<key=value>/`, so each build has a folder of its own, none is ever appended
 * to twice, and the folders of a build that failed are never referenced by the rollup.
 */
export function buildLocation(tableLocation: string, keys: readonly string[], partition: Partition, buildId: string): string {
  const base = tableLocation.endsWith('/') ? tableLocation : `${tableLocation}/`;
  const folders = keys.map((key) => `${key}=${encodeURIComponent(partition.values[key] ?? '')}`).join('/');
  return `${base}builds/${encodeURIComponent(buildId)}/${folders}/`;
}
