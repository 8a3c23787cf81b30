import { isAbsolute, relative, resolve, sep } from 'node:path';
import { QueryError, ValidationError } from '../errors.js';
import { quoteForMessage } from '../dates.js';
import { partitionId } from '../partitions/plan.js';
import type { PartitionSpec, PartitionStatement, TableRef } from './partition-statements.js';
import type { StateStore, StoredPartition } from './state-store.js';

export interface LocalPartitionsOptions {
  readonly database: string;
  readonly table: string;
  readonly keys: readonly string[];
  /** Absolute path of the data folder. */
  readonly dataDir: string;
}

/** The answer to a partition statement: Athena's DDL returns no rows, SHOW PARTITIONS one column. */
export interface PartitionAnswer {
  readonly rows: readonly string[] | undefined;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point: a location must not carry one
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Where a LOCATION lies inside the data folder, as a relative folder ending with `/`. `s3://bucket/key`
 * maps onto `<data>/key` (the data folder mirrors the bucket); anything else is a local path.
 */
export function localLocation(location: string, dataDir: string): string {
  const s3 = /^s3:\/\/[^/]+\/?(.*)$/.exec(location);
  const path = s3 === null ? resolve(location) : resolve(dataDir, s3[1] ?? '');
  const inside = relative(resolve(dataDir), path);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new ValidationError('location', `${quoteForMessage(location)} is outside the data folder ${dataDir}`);
  }
  return inside === '' ? '' : `${inside.split(sep).join('/')}/`;
}

/** Applies Athena's partition statements to the local catalog, all of a statement or nothing. */
export class LocalPartitions {
  readonly #store: StateStore;
  readonly #options: LocalPartitionsOptions;

  constructor(store: StateStore, options: LocalPartitionsOptions) {
    this.#store = store;
    this.#options = options;
  }

  async run(statement: PartitionStatement): Promise<PartitionAnswer> {
    this.#checkTable(statement.table);
    switch (statement.kind) {
      case 'show':
        return { rows: (await this.#store.partitions()).map((p) => p.id) };
      case 'add':
        await this.#add(statement.partitions, statement.ifNotExists);
        return { rows: undefined };
      case 'drop':
        await this.#drop(statement.partitions, statement.ifExists);
        return { rows: undefined };
      case 'set-location':
        await this.#setLocation(statement.partition.values, statement.partition.location);
        return { rows: undefined };
    }
  }

  async #setLocation(given: Readonly<Record<string, string>>, locationText: string): Promise<void> {
    const values = this.#values({ values: given, location: undefined });
    const id = partitionId(this.#options.keys, { values, location: '' });
    if (!(await this.#store.partitions()).some((p) => p.id === id)) throw new QueryError(`partition ${id} does not exist`, { state: 'FAILED' });
    if (CONTROL.test(locationText)) throw new ValidationError('location', `${quoteForMessage(locationText)} contains a control character`);
    await this.#store.changePartitions([{ id, values, location: localLocation(locationText, this.#options.dataDir) }], [id]);
  }

  async #add(specs: readonly PartitionSpec[], ifNotExists: boolean): Promise<void> {
    const existing = new Set((await this.#store.partitions()).map((p) => p.id));
    const added: StoredPartition[] = [];
    for (const spec of specs) {
      const values = this.#values(spec);
      const id = partitionId(this.#options.keys, { values, location: '' });
      if (spec.location === undefined) throw new QueryError(`partition ${id} has no LOCATION; the local engine needs the folder of its files`, { state: 'FAILED' });
      if (CONTROL.test(spec.location)) throw new ValidationError('location', `${quoteForMessage(spec.location)} contains a control character`);
      const location = localLocation(spec.location, this.#options.dataDir);
      if (existing.has(id)) {
        if (!ifNotExists) throw new QueryError(`partition ${id} already exists (AlreadyExistsException); use ADD IF NOT EXISTS`, { state: 'FAILED' });
        continue;
      }
      existing.add(id);
      added.push({ id, values, location });
    }
    await this.#store.changePartitions(added, []);
  }

  async #drop(specs: readonly PartitionSpec[], ifExists: boolean): Promise<void> {
    const existing = new Set((await this.#store.partitions()).map((p) => p.id));
    const removed = new Set<string>();
    for (const spec of specs) {
      const id = partitionId(this.#options.keys, { values: this.#values(spec), location: '' });
      if (!existing.has(id) && !removed.has(id)) {
        if (!ifExists) throw new QueryError(`partition ${id} does not exist; use DROP IF EXISTS`, { state: 'FAILED' });
        continue;
      }
      removed.add(id);
    }
    await this.#store.changePartitions([], [...removed]);
  }

  #checkTable(ref: TableRef): void {
    const { database, table } = this.#options;
    if (ref.table !== table || (ref.database !== undefined && ref.database !== database)) {
      const name = ref.database === undefined ? ref.table : `${ref.database}.${ref.table}`;
      throw new QueryError(`Table not found: ${quoteForMessage(name)} (the local table is ${database}.${table})`, { state: 'FAILED' });
    }
  }

  /** The partition's values, checked against the table's keys: each key once, no other. */
  #values(spec: PartitionSpec): Record<string, string> {
    const keys = this.#options.keys;
    const given = Object.keys(spec.values);
    const wrong = given.filter((k) => !keys.includes(k));
    const missing = keys.filter((k) => !given.includes(k));
    if (wrong.length > 0 || missing.length > 0) {
      throw new QueryError(`partition spec (${given.join(', ')}) does not match the table's partition keys (${keys.join(', ')})`, { state: 'FAILED' });
    }
    const values: Record<string, string> = {};
    for (const key of keys) {
      const value = spec.values[key] as string;
      if (CONTROL.test(value) || value === '')
        throw new QueryError(`partition value of ${key} ${quoteForMessage(value)} is empty or contains a control character`, { state: 'FAILED' });
      values[key] = value;
    }
    return values;
  }
}
