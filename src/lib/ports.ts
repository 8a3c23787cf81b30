/**
 * The narrow interfaces the use cases depend on. Each has one adapter per technology in
 * src/lib/adapters (Athena and DuckDB for the engine, Glue and the local catalog for partitions),
 * so the CLI and the Lambda handlers run the same use cases.
 */
import type { DayRange } from './dates.js';
import type { Partition } from './partitions/plan.js';
import type { Report } from './report/model.js';

export type Cell = string | number | null;
export type Row = Readonly<Record<string, Cell>>;

export interface Column {
  readonly name: string;
  /** The engine's type name, lowercased (varchar, integer, bigint, double, ...). */
  readonly type: string;
}

export interface QueryOptions {
  /** A short name for logs and reports (a saved query's name). */
  readonly label?: string;
  /** Makes a retried start return the same query instead of a second one (Athena ClientRequestToken). */
  readonly requestToken?: string;
  /** Rows to keep; the rest are counted in `rowsLeftOut`. */
  readonly maxRows?: number;
  /** Epoch milliseconds by which the query must be done (a Lambda's deadline). */
  readonly deadlineMs?: number;
}

export interface QueryResult {
  readonly queryId: string;
  readonly columns: readonly Column[];
  /** Numbers for numeric columns, strings otherwise, null for NULL: the same from every engine. */
  readonly rows: readonly Row[];
  readonly rowsLeftOut: number;
  readonly bytesScanned: number;
  readonly durationMs: number;
  /** Where the engine keeps the full result (Athena's CSV in S3). */
  readonly outputLocation?: string;
  /** Things the user should know that did not stop the query (a corrupt file skipped). */
  readonly warnings: readonly string[];
}

/** Runs SQL: Athena statements, and the same statements on the local engine. */
export interface QueryEngine {
  readonly kind: 'athena' | 'local';
  execute(sql: string, options?: QueryOptions): Promise<QueryResult>;
}

export interface TableDescription {
  readonly database: string;
  readonly table: string;
  readonly partitionKeys: readonly string[];
  readonly columns: readonly Column[];
  /** The table's LOCATION, when it has one. */
  readonly location: string | undefined;
  /** True when its Glue parameters enable Athena partition projection (`projection.enabled`). */
  readonly projected?: boolean;
}

/** Knows which partitions exist (Glue, or the local catalog). Adding them is DDL on the engine. */
export interface PartitionCatalog {
  /** Throws NotFoundError naming the table when it does not exist. */
  describeTable(): Promise<TableDescription>;
  /** Partitions whose `dt` falls in the range, every page of them. */
  listPartitions(range: DayRange): Promise<Partition[]>;
}

/** Where a finished report goes: SNS (e-mail, chat), a Slack webhook, the console. */
export interface Notifier {
  readonly channel: string;
  notify(report: Report, options?: NotifyOptions): Promise<NotifyResult>;
}

export interface NotifyOptions {
  /** Epoch milliseconds by which the channel must have answered or given up (a Lambda's deadline). */
  readonly deadlineMs?: number;
}

export interface NotifyResult {
  readonly channel: string;
  /** The id the channel gave the message (SNS MessageId), when it gives one. */
  readonly messageId?: string;
  /** Findings rows cut to fit the channel's size limit. */
  readonly truncated: boolean;
}
