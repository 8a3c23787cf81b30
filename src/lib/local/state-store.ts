import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { identifier, renderQuery } from '../sql/sql.js';
import type { FileFacts } from './data-files.js';

/** The name the state database is attached under, beside the in-memory one holding the view. */
export const STATE_CATALOG = 'flowlog_pilot_state';

export interface StoredPartition {
  readonly id: string;
  readonly values: Readonly<Record<string, string>>;
  /** Relative to the data folder, ending with `/`. */
  readonly location: string;
}

export interface TableDefinition {
  readonly partitionKeys: readonly string[];
  readonly format: string;
}

const sql = (name: string): string => renderQuery(`local/state/${name}`, { state: identifier(STATE_CATALOG) });

/** The local catalog's storage: partitions and file facts in the state database, via bound values only. */
export class StateStore {
  readonly #connection: DuckDBConnection;
  readonly #database: string;
  readonly #table: string;

  constructor(connection: DuckDBConnection, database: string, table: string) {
    this.#connection = connection;
    this.#database = database;
    this.#table = table;
  }

  async createSchema(): Promise<void> {
    await this.#connection.run(sql('schema'));
  }

  async tableDefinition(): Promise<TableDefinition | undefined> {
    const reader = await this.#connection.runAndReadAll(sql('table-definition'), [this.#database, this.#table]);
    const row = reader.getRowObjectsJS()[0];
    if (row === undefined) return undefined;
    return { partitionKeys: JSON.parse(String(row.partition_keys)) as string[], format: String(row.format) };
  }

  async saveTableDefinition(definition: TableDefinition): Promise<void> {
    await this.#connection.run(sql('save-table-definition'), [this.#database, this.#table, JSON.stringify(definition.partitionKeys), definition.format]);
  }

  async partitions(range?: { readonly fromDt: string; readonly toDt: string }): Promise<StoredPartition[]> {
    const reader =
      range === undefined
        ? await this.#connection.runAndReadAll(sql('list-partitions'), [this.#database, this.#table])
        : await this.#connection.runAndReadAll(sql('list-partitions-in-range'), [this.#database, this.#table, range.fromDt, range.toDt]);
    return reader.getRowObjectsJS().map((row) => ({
      id: String(row.partition_id),
      values: JSON.parse(String(row.partition_values)) as Record<string, string>,
      location: String(row.location),
    }));
  }

  /** Applies every change or none. */
  async changePartitions(add: readonly StoredPartition[], remove: readonly string[]): Promise<void> {
    await this.#transaction(async () => {
      for (const id of remove) await this.#connection.run(sql('delete-partition'), [this.#database, this.#table, id]);
      for (const p of add) {
        await this.#connection.run(sql('insert-partition'), [this.#database, this.#table, p.id, JSON.stringify(p.values), p.location, p.values.dt ?? '']);
      }
    });
  }

  async fileFacts(): Promise<FileFacts[]> {
    const reader = await this.#connection.runAndReadAll(sql('list-file-facts'));
    return reader.getRowObjectsJS().map((row) => ({
      path: String(row.path),
      sizeBytes: Number(row.size_bytes),
      mtimeMs: Number(row.mtime_ms),
      header: row.header === null ? undefined : String(row.header),
      status: row.status === 'corrupt' ? 'corrupt' : 'ok',
      reason: row.reason === null ? undefined : String(row.reason),
      probed: row.probed === true,
    }));
  }

  async saveFileFacts(facts: readonly FileFacts[]): Promise<void> {
    if (facts.length === 0) return;
    const statement = await this.#connection.prepare(sql('save-file-fact'));
    await this.#transaction(async () => {
      for (const f of facts) {
        const values: DuckDBValue[] = [f.path, f.sizeBytes, f.mtimeMs, f.header ?? null, f.status, f.reason ?? null, f.probed];
        statement.bind(values);
        await statement.run();
      }
    });
  }

  async #transaction(work: () => Promise<void>): Promise<void> {
    await this.#connection.run(sql('begin'));
    try {
      await work();
      await this.#connection.run(sql('commit'));
    } catch (error) {
      await this.#connection.run(sql('rollback'));
      throw error;
    }
  }
}
