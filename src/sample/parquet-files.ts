import { rm } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseHeaderLine } from '../lib/flowlog/format.js';
import { parquetType, PARQUET_SUFFIX } from '../lib/flowlog/parquet.js';
import { fileColumns, filesList, COLUMN_TYPE } from '../lib/duckdb/table-view.js';
import { columnIdentifier, identifier, listOf, renderQuery, SqlFragment, stringLiteral } from '../lib/sql/sql.js';

/** `x.log.gz` becomes `x.log.parquet`, as AWS names a Parquet delivery of the same window. */
export function parquetName(textName: string): string {
  return textName.replace(/\.log\.gz$/, PARQUET_SUFFIX);
}

/**
 * Rewrites text log files as AWS's Parquet files (same records, AWS's column names and types,
 * gzip compression) with DuckDB's built-in Parquet writer, and removes each text file once its
 * Parquet file is written. Returns the Parquet paths, in the order given.
 */
export async function convertToParquet(textPaths: readonly string[], header: string): Promise<string[]> {
  const fields = parseHeaderLine(header);
  const columns = listOf(
    fields.map((f) =>
      SqlFragment.of(
        renderQuery('local/cast-column', { source: columnIdentifier(f.column), type: identifier(COLUMN_TYPE[parquetType(f)]), column: columnIdentifier(f.awsColumn) }),
      ),
    ),
  );
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const written: string[] = [];
  try {
    for (const path of textPaths) {
      const target = parquetName(path);
      await connection.run(
        renderQuery('local/sample/to-parquet', { columns, files: filesList([{ path }]), file_columns: fileColumns(fields), target: stringLiteral(target, 'file') }),
      );
      await rm(path);
      written.push(target);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return written;
}
