import { GetPartitionsCommand, GetTableCommand, type GlueClient, type Partition as GluePartition } from '@aws-sdk/client-glue';
import { dtOf, parseRange, type DayRange } from '../dates.js';
import { DEFAULT_THROTTLE_POLICY, systemTiming, withThrottleRetry, type RetryPolicy, type Timing } from '../retry.js';
import { FlowlogError, NotFoundError, ValidationError, asError } from '../errors.js';
import { DT_KEY } from '../partitions/layout.js';
import { isIntegrationKeys } from '../partitions/integration.js';
import type { Partition } from '../partitions/plan.js';
import type { PartitionCatalog, TableDescription } from '../ports.js';
import { renderQuery, stringLiteral } from '../sql/sql.js';

export interface GlueCatalogOptions {
  readonly client: GlueClient;
  readonly database: string;
  readonly table: string;
  readonly throttlePolicy?: RetryPolicy;
  readonly timing?: Timing;
}

/**
 * The PartitionCatalog on the Glue Data Catalog: what Athena sees is what Glue lists, so the plan
 * of missing partitions is made from Glue, every page of it.
 */
export class GlueCatalog implements PartitionCatalog {
  readonly #client: GlueClient;
  readonly #database: string;
  readonly #table: string;
  readonly #throttlePolicy: RetryPolicy;
  readonly #timing: Timing;
  #description: TableDescription | undefined;

  constructor(options: GlueCatalogOptions) {
    this.#client = options.client;
    this.#database = options.database;
    this.#table = options.table;
    this.#throttlePolicy = options.throttlePolicy ?? DEFAULT_THROTTLE_POLICY;
    this.#timing = options.timing ?? systemTiming;
  }

  async describeTable(): Promise<TableDescription> {
    const output = await this.#call('GetTable', () => this.#client.send(new GetTableCommand({ DatabaseName: this.#database, Name: this.#table })));
    const table = output.Table;
    const description: TableDescription = {
      database: this.#database,
      table: this.#table,
      partitionKeys: (table?.PartitionKeys ?? []).map((k) => (k.Name ?? '').toLowerCase()),
      columns: (table?.StorageDescriptor?.Columns ?? []).map((c) => ({ name: (c.Name ?? '').toLowerCase(), type: (c.Type ?? '').toLowerCase() })),
      location: table?.StorageDescriptor?.Location,
      // Athena reads the flag case-insensitively ("true", "TRUE").
      projected: (table?.Parameters?.['projection.enabled'] ?? '').toLowerCase() === 'true',
    };
    this.#description = description;
    return description;
  }

  async listPartitions(range: DayRange): Promise<Partition[]> {
    const checked = parseRange(range.from, range.to);
    const keys = (this.#description ?? (await this.describeTable())).partitionKeys;
    // The console integration's table (aws-account-id, ..., year, month, day) is listed by year and
    // returned in its own keys; ensure-partitions reads it into days (src/lib/partitions/integration.ts).
    const integration = isIntegrationKeys(keys);
    if (!keys.includes(DT_KEY) && !integration) {
      throw new ValidationError(
        'partition keys',
        `${this.#name()} is partitioned by (${keys.join(', ') || 'nothing'}), not by ${DT_KEY}: flowlog-pilot manages dt partitions only`,
      );
    }
    const expression = integration
      ? renderQuery('partitions/glue-year-range', { from: stringLiteral(checked.from.slice(0, 4), 'from'), to: stringLiteral(checked.to.slice(0, 4), 'to') })
      : renderQuery('partitions/glue-dt-range', { from: stringLiteral(dtOf(checked.from), 'from'), to: stringLiteral(dtOf(checked.to), 'to') });
    const partitions: Partition[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.#call('GetPartitions', () =>
        this.#client.send(
          new GetPartitionsCommand({
            DatabaseName: this.#database,
            TableName: this.#table,
            Expression: expression,
            ExcludeColumnSchema: true,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      );
      partitions.push(...(page.Partitions ?? []).map((p) => partitionOf(keys, p)));
      nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return partitions;
  }

  #name(): string {
    return `${this.#database}.${this.#table}`;
  }

  async #call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await withThrottleRetry(send, { policy: this.#throttlePolicy, timing: this.#timing });
    } catch (error) {
      const e = asError(error);
      const context = { database: this.#database, table: this.#table, operation };
      if (e.name === 'EntityNotFoundException') {
        throw new NotFoundError(
          `table ${this.#name()} is not in the Glue Data Catalog (${e.message}): deploy with FLOWLOG_TABLE_MODE=create so the stack creates it, or set FLOWLOG_DATABASE and FLOWLOG_TABLE to the table you have`,
          context,
        );
      }
      throw new FlowlogError(`Glue ${operation} failed for ${this.#name()}: ${e.name}: ${e.message}`, { ...context, errorName: e.name }, { cause: error });
    }
  }
}

function partitionOf(keys: readonly string[], partition: GluePartition): Partition {
  const values = partition.Values ?? [];
  return { values: Object.fromEntries(keys.map((key, i) => [key, values[i] ?? ''])), location: partition.StorageDescriptor?.Location ?? '' };
}
