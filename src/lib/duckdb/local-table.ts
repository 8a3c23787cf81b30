import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FlowLogField } from '../flowlog/format.js';
import { headerLine, parseHeaderLine } from '../flowlog/format.js';
import { renderQuery, stringLiteral } from '../sql/sql.js';
import { fieldNameOfParquetColumn, isParquetFile } from '../flowlog/parquet.js';
import { asError } from '../errors.js';
import { inspectDataFile, listDataFiles, sameFile, type DataFile, type FileFacts } from '../local/data-files.js';
import type { StateStore, StoredPartition } from '../local/state-store.js';
import { fileColumns, filesList, tableViewSql, viewBranches, type ViewBranch } from './table-view.js';

/** Files inspected at once: zlib runs in libuv's pool, so a few in parallel use the cores. */
const INSPECT_CONCURRENCY = 4;

export interface LocalTableOptions {
  readonly database: string;
  readonly table: string;
  readonly format: readonly FlowLogField[];
  readonly keys: readonly string[];
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  /** A folder of the state where empty stand-in files for unreadable partitions are written. */
  readonly placeholderDir: string;
}

export interface SkippedFile {
  readonly partition: string;
  readonly path: string;
  readonly reason: string;
}

/**
 * Keeps the DuckDB view of the table in step with the registered partitions and the files in
 * their folders: lists the folders before each query, inspects new or changed files once, and
 * redefines the view only when something changed.
 */
export class LocalTable {
  readonly #connection: DuckDBConnection;
  readonly #store: StateStore;
  readonly #options: LocalTableOptions;
  readonly #facts = new Map<string, FileFacts>();
  #signature = '';
  #branches: ViewBranch[] = [];
  #skipped: SkippedFile[] = [];

  constructor(connection: DuckDBConnection, store: StateStore, options: LocalTableOptions) {
    this.#connection = connection;
    this.#store = store;
    this.#options = options;
  }

  get options(): LocalTableOptions {
    return this.#options;
  }

  async load(): Promise<void> {
    for (const fact of await this.#store.fileFacts()) this.#facts.set(fact.path, fact);
  }

  /** The branches of the view as last defined (their files are what a query may read). */
  get branches(): readonly ViewBranch[] {
    return this.#branches;
  }

  /** Files left out of the view because they cannot be read. */
  get skipped(): readonly SkippedFile[] {
    return this.#skipped;
  }

  /** Lists the partitions' files, inspects new ones and redefines the view if anything changed. */
  async refresh(): Promise<void> {
    const partitions = await this.#store.partitions();
    const listed = await Promise.all(partitions.map(async (p) => ({ partition: p, files: await listDataFiles(join(this.#options.dataDir, p.location)) })));
    const fresh = listed.flatMap((l) => l.files).filter((file) => !this.#known(file));
    const inspected = await mapLimited(dedupe(fresh), INSPECT_CONCURRENCY, (file) => inspectDataFile(file));
    const withSchemas = await Promise.all(inspected.map((fact) => this.#parquetHeader(fact)));
    const checked = withSchemas.map((fact) => this.#checkHeader(fact));
    await this.#remember(checked);
    const withFacts = listed.map(({ partition, files }) => ({ id: partition.id, values: partition.values, files: files.map((f) => this.#facts.get(f.path) as FileFacts) }));
    const signature = createHash('sha256').update(JSON.stringify(withFacts)).digest('hex');
    if (signature === this.#signature) return;
    const placeholders: FileFacts[] = [];
    this.#branches = viewBranches(withFacts, (partition) => {
      const fact = this.#placeholder(partition);
      placeholders.push(fact);
      return fact;
    });
    if (placeholders.length > 0) await mkdir(this.#options.placeholderDir, { recursive: true });
    await Promise.all(placeholders.map((p) => writeFile(p.path, `${p.header ?? ''}\n`)));
    this.#skipped = withFacts.flatMap((p) => p.files.filter((f) => f.status === 'corrupt').map((f) => ({ partition: p.id, path: f.path, reason: f.reason ?? 'unreadable' })));
    const { database, table, format, keys } = this.#options;
    await this.#connection.run(tableViewSql(database, table, format, keys, this.#branches));
    this.#signature = signature;
  }

  /**
   * Reads each file of the view not yet read in full, alone, to find the ones DuckDB cannot
   * read; marks them corrupt so the next refresh leaves them out. Returns how many it found.
   */
  async probe(): Promise<number> {
    const found: FileFacts[] = [];
    const probed: FileFacts[] = [];
    for (const branch of this.#branches) {
      const columns = fileColumns(parseHeaderLine(branch.header));
      for (const file of branch.files.filter((f) => !f.probed)) {
        try {
          await this.#connection.run(
            branch.parquet
              ? renderQuery('local/probe-parquet', { files: filesList([file]) })
              : renderQuery('local/probe-files', { files: filesList([file]), file_columns: columns }),
          );
          probed.push({ ...file, probed: true });
        } catch (error) {
          found.push({ ...file, status: 'corrupt', reason: firstLine(asError(error).message), probed: true });
        }
      }
    }
    await this.#remember([...probed, ...found]);
    return found.length;
  }

  #placeholder(partition: string): FileFacts {
    const name = createHash('sha256').update(partition).digest('hex').slice(0, 32);
    const path = join(this.#options.placeholderDir, `${name}.log`);
    return { path, sizeBytes: 0, mtimeMs: 0, header: headerLine(this.#options.format), status: 'ok', reason: undefined, probed: true };
  }

  /**
   * A Parquet file's header: its column names (AWS's, `account_id`) as the field names a text
   * header carries (`account-id`), read from its schema, so both kinds are grouped and mapped alike.
   */
  async #parquetHeader(fact: FileFacts): Promise<FileFacts> {
    if (!isParquetFile(fact.path) || fact.status !== 'ok') return fact;
    try {
      const reader = await this.#connection.runAndReadAll(renderQuery('local/parquet-columns', { file: stringLiteral(fact.path, 'file') }));
      const names = reader.getRowObjects().map((row) => fieldNameOfParquetColumn(String(row.name)));
      return { ...fact, header: names.join(' ') };
    } catch (error) {
      return { ...fact, status: 'corrupt', reason: `the Parquet schema cannot be read (${firstLine(asError(error).message)})` };
    }
  }

  #known(file: DataFile): boolean {
    const fact = this.#facts.get(file.path);
    return fact !== undefined && sameFile(fact, file);
  }

  #checkHeader(fact: FileFacts): FileFacts {
    if (fact.status !== 'ok' || fact.header === undefined) return fact;
    try {
      parseHeaderLine(fact.header);
      return fact;
    } catch (error) {
      const what = isParquetFile(fact.path) ? 'the Parquet columns are not flow-log fields' : 'the first line is not a flow-log header';
      return { ...fact, status: 'corrupt', reason: `${what} (${asError(error).message})` };
    }
  }

  async #remember(facts: readonly FileFacts[]): Promise<void> {
    for (const fact of facts) this.#facts.set(fact.path, fact);
    await this.#store.saveFileFacts(facts);
  }
}

/** Registered partitions as the catalog reports them: locations back under the data folder. */
export function absolutePartition(dataDir: string, stored: StoredPartition): { values: Readonly<Record<string, string>>; location: string } {
  const location = join(dataDir, stored.location);
  return { values: stored.values, location: location.endsWith('/') ? location : `${location}/` };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function dedupe(files: readonly DataFile[]): DataFile[] {
  return [...new Map(files.map((f) => [f.path, f])).values()];
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
