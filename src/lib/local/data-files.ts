import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { asError } from '../errors.js';
import { isParquetFile } from '../flowlog/parquet.js';

export interface DataFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

/** What reading a file once taught us; kept in the state keyed by path, size and mtime. */
export interface FileFacts extends DataFile {
  /** The file's first line, when it could be read. */
  readonly header: string | undefined;
  readonly status: 'ok' | 'corrupt';
  /** Why the file is corrupt. */
  readonly reason: string | undefined;
  /** True once DuckDB read every row of it without an error. */
  readonly probed: boolean;
}

/** Same path, size and mtime: a replaced file is a different one and is looked at again. */
export function sameFile(a: DataFile, b: DataFile): boolean {
  return a.path === b.path && a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs;
}

/**
 * Every data file under a partition's folder, as Athena reads a LOCATION: all files below it,
 * hidden ones (`.` or `_`) excepted. A missing folder is an empty partition, as in S3.
 */
export async function listDataFiles(folder: string): Promise<DataFile[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  const paths = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return Promise.all(
    paths.map(async (path) => {
      const info = await stat(path);
      return { path, sizeBytes: info.size, mtimeMs: info.mtimeMs };
    }),
  );
}

const MAX_HEADER_BYTES = 64 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a file's header line and checks a gzip file to its end (its CRC and length): DuckDB
 * reads a truncated gzip without complaint, so a cut-off file would silently lose rows. Done
 * once per file version, natively in zlib, off the query's path.
 */
export async function inspectDataFile(file: DataFile): Promise<FileFacts> {
  if (isParquetFile(file.path)) return inspectParquetFile(file);
  const gzip = file.path.endsWith('.gz');
  let header: string | undefined;
  let pending = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const raw = createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES });
      const text = gzip ? raw.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : raw;
      raw.on('error', reject);
      text.on('error', reject);
      text.on('data', (chunk: Buffer) => {
        if (header !== undefined) return;
        pending += chunk.subarray(0, MAX_HEADER_BYTES).toString('utf8');
        const newline = pending.indexOf('\n');
        if (newline !== -1) header = pending.slice(0, newline).replace(/\r$/, '');
        else if (pending.length >= MAX_HEADER_BYTES) reject(new Error(`no line break in the first ${MAX_HEADER_BYTES} bytes`));
        if (!gzip && header !== undefined) raw.destroy();
      });
      text.on('end', resolve);
      raw.on('close', () => {
        if (!gzip) resolve();
      });
    });
  } catch (error) {
    return { ...file, header, status: 'corrupt', reason: describeReadError(error), probed: false };
  }
  if (header === undefined) header = pending === '' ? undefined : pending;
  if (header === undefined) return { ...file, header, status: 'corrupt', reason: 'the file is empty (no header line)', probed: false };
  return { ...file, header, status: 'ok', reason: undefined, probed: false };
}

/** Parquet files start and end with the magic `PAR1`; a file cut short lacks the trailing one. */
const PARQUET_MAGIC = 'PAR1';

/**
 * Checks a Parquet file's framing; its header (the column names) is read from its schema by
 * DuckDB afterwards (LocalTable), since only a Parquet reader can decode the footer.
 */
async function inspectParquetFile(file: DataFile): Promise<FileFacts> {
  const magic = PARQUET_MAGIC.length;
  if (file.sizeBytes < 2 * magic) return { ...file, header: undefined, status: 'corrupt', reason: 'the Parquet file is too short (truncated?)', probed: false };
  let handle;
  try {
    handle = await open(file.path, 'r');
    const head = Buffer.alloc(magic);
    const tail = Buffer.alloc(magic);
    await handle.read(head, 0, magic, 0);
    await handle.read(tail, 0, magic, file.sizeBytes - magic);
    if (head.toString('latin1') !== PARQUET_MAGIC) return { ...file, header: undefined, status: 'corrupt', reason: 'not a Parquet file (no PAR1 at its start)', probed: false };
    if (tail.toString('latin1') !== PARQUET_MAGIC)
      return { ...file, header: undefined, status: 'corrupt', reason: 'the Parquet file is truncated (no PAR1 at its end)', probed: false };
    return { ...file, header: undefined, status: 'ok', reason: undefined, probed: false };
  } catch (error) {
    return { ...file, header: undefined, status: 'corrupt', reason: describeReadError(error), probed: false };
  } finally {
    await handle?.close();
  }
}

function describeReadError(error: unknown): string {
  const e = asError(error);
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) return 'the gzip data is truncated';
  if (code === 'Z_DATA_ERROR') return `the gzip data is damaged (${e.message})`;
  return e.message;
}
