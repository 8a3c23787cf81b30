import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { addDays, dtOf, parseDay } from '../src/lib/dates.js';
import { DEFAULT_FORMAT } from '../src/lib/flowlog/format.js';
import { createdShape } from '../src/lib/flowlog/raw-table.js';
import { buildRollupSql } from '../src/lib/rollup/statements.js';
import { writeSample } from '../src/sample/write-sample.js';
import { listOf, renderQuery, stringLiteral } from '../src/lib/sql/sql.js';
import type { BenchSectionContext } from './sections.js';

export interface ParquetBytes {
  readonly records: number;
  /** The files one daily report reads raw: the day's folder and the next folder's files (late records). */
  readonly files: number;
  /** Text: Athena reads every byte of each gz file it touches. */
  readonly textBytes: number;
  /** The Parquet columns the rollup build statement reads, as it names them. */
  readonly columnsRead: readonly string[];
  /** Parquet: the column chunks of `columnsRead` plus each file's footer (schema and chunk offsets). */
  readonly parquetBytesRead: number;
  /** Parquet: the whole files, every column. */
  readonly parquetFileBytes: number;
  /** parquetBytesRead / textBytes (below 1: Parquet is cheaper). */
  readonly parquetToText: number;
}

/** `CAST("srcaddr" AS varchar) AS sourceaddress`: one column of a renaming relation (src/queries/tables/renamed-column.sql). */
const RENAMED_COLUMN = /CAST\("((?:[^"]|"")+)" AS \w+\) AS (\w+)/g;

/**
 * The raw table's own columns that an Athena statement over an AWS-named table reads: each column
 * its renaming relation selects whose new name the rest of the statement uses. Trino, like
 * DuckDB, reads from Parquet only the columns a query uses after pruning the ones a subquery
 * selects but nothing above it reads, so an unused rename costs nothing. Comments are left out,
 * since they name columns in prose. Throws when the statement reads no renaming relation.
 */
export function parquetColumnsRead(sql: string): string[] {
  const code = sql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
  const renames = [...code.matchAll(RENAMED_COLUMN)].map((m) => ({ source: (m[1] ?? '').replaceAll('""', '"'), column: m[2] ?? '' }));
  if (renames.length === 0) throw new Error('the statement reads no renaming relation, so it names no Parquet column');
  const rest = code.replaceAll(RENAMED_COLUMN, '');
  return renames.filter((r) => new RegExp(`(^|\\W)${r.column}(\\W|$)`).test(rest)).map((r) => r.source);
}

/** The rollup build of one day over a table made for Parquet delivery (AWS's column names), as the Athena jobs render it. */
export function parquetBuildStatement(day: string): string {
  const utcDay = parseDay(day);
  const keys = ['dt'];
  const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys, shape: createdShape(DEFAULT_FORMAT, 'aws', keys) };
  return buildRollupSql(tables, [utcDay], [{ values: { dt: dtOf(utcDay) }, location: '' }], 'bench');
}

async function filesOf(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((name) => name.endsWith(suffix)).map((name) => join(dir, name));
}

async function totalSize(paths: readonly string[]): Promise<number> {
  const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * What Athena would bill for the raw reads of one daily report, the same sample day delivered as
 * text (.log.gz) and as Parquet: text is read whole; of a Parquet file Athena reads the footer and
 * the column chunks of the columns the statement uses (DuckDB's `parquet_metadata()` gives each
 * chunk's stored size). Local files only; Athena's 10 MB minimum per query is not applied.
 */
export async function benchParquetBytes(context: Pick<BenchSectionContext, 'records' | 'workDir' | 'day' | 'log'>): Promise<ParquetBytes> {
  const common = { endDate: context.day, days: 1, recordsPerDay: context.records };
  const textOut = join(context.workDir, 'bytes-text');
  const parquetOut = join(context.workDir, 'bytes-parquet');
  const text = await writeSample({ ...common, out: textOut });
  await writeSample({ ...common, out: parquetOut, fileFormat: 'parquet' });
  const day = parseDay(context.day);
  const folders = text.folders.filter((f) => f.day === day || f.day === addDays(day, 1)).map((f) => f.path);
  const lateFiles = text.folders.filter((f) => f.day === addDays(day, 1)).reduce((sum, f) => sum + f.files.length, 0);
  const textFiles = (await Promise.all(folders.map((folder) => filesOf(join(textOut, folder), '.log.gz')))).flat();
  const parquetFiles = (await Promise.all(folders.map((folder) => filesOf(join(parquetOut, folder), '.log.parquet')))).flat();
  if (textFiles.length === 0 || textFiles.length !== parquetFiles.length)
    throw new Error(`expected the same files in both forms, got ${textFiles.length} text and ${parquetFiles.length} Parquet`);

  const columnsRead = parquetColumnsRead(parquetBuildStatement(context.day));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  let chunks: { file: string; column: string; bytes: number }[];
  try {
    const reader = await connection.runAndReadAll(renderQuery('local/parquet-column-chunks', { files: listOf(parquetFiles.map((file) => stringLiteral(file, 'file'))) }));
    chunks = reader.getRowObjectsJS().map((row) => ({ file: String(row.file_name), column: String(row.column_name), bytes: Number(row.bytes) }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const missing = columnsRead.filter((column) => !chunks.some((c) => c.column === column));
  if (missing.length > 0) throw new Error(`the Parquet files have no column ${missing.join(', ')}`);
  const parquetFileBytes = await totalSize(parquetFiles);
  const allChunkBytes = chunks.reduce((sum, c) => sum + c.bytes, 0);
  const footerBytes = parquetFileBytes - allChunkBytes;
  const readChunkBytes = chunks.filter((c) => columnsRead.includes(c.column)).reduce((sum, c) => sum + c.bytes, 0);
  const textBytes = await totalSize(textFiles);
  const parquetBytesRead = readChunkBytes + footerBytes;
  const result = { records: text.records, files: textFiles.length, textBytes, columnsRead, parquetBytesRead, parquetFileBytes, parquetToText: parquetBytesRead / textBytes };
  context.log(`one daily report's raw reads: ${result.files} files, ${context.day}'s folder and ${lateFiles} late file(s) of the next folder, ${text.records} records`);
  context.log(`  text (gzip), whole files:            ${textBytes} bytes`);
  context.log(
    `  Parquet, columns read + footers:      ${parquetBytesRead} bytes (${columnsRead.length} of ${new Set(chunks.map((c) => c.column)).size} columns: ${columnsRead.join(', ')}; footers ${footerBytes} bytes)`,
  );
  context.log(`  Parquet, whole files:                 ${parquetFileBytes} bytes`);
  context.log(`  Parquet read / text read:             ${result.parquetToText.toFixed(2)} (${(1 / result.parquetToText).toFixed(1)} x fewer bytes)`);
  return result;
}
