import { DuckDBDecimalValue, DuckDBTypeId, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Cell } from '../ports.js';

const INTEGERS = new Set([DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER]);
const BIG_INTEGERS = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
const TIMESTAMPS = new Set([DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_S, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS]);

const NAMES: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'tinyint',
  [DuckDBTypeId.SMALLINT]: 'smallint',
  [DuckDBTypeId.INTEGER]: 'integer',
  [DuckDBTypeId.UTINYINT]: 'smallint',
  [DuckDBTypeId.USMALLINT]: 'integer',
  [DuckDBTypeId.UINTEGER]: 'bigint',
  // Athena's sum() of integers is a bigint; DuckDB widens to a 128-bit integer.
  [DuckDBTypeId.BIGINT]: 'bigint',
  [DuckDBTypeId.UBIGINT]: 'bigint',
  [DuckDBTypeId.HUGEINT]: 'bigint',
  [DuckDBTypeId.UHUGEINT]: 'bigint',
  [DuckDBTypeId.FLOAT]: 'real',
  [DuckDBTypeId.DOUBLE]: 'double',
  [DuckDBTypeId.DECIMAL]: 'decimal',
  [DuckDBTypeId.VARCHAR]: 'varchar',
  [DuckDBTypeId.DATE]: 'date',
  [DuckDBTypeId.TIME]: 'time',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_NS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamp with time zone',
  [DuckDBTypeId.INTERVAL]: 'interval day to second',
  [DuckDBTypeId.LIST]: 'array',
  [DuckDBTypeId.ARRAY]: 'array',
  [DuckDBTypeId.STRUCT]: 'row',
  [DuckDBTypeId.MAP]: 'map',
  [DuckDBTypeId.UUID]: 'uuid',
  [DuckDBTypeId.BLOB]: 'varbinary',
  [DuckDBTypeId.SQLNULL]: 'unknown',
};

/** The type name Athena would report for a DuckDB result column. */
export function athenaTypeName(type: DuckDBType): string {
  return NAMES[type.typeId] ?? type.toString().toLowerCase();
}

/** Athena's text for a timestamp: millisecond precision, a space between date and time. */
function timestampText(value: DuckDBValue): string {
  const match = /^(-?\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(String(value));
  if (match === null) return String(value);
  return `${match[1]} ${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}`;
}

/**
 * One value as every engine returns it (the QueryResult contract): numbers for numeric types,
 * strings otherwise, null for NULL.
 */
export function cellOf(value: DuckDBValue, type: DuckDBType): Cell {
  if (value === null) return null;
  const id = type.typeId;
  if (INTEGERS.has(id) || id === DuckDBTypeId.DOUBLE || id === DuckDBTypeId.FLOAT) return Number(value);
  if (BIG_INTEGERS.has(id)) return Number(value as bigint);
  if (id === DuckDBTypeId.DECIMAL) return value instanceof DuckDBDecimalValue ? value.toDouble() : Number(value);
  if (TIMESTAMPS.has(id)) return timestampText(value);
  if (id === DuckDBTypeId.TIMESTAMP_TZ) return `${timestampText(value)} UTC`;
  return String(value);
}
