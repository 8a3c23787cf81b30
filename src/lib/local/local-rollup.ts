import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from '../errors.js';
import { quoteForMessage } from '../dates.js';
import type { Partition } from '../partitions/plan.js';
import { identifier, joinFragments, listOf, renderQuery, stringLiteral, type SqlFragment } from '../sql/sql.js';
import type { PartitionAnswer } from './local-partitions.js';
import type { PartitionStatement, TableRef } from './partition-statements.js';
import { BUILD_KEY, buildsTableOf, STAGED_BUILD_PREFIX } from '../rollup/statements.js';
import { rollupColumns } from '../report/relations.js';
import type { ReadWarning, RollupDayRecord, SourceFile } from '../ports.js';
import type { UtcDay } from '../dates.js';

/** The table beside the rollup keeping each day's source files and skipped reads. */
export function daysTableOf(rollupTable: string): string {
  return `${rollupTable}_days`;
}

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
        builds: this.#name(buildsTableOf(this.#options.rollupTable)),
        days: this.#name(daysTableOf(this.#options.rollupTable)),
        key_columns: listOf(this.#options.keys.map((key) => joinFragments([identifier(key, 'partition key'), identifier('varchar')], ' '))),
      }),
    );
    // One process holds the state file at a time, so staged early rows found on opening it are a stopped report's.
    await this.#connection.run(renderQuery('local/rollup/delete-staged', { builds: this.#name(buildsTableOf(this.#options.rollupTable)), prefix: stringLiteral(`${STAGED_BUILD_PREFIX}%`, 'build id') }));
  }

  /** The records of the days from `from` to `to` (YYYY-MM-DD) that have one. */
  async dayRecords(from: UtcDay, to: UtcDay): Promise<RollupDayRecord[]> {
    const reader = await this.#connection.runAndReadAll(renderQuery('local/rollup/list-days', { days: this.#name(daysTableOf(this.#options.rollupTable)) }), [from, to]);
    return reader.getRowObjectsJS().map((row) => ({
      day: String(row.utc_day) as UtcDay,
      files: JSON.parse(String(row.files)) as SourceFile[],
      skipped: JSON.parse(String(row.skipped)) as ReadWarning[],
    }));
  }

  /** Replaces these days' records in one transaction. */
  async saveDayRecords(records: readonly RollupDayRecord[]): Promise<void> {
    if (records.length === 0) return;
    const sql = renderQuery('local/rollup/save-day', { days: this.#name(daysTableOf(this.#options.rollupTable)) });
    await this.#connection.run(renderQuery('local/state/begin', {}));
    try {
      for (const r of records) await this.#connection.run(sql, [r.day, JSON.stringify(r.files), JSON.stringify(r.skipped)]);
      await this.#connection.run(renderQuery('local/state/commit', {}));
    } catch (error) {
      await this.#connection.run(renderQuery('local/state/rollback', {}));
      throw error;
    }
  }

  /** Whether a statement names this table or its builds table (unqualified, or in the table's database). */
  handles(ref: TableRef): boolean {
    const { rollupTable, database } = this.#options;
    return (ref.table === rollupTable || ref.table === buildsTableOf(rollupTable)) && (ref.database === undefined || ref.database === database);
  }

  async partitions(range: { readonly fromDt: string; readonly toDt: string }): Promise<Partition[]> {
    const keys = this.#options.keys;
    const reader = await this.#connection.runAndReadAll(renderQuery('local/rollup/list-partitions', { rollup: this.#name(), keys: this.#keys() }), [range.fromDt, range.toDt]);
    return reader.getRowObjectsJS().map((row) => ({ values: Object.fromEntries(keys.map((key) => [key, String(row[key])])), location: '' }));
  }

  async run(statement: PartitionStatement): Promise<PartitionAnswer> {
    if (statement.table.table !== this.#options.rollupTable) return this.#runOnBuilds(statement);
    switch (statement.kind) {
      case 'set-location':
        await this.#switch(statement.partition.values, statement.partition.location, true);
        return { rows: undefined };
      case 'drop':
        for (const spec of statement.partitions) await this.#empty(spec.values);
        return { rows: undefined };
      case 'show': {
        const rows = await this.partitions({ fromDt: '0000', toDt: '9999' });
        return { rows: rows.map((p) => this.#options.keys.map((key) => `${key}=${p.values[key] ?? ''}`).join('/')) };
      }
      case 'add': {
        const have = new Set((await this.partitions({ fromDt: '0000', toDt: '9999' })).map((p) => this.#id(p.values)));
        for (const spec of statement.partitions) {
          if (have.has(this.#id(spec.values))) {
            if (!statement.ifNotExists) throw new QueryError(`partition ${this.#id(spec.values)} already exists`, { state: 'FAILED' });
            continue;
          }
          await this.#switch(spec.values, spec.location, false);
        }
        return { rows: undefined };
      }
    }
  }

  /** The builds table's partitions are its rows: adding one is a no-op, dropping one deletes its rows. */
  async #runOnBuilds(statement: PartitionStatement): Promise<PartitionAnswer> {
    if (statement.kind === 'drop') {
      for (const spec of statement.partitions) await this.#empty(spec.values, buildsTableOf(this.#options.rollupTable), [BUILD_KEY, ...this.#options.keys]);
    }
    return { rows: undefined };
  }

  /**
   * Points a rollup partition at a build: its rows become that build's rows, in one transaction
   * (the local form of one ALTER TABLE). A location outside `builds/<id>/` empties it.
   */
  async #switch(values: Readonly<Record<string, string>>, location: string | undefined, replace: boolean): Promise<void> {
    const build = /\/builds\/([^/]+)\//.exec(location ?? '')?.[1];
    await this.#connection.run(renderQuery('local/state/begin', {}));
    try {
      if (replace) await this.#empty(values);
      if (build !== undefined) {
        await this.#connection.run(renderQuery('local/rollup/copy-build', {
          rollup: this.#name(),
          builds: this.#name(buildsTableOf(this.#options.rollupTable)),
          rollup_columns: rollupColumns(),
          keys: this.#keys(),
          build: stringLiteral(decodeURIComponent(build), 'build id'),
          conditions: this.#conditions(values, this.#options.keys),
        }));
      }
      await this.#connection.run(renderQuery('local/state/commit', {}));
    } catch (error) {
      await this.#connection.run(renderQuery('local/state/rollback', {}));
      throw error;
    }
  }

  #id(values: Readonly<Record<string, string>>): string {
    return this.#options.keys.map((key) => `${key}=${values[key] ?? ''}`).join('/');
  }

  async #empty(given: Readonly<Record<string, string>>, table = this.#options.rollupTable, keys: readonly string[] = this.#options.keys): Promise<void> {
    await this.#connection.run(renderQuery('local/rollup/delete-partition', { rollup: this.#name(table), conditions: this.#conditions(given, keys) }));
  }

  #conditions(given: Readonly<Record<string, string>>, keys: readonly string[]): SqlFragment {
    const named = Object.keys(given);
    if (named.length !== keys.length || keys.some((key) => !named.includes(key))) {
      throw new QueryError(`partition spec (${named.join(', ')}) does not match the partition keys (${keys.join(', ')})`, { state: 'FAILED' });
    }
    return joinFragments(
      keys.map((key) => joinFragments([identifier(key, 'partition key'), stringLiteral(given[key], `${quoteForMessage(key)}`)], ' = ')),
      ' AND ',
    );
  }

  #keys(): SqlFragment {
    return listOf(this.#options.keys.map((key) => identifier(key, 'partition key')));
  }

  #name(table = this.#options.rollupTable): SqlFragment {
    const { stateCatalog, database } = this.#options;
    return joinFragments([identifier(stateCatalog), identifier(database, 'database'), identifier(table, 'rollup table')], '.');
  }
}
