import type { AthenaType, FlowLogField } from './format.js';

/**
 * Where AWS's Parquet flow-log files type a column wider than the text table does: AWS's DDL for
 * flow logs in Parquet ("Create tables for flow logs in Apache Parquet format", Athena User
 * Guide) declares `protocol bigint`; every other field has the text table's type.
 */
const PARQUET_TYPES: Readonly<Record<string, AthenaType>> = Object.freeze({ protocol: 'bigint' });

/** The type of a field's column in AWS's Parquet files. */
export function parquetType(field: FlowLogField): AthenaType {
  return PARQUET_TYPES[field.name] ?? field.type;
}

/** A Parquet file names its columns as AWS's DDL does (`account_id`, `log_status`): back to the field name (`account-id`). */
export function fieldNameOfParquetColumn(column: string): string {
  return column.replaceAll('_', '-');
}

/** AWS's Parquet file names end so; text files end `.log.gz`. */
export const PARQUET_SUFFIX = '.log.parquet';

export function isParquetFile(path: string): boolean {
  return path.endsWith('.parquet');
}
