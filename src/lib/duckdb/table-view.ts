import { mapFileToTable, parseHeaderLine, type AthenaType, type FlowLogField } from '../flowlog/format.js';
import { columnIdentifier, identifier, listOf, qualifiedName, renderQuery, SqlFragment, stringLiteral } from '../sql/sql.js';
import type { Column } from '../ports.js';
import { pathTable } from '../report/relations.js';
import type { FileFacts } from '../local/data-files.js';
import { isParquetFile } from '../flowlog/parquet.js';

/** One registered partition with the files its folder holds. */
export interface PartitionFiles {
  /** The partition's id (`dt=2026/11/01`), as SHOW PARTITIONS prints it. */
  readonly id: string;
  readonly values: Readonly<Record<string, string>>;
  readonly files: readonly FileFacts[];
}

/** The files of one partition sharing one header line: one `read_csv` in the view. */
export interface ViewBranch {
  readonly partition: string;
  readonly values: Readonly<Record<string, string>>;
  readonly header: string;
  readonly files: readonly FileFacts[];
  /** True for AWS's Parquet files (`.log.parquet`), read by column name with read_parquet. */
  readonly parquet: boolean;
}

/** DuckDB types of the table's columns; they are also the Athena names the results report. */
export const COLUMN_TYPE: Readonly<Record<AthenaType, string>> = Object.freeze({ int: 'integer', bigint: 'bigint', string: 'varchar' });

/** The table's columns as `SELECT *` returns them: data columns, then the partition keys. */
export function tableColumns(format: readonly FlowLogField[], keys: readonly string[]): Column[] {
  return [...format.map((f) => ({ name: f.column, type: COLUMN_TYPE[f.type] })), ...keys.map((name) => ({ name, type: 'varchar' }))];
}

/**
 * Groups readable files by partition and header line. Each file is read by the field names of
 * its own header, so files of different formats in one day never misalign.
 */
export function viewBranches(partitions: readonly PartitionFiles[], placeholder: (partition: string) => FileFacts): ViewBranch[] {
  return partitions.flatMap((partition): ViewBranch[] => {
    // Text and Parquet files of one day (two flow logs into one folder) are read by their own reader.
    const byHeader = new Map<string, FileFacts[]>();
    for (const file of partition.files) {
      if (file.status !== 'ok' || file.header === undefined) continue;
      const key = `${isParquetFile(file.path) ? 'parquet' : 'text'}\n${file.header}`;
      const group = byHeader.get(key) ?? [];
      group.push(file);
      byHeader.set(key, group);
    }
    // A partition whose every file is unreadable still gets a branch (an empty file), so a query
    // that reads it can be told which files were skipped.
    if (byHeader.size === 0 && partition.files.length > 0) {
      const empty = placeholder(partition.id);
      return [{ partition: partition.id, values: partition.values, header: empty.header ?? '', files: [empty], parquet: false }];
    }
    return [...byHeader].map(([key, files]) => ({
      partition: partition.id,
      values: partition.values,
      header: key.slice(key.indexOf('\n') + 1),
      files,
      parquet: key.startsWith('parquet\n'),
    }));
  });
}

// Rendered templates are made only of validated fragments, so their text may be spliced again.
const rendered = (name: string, params: Readonly<Record<string, SqlFragment>>): SqlFragment => SqlFragment.of(renderQuery(name, params));

const nullColumn = (column: string, type: AthenaType) => rendered('local/null-column', { type: identifier(COLUMN_TYPE[type]), column: columnIdentifier(column) });

/** A field of the file under the table's name for it (a table with AWS's names calls `sourceaddress` `srcaddr`). */
const fileColumn = (source: FlowLogField, column: string): SqlFragment =>
  source.column === column ? columnIdentifier(column) : rendered('local/renamed-column', { source: columnIdentifier(source.column), column: columnIdentifier(column) });

function keyColumns(keys: readonly string[], values: Readonly<Record<string, string>>): SqlFragment[] {
  return keys.map((key) => rendered('local/constant-column', { value: stringLiteral(values[key] ?? '', key), column: identifier(key, 'partition key') }));
}

/** The `columns={...}` entries of read_csv for a header: every field of the file, named by its column. */
export function fileColumns(fields: readonly FlowLogField[]): SqlFragment {
  return listOf(fields.map((f) => rendered('local/file-column', { name: stringLiteral(f.column), type: stringLiteral(COLUMN_TYPE[f.type]) })));
}

export function filesList(files: readonly { readonly path: string }[]): SqlFragment {
  return listOf(files.map((f) => stringLiteral(f.path, 'file')));
}

/** A Parquet file's field (named as AWS names it, `srcaddr`) as the table's column, with the table's type. */
const parquetColumn = (source: FlowLogField, column: string, type: AthenaType): SqlFragment =>
  rendered('local/cast-column', { source: columnIdentifier(source.awsColumn), type: identifier(COLUMN_TYPE[type]), column: columnIdentifier(column) });

function branchSql(format: readonly FlowLogField[], keys: readonly string[], branch: ViewBranch): SqlFragment {
  const fields = parseHeaderLine(branch.header);
  if (branch.parquet) {
    const selected = mapFileToTable(format, fields).map((m) => (m.source === undefined ? nullColumn(m.column, m.type) : parquetColumn(m.source, m.column, m.type)));
    return rendered('local/parquet-branch', { columns: listOf([...selected, ...keyColumns(keys, branch.values)]), files: filesList(branch.files) });
  }
  const inFile = new Map(fields.map((f) => [f.name, f]));
  const selected = mapFileToTable(format, fields).map((m) => (m.source === undefined ? nullColumn(m.column, m.type) : fileColumn(inFile.get(m.source.name) ?? m.source, m.column)));
  return rendered('local/files-branch', {
    columns: listOf([...selected, ...keyColumns(keys, branch.values)]),
    files: filesList(branch.files),
    file_columns: fileColumns(fields),
  });
}

/**
 * The statement that (re)defines the table's view: a UNION ALL with one branch per partition
 * and header, each tagged with constant key columns so that DuckDB drops the branches a `dt`
 * filter rules out before reading any file of them.
 */
export function tableViewSql(database: string, table: string, format: readonly FlowLogField[], keys: readonly string[], branches: readonly ViewBranch[]): string {
  const parts =
    branches.length === 0
      ? [rendered('local/empty-branch', { columns: listOf([...format.map((f) => nullColumn(f.column, f.type)), ...keys.map((k) => nullColumn(k, 'string'))]) })]
      : branches.map((b) => branchSql(format, keys, b));
  return renderQuery('local/table-view', {
    table: qualifiedName(database, table),
    path_view: qualifiedName(database, pathTable('local', table)),
    branches: SqlFragment.of(parts.map(String).join('\nUNION ALL\n')),
  });
}

/** The DuckDB profile of a query: a tree of operators, scans naming (some of) their files. */
export interface ProfileNode {
  readonly operator_name?: string;
  readonly extra_info?: Readonly<Record<string, unknown>>;
  readonly children?: readonly ProfileNode[];
}

/**
 * The compressed bytes a query read, from its profile: each scan names the files it read (all of
 * them, or its first ones when there are many) and how many it read. Named files count as they
 * are; when fewer are named than read, the rest are taken to follow the last named one in its
 * branch's order (a filter on the file name keeps the branch's order).
 */
export function bytesRead(profile: ProfileNode, branches: readonly ViewBranch[]): number {
  const where = new Map<string, { branch: ViewBranch; index: number }>();
  for (const branch of branches)
    branch.files.forEach((file, index) => {
      if (!where.has(file.path)) where.set(file.path, { branch, index });
    });
  let total = 0;
  const visit = (node: ProfileNode): void => {
    const info = node.extra_info ?? {};
    const names = info['Filename(s)'];
    if (typeof names === 'string' && names !== '') {
      const named = names
        .split(', ')
        .map((name) => where.get(name))
        .filter((w): w is { branch: ViewBranch; index: number } => w !== undefined);
      const last = named[named.length - 1];
      const count = Number(info['Total Files Read'] ?? named.length);
      total += named.reduce((sum, w) => sum + (w.branch.files[w.index]?.sizeBytes ?? 0), 0);
      if (last !== undefined && count > named.length)
        total += last.branch.files.slice(last.index + 1, last.index + 1 + count - named.length).reduce((sum, f) => sum + f.sizeBytes, 0);
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile);
  return total;
}
