import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from '../errors.js';
import { quoteForMessage } from '../dates.js';
import type { Partition } from '../partitions/plan.js';
import { identifier, joinFragments, listOf, renderQuery, stringLiteral, type SqlFragment } from '../sql/sql.js';
import type { PartitionAnswer } from './local-partitions.js';
import type { PartitionStatement, TableRef } from './partition-statements.js';

export interface LocalRollupOptions {
  /** The catalog the state database is attached as. */
  readonly stateCatalog: string;
  readonly database: string;
  readonly rollupTable: string;
  readonly keys: readonly string[];
}

/**
 * The stored daily rollup of the local engine: a table in the state database, so a day's gz
 * files are read once and every later report (a later run included) reads the table. Its
 * partitions are the key values present; Athena's partition statements on it act on its rows.
 */
export class LocalRollup {
  readonly #connection: DuckDBConnection;
  readonly #options: LocalRollupOptions;

  constructor(connection: DuckDBConnection, options: LocalRollupOptions) {
    this.#connection = connection;
    this.#options = options;
  }

  get options(): LocalRollupOptions {
    return this.#options;
  }

  async create(): Promise<void> {
    const { stateCatalog, database } = this.#options;
    await this.#connection.run(
      renderQuery('local/rollup/create-table', {
        schema: joinFragments([identifier(stateCatalog), identifier(database, 'database')], '.'),
        rollup: this.#name(),
        key_columns: listOf(this.#options.keys.map((key) => joinFragments([identifier(key, 'partition key'), identifier('varchar')], ' '))),
      }),
    );
  }

  /** Whether a statement names this table (unqualified, or in the table's database). */
  handles(ref: TableRef): boolean {
    return ref.table === this.#options.rollupTable && (ref.database === undefined || ref.database === this.#options.database);
  }

  async partitions(range: { readonly fromDt: string; readonly toDt: string }): Promise<Partition[]> {
    const keys = this.#options.keys;
    const reader = await this.#connection.runAndReadAll(renderQuery('local/rollup/list-partitions', { rollup: this.#name(), keys: this.#keys() }), [range.fromDt, range.toDt]);
    return reader.getRowObjectsJS().map((row) => ({ values: Object.fromEntries(keys.map((key) => [key, String(row[key])])), location: '' }));
  }

  async run(statement: PartitionStatement): Promise<PartitionAnswer> {
    switch (statement.kind) {
      case 'set-location':
        await this.#empty(statement.partition.values);
        return { rows: undefined };
      case 'drop':
        for (const spec of statement.partitions) await this.#empty(spec.values);
        return { rows: undefined };
      case 'show': {
        const rows = await this.partitions({ fromDt: '0000', toDt: '9999' });
        return { rows: rows.map((p) => this.#options.keys.map((key) => `${key}=${p.values[key] ?? ''}`).join('/')) };
      }
      case 'add':
        throw new QueryError(`rollup partitions are made by INSERT INTO ${this.#options.database}.${this.#options.rollupTable}, not by ADD PARTITION`, { state: 'FAILED' });
    }
  }

  async #empty(given: Readonly<Record<string, string>>): Promise<void> {
    const keys = this.#options.keys;
    const named = Object.keys(given);
    if (named.length !== keys.length || keys.some((key) => !named.includes(key))) {
      throw new QueryError(`partition spec (${named.join(', ')}) does not match the rollup's partition keys (${keys.join(', ')})`, { state: 'FAILED' });
    }
    const conditions = joinFragments(
      keys.map((key) => joinFragments([identifier(key, 'partition key'), stringLiteral(given[key], `${quoteForMessage(key)}`)], ' = ')),
      ' AND ',
    );
    await this.#connection.run(renderQuery('local/rollup/delete-partition', { rollup: this.#name(), conditions }));
  }

  #keys(): SqlFragment {
    return listOf(this.#options.keys.map((key) => identifier(key, 'partition key')));
  }

  #name(): SqlFragment {
    const { stateCatalog, database, rollupTable } = this.#options;
    return joinFragments([identifier(stateCatalog), identifier(database, 'database'), identifier(rollupTable, 'rollup table')], '.');
  }
}
