import type { ColumnInfo, Row as AthenaRow, StatementType } from '@aws-sdk/client-athena';
import type { Cell, Column, Row } from '../ports.js';

/** Types whose values the QueryResult contract gives as numbers, the same as the local engine. */
const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint', 'real', 'float', 'double', 'decimal']);

/** Column names (the label Athena shows) and lowercased types. */
export function columnsOf(info: readonly ColumnInfo[] | undefined): Column[] {
  return (info ?? []).map((c, i) => ({ name: c.Label ?? c.Name ?? `_col${i}`, type: (c.Type ?? 'varchar').toLowerCase() }));
}

/**
 * Whether the first row of the first page is the header Athena adds to SELECT results. DDL results
 * have none; a DML result always has one; for anything else (UTILITY statements, an unknown type)
 * the row is a header only if it repeats the column labels.
 */
export function isHeaderRow(statementType: StatementType | string | undefined, row: AthenaRow | undefined, columns: readonly Column[]): boolean {
  if (row === undefined || statementType === 'DDL') return false;
  if (statementType === 'DML') return true;
  const values = (row.Data ?? []).map((d) => d.VarCharValue);
  return values.length === columns.length && values.every((v, i) => v === columns[i]?.name);
}

/** One cell: null when Athena gives no VarCharValue (SQL NULL), a number for numeric types. */
export function cellOf(type: string, value: string | undefined): Cell {
  if (value === undefined) return null;
  if (NUMERIC_TYPES.has(type)) {
    const n = Number(value);
    return value.trim() === '' ? value : n;
  }
  return value;
}

export function rowOf(columns: readonly Column[], row: AthenaRow): Row {
  const data = row.Data ?? [];
  return Object.fromEntries(columns.map((c, i) => [c.name, cellOf(c.type, data[i]?.VarCharValue)]));
}
