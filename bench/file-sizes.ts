import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSample } from '../src/sample/write-sample.js';
import type { BenchSectionContext } from './sections.js';

export interface FileSizes {
  readonly records: number;
  readonly textBytes: number;
  readonly parquetBytes: number;
  /** Parquet bytes per text byte (below 1: Parquet is smaller). */
  readonly parquetToText: number;
}

async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(entries.filter((e) => e.isFile() && e.name.includes('.log.')).map(async (e) => (await stat(join(e.parentPath, e.name))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * The same one-day sample written as text (.log.gz) and as AWS's Parquet (.log.parquet), and
 * the bytes on disk of each: local sizes only, not Athena's bytes scanned.
 */
export async function benchFileSizes(context: Pick<BenchSectionContext, 'records' | 'workDir' | 'day' | 'log'>): Promise<FileSizes> {
  const common = { endDate: context.day, days: 1, recordsPerDay: context.records };
  const text = await writeSample({ ...common, out: join(context.workDir, 'sizes-text') });
  await writeSample({ ...common, out: join(context.workDir, 'sizes-parquet'), fileFormat: 'parquet' });
  const textBytes = await bytesUnder(join(context.workDir, 'sizes-text', 'AWSLogs'));
  const parquetBytes = await bytesUnder(join(context.workDir, 'sizes-parquet', 'AWSLogs'));
  const result = { records: text.records, textBytes, parquetBytes, parquetToText: parquetBytes / textBytes };
  context.log(
    `${text.records} records in ${text.files} files: text (gzip) ${textBytes} bytes, Parquet (gzip) ${parquetBytes} bytes (${(result.parquetToText * 100).toFixed(0)}% of text)`,
  );
  return result;
}
