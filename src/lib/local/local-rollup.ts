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

/** The table beside the rollup keeping the early rows reports staged for each day's build. */
export function stagedTableOf(rollupTable: string): string {
  return `${rollupTable}_staged`;
}

/** The table beside the rollup naming, for each of its partitions, the build whose rows it reads. */
export function currentTableOf(rollupTable: string): string {
  return `${rollupTable}_current`;
}

/** Appended to a build id whose current rows a new build under the same id replaces. */
const REPLACED_SUFFIX = '~replaced';

/** The build id the rows of a rollup table from before the rollup became a view are kept under. */
export const ADOPTED_BUILD = 'adopted';

export interface LocalRollupOptions {
  /** The catalog the state database is attached as. */
  readonly stateCatalog: string;
  readonly database: string;
  readonly rollupTable: string;
  readonly keys: readonly string[];
}

/**
 * The stored daily rollup of the local engine, in the state database, so a day's gz files are
 * read once and every later report (a later run included) reads the stored rows. A build writes
 * its rows into the builds table; the rollup is a view of the rows of the build each partition
 * points at (the current table), so Athena's partition statements on the rollup act on those
 * pointers: a switch to a finished build changes one row in one transaction and copies nothing.
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
    const { stateCatalog, database, rollupTable } = this.#options;
    await this.#connection.run(
      renderQuery('local/rollup/create-table', {
        schema: joinFragments([identifier(stateCatalog), identifier(database, 'database')], '.'),
        builds: this.#name(buildsTableOf(rollupTable)),
        current: this.#name(currentTableOf(rollupTable)),
        days: this.#name(daysTableOf(rollupTable)),
        staged: this.#name(stagedTableOf(rollupTable)),
        key_columns: listOf(this.#options.keys.map((key) => joinFragments([identifier(key, 'partition key'), identifier('varchar')], ' '))),
      }),
    );
    const kind = await this.#connection.runAndReadAll(renderQuery('local/rollup/table-kind', {}), [stateCatalog, database, rollupTable]);
    if (String(kind.getRowsJS()[0]?.[0] ?? '') === 'BASE TABLE') await this.#adoptTable();
    await this.#connection.run(
      renderQuery('local/rollup/create-view', {
        rollup_columns: rollupColumns(),
        rollup: this.#name(),
        builds: identifier(buildsTableOf(rollupTable), 'rollup table'),
        current: identifier(currentTableOf(rollupTable), 'rollup table'),
        keys: this.#keys(),
      }),
    );
    // One process holds the state file at a time, so staged early rows found on opening it that no day keeps are a stopped report's.
    await this.#connection.run(
      renderQuery('local/rollup/delete-staged', {
        builds: this.#name(buildsTableOf(this.#options.rollupTable)),
        staged: this.#name(stagedTableOf(this.#options.rollupTable)),
        prefix: stringLiteral(`${STAGED_BUILD_PREFIX}%`, 'build id'),
      }),
    );
  }

  /** A state file written when the rollup was a table: its rows become the builds table's, each partition pointing at them. */
  async #adoptTable(): Promise<void> {
    await this.#transaction(async () => {
      await this.#connection.run(
        renderQuery('local/rollup/adopt-table', {
          rollup_columns: rollupColumns(),
          rollup: this.#name(),
          builds: this.#name(buildsTableOf(this.#options.rollupTable)),
          current: this.#name(currentTableOf(this.#options.rollupTable)),
          build: stringLiteral(ADOPTED_BUILD, 'build id'),
          keys: this.#keys(),
        }),
      );
    });
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

  /** The staged-rows records kept for days from `from` to `to` (YYYY-MM-DD), as stored JSON. */
  async stagedRecords(from: UtcDay, to: UtcDay): Promise<{ day: UtcDay; record: string }[]> {
    const reader = await this.#connection.runAndReadAll(renderQuery('local/rollup/list-staged', { staged: this.#name(stagedTableOf(this.#options.rollupTable)) }), [from, to]);
    return reader.getRowObjectsJS().map((row) => ({ day: String(row.utc_day) as UtcDay, record: String(row.record) }));
  }

  /** Replaces a day's staged-rows record; `build` and `record` null once the rows are let go. */
  async saveStaged(day: UtcDay, build: string | null, record: string | null): Promise<void> {
    await this.#connection.run(renderQuery('local/rollup/save-staged', { staged: this.#name(stagedTableOf(this.#options.rollupTable)) }), [day, build, record]);
  }

  /** Whether a statement names this table or its builds table (unqualified, or in the table's database). */
  handles(ref: TableRef): boolean {
    const { rollupTable, database } = this.#options;
    return (ref.table === rollupTable || ref.table === buildsTableOf(rollupTable)) && (ref.database === undefined || ref.database === database);
  }

  async partitions(range: { readonly fromDt: string; readonly toDt: string }): Promise<Partition[]> {
    const keys = this.#options.keys;
    const reader = await this.#connection.runAndReadAll(
      renderQuery('local/rollup/list-partitions', { current: this.#name(currentTableOf(this.#options.rollupTable)), keys: this.#keys() }),
      [range.fromDt, range.toDt],
    );
    return reader.getRowObjectsJS().map((row) => ({ values: Object.fromEntries(keys.map((key) => [key, String(row[key])])), location: '' }));
  }

  async run(statement: PartitionStatement): Promise<PartitionAnswer> {
    if (statement.table.table !== this.#options.rollupTable) return this.#runOnBuilds(statement);
    switch (statement.kind) {
      case 'set-location':
        await this.#switch(statement.partition.values, statement.partition.location, true);
        return { rows: undefined };
      case 'drop':
        for (const spec of statement.partitions) await this.#switch(spec.values, undefined, true);
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

  /**
   * The builds table's partitions are its rows. Adding one writes nothing, except that the rows a
   * rollup partition reads under the same build id are moved aside first (see rename-build.sql).
   * Dropping one deletes its rows, unless a rollup partition points at them (on Athena the dropped
   * partition's files stay where the rollup's partition points, too).
   */
  async #runOnBuilds(statement: PartitionStatement): Promise<PartitionAnswer> {
    if (statement.kind === 'add') {
      for (const spec of statement.partitions) {
        const { [BUILD_KEY]: build, ...values } = spec.values;
        if (build !== undefined && build === (await this.#currentBuild(values))) await this.#renameCurrent(build, values);
      }
    }
    if (statement.kind === 'drop') {
      for (const spec of statement.partitions) {
        const { [BUILD_KEY]: build, ...values } = spec.values;
        if (build !== undefined && build === (await this.#currentBuild(values))) continue;
        await this.#empty(spec.values, buildsTableOf(this.#options.rollupTable), [BUILD_KEY, ...this.#options.keys]);
      }
    }
    return { rows: undefined };
  }

  /**
   * Points a rollup partition at a build's rows in one transaction (the local form of one ALTER
   * TABLE), and deletes the rows of the build it pointed at before. A location outside
   * `builds/<id>/` (or none: a dropped partition) leaves it pointing nowhere, so it no longer exists.
   */
  async #switch(values: Readonly<Record<string, string>>, location: string | undefined, replace: boolean): Promise<void> {
    const found = /\/builds\/([^/]+)\//.exec(location ?? '')?.[1];
    const build = found === undefined ? undefined : decodeURIComponent(found);
    const current = currentTableOf(this.#options.rollupTable);
    await this.#transaction(async () => {
      const old = replace ? await this.#currentBuild(values) : undefined;
      if (replace) await this.#empty(values, current);
      if (build !== undefined) {
        await this.#connection.run(
          renderQuery('local/rollup/point-at-build', {
            current: this.#name(current),
            keys: this.#keys(),
            build: stringLiteral(build, 'build id'),
            values: listOf(this.#options.keys.map((key) => stringLiteral(values[key], quoteForMessage(key)))),
          }),
        );
      }
      if (old !== undefined && old !== build) await this.#empty({ [BUILD_KEY]: old, ...values }, buildsTableOf(this.#options.rollupTable), [BUILD_KEY, ...this.#options.keys]);
    });
  }

  /** Moves a partition's current rows out of the way of a new build under the same id (see rename-build.sql). */
  async #renameCurrent(build: string, values: Readonly<Record<string, string>>): Promise<void> {
    await this.#transaction(async () => {
      await this.#connection.run(
        renderQuery('local/rollup/rename-build', {
          builds: this.#name(buildsTableOf(this.#options.rollupTable)),
          current: this.#name(currentTableOf(this.#options.rollupTable)),
          build: stringLiteral(build, 'build id'),
          renamed: stringLiteral(`${build}${REPLACED_SUFFIX}`, 'build id'),
          conditions: this.#conditions(values, this.#options.keys),
        }),
      );
    });
  }

  /** The build a rollup partition points at; undefined when the partition does not exist. */
  async #currentBuild(values: Readonly<Record<string, string>>): Promise<string | undefined> {
    const reader = await this.#connection.runAndReadAll(
      renderQuery('local/rollup/current-build', {
        current: this.#name(currentTableOf(this.#options.rollupTable)),
        conditions: this.#conditions(values, this.#options.keys),
      }),
    );
    const build = reader.getRowsJS()[0]?.[0];
    return build === undefined || build === null ? undefined : String(build);
  }

  /** Runs `work` whole or not at all. */
  async #transaction(work: () => Promise<void>): Promise<void> {
    await this.#connection.run(renderQuery('local/state/begin', {}));
    try {
      await work();
      await this.#connection.run(renderQuery('local/state/commit', {}));
    } catch (error) {
      await this.#connection.run(renderQuery('local/state/rollback', {}));
      throw error;
    }
  }

  #id(values: Readonly<Record<string, string>>): string {
    return this.#options.keys.map((key) => `${key}=${values[key] ?? ''}`).join('/');
  }

  async #empty(given: Readonly<Record<string, string>>, table: string, keys: readonly string[] = this.#options.keys): Promise<void> {
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
