import { ValidationError } from '../errors.js';
import { columnName, type AthenaType, type ColumnNaming, type FlowLogField } from './format.js';
import { identifier, listOf, qualifiedName, quotedIdentifier, renderQuery, SqlFragment, stringLiteral } from '../sql/sql.js';

/**
 * What the jobs need to know to read a raw flow-log table: how it names its columns, which
 * flow-log fields it has, and its partition keys. The saved queries are written once, against the
 * walkthrough's names; a table named otherwise is read through a relation that renames it.
 */
export interface TableShape {
  readonly naming: ColumnNaming;
  readonly fields: readonly FlowLogField[];
  /** The partition keys the jobs read: `dt`, or `aws_account, aws_region, dt`. */
  readonly keys: readonly string[];
  /** The table's own keys when they differ (the console integration's `aws-account-id`, ..., `day`). */
  readonly tableKeys?: readonly string[];
}

/** The jobs' key each of the console integration's keys becomes (year, month and day make dt). */
const FROM_TABLE_KEY: Readonly<Record<string, string>> = Object.freeze({ aws_account: 'aws-account-id', aws_region: 'aws-region' });

/** The SQL types the saved queries expect of each column (Athena's `int` is Trino's INTEGER). */
const SQL_TYPE: Readonly<Record<AthenaType, string>> = Object.freeze({ int: 'integer', bigint: 'bigint', string: 'varchar' });

// Rendered templates are made only of validated fragments, so their text may be spliced again.
const rendered = (name: string, params: Readonly<Record<string, SqlFragment>>): SqlFragment => SqlFragment.of(renderQuery(name, params));

/**
 * What the raw-reading SQL (relations, rollup builds) puts where it reads `{{table}}`: the table
 * itself when it has the walkthrough's names (the statements stay exactly as before), or a
 * relation that selects AWS's columns as the walkthrough's, with the partition keys unchanged.
 * `withPath` keeps Athena's `"$path"` through that relation, for reads that pick files by name.
 */
export function rawTable(database: string, table: string, shape?: TableShape, dts: readonly string[] = [], withPath = false): SqlFragment {
  const name = qualifiedName(database, table);
  if (shape === undefined || (shape.naming === 'walkthrough' && shape.tableKeys === undefined)) return name;
  const columns = shape.fields.map((f) =>
    shape.naming === 'walkthrough'
      ? identifier(f.column)
      : rendered('tables/renamed-column', { source: quotedIdentifier(columnName(f, shape.naming), 'column'), type: identifier(SQL_TYPE[f.type]), column: identifier(f.column) }),
  );
  const path = withPath ? [rendered('tables/path-column', {})] : [];
  if (shape.tableKeys === undefined) {
    const keys = shape.keys.map((key) => quotedIdentifier(key, 'partition key'));
    return rendered('tables/aws-named', { columns: listOf([...columns, ...keys, ...path]), table: name });
  }
  const keys = shape.keys.map((key) =>
    key === 'dt'
      ? rendered('tables/dt-from-date-keys', {})
      : rendered('tables/renamed-key', { source: quotedIdentifier(FROM_TABLE_KEY[key], 'partition key'), column: identifier(key) }),
  );
  const parts = dts.map((dt) => dt.split('/'));
  const distinct = (index: number) => listOf([...new Set(parts.map((p) => p[index] ?? ''))].sort().map((value) => stringLiteral(value, 'dt')));
  if (parts.length === 0) throw new ValidationError('partitions', 'a table keyed by year, month and day is read for given days only');
  return rendered('tables/integration-keyed', { columns: listOf([...columns, ...keys, ...path]), table: name, years: distinct(0), months: distinct(1), days: distinct(2) });
}

/** The shape of a table made from a format with a naming (the table the stack or the local engine creates). */
export function createdShape(format: readonly FlowLogField[], naming: ColumnNaming, keys: readonly string[], tableKeys?: readonly string[]): TableShape {
  return Object.freeze({ naming, fields: format, keys: Object.freeze([...keys]), ...(tableKeys === undefined ? {} : { tableKeys: Object.freeze([...tableKeys]) }) });
}
