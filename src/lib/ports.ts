/**
 * The narrow interfaces the use cases depend on. Each has one adapter per technology in
 * its technology's folder (Athena and DuckDB for the engine, Glue and the local catalog for
 * partitions); the composition roots (src/lib/wiring) build them into one context
 * (src/lib/context.ts), so the CLI and the Lambda handlers run the same use cases.
 */
import type { DayRange, UtcDay } from './dates.js';
import type { Partition } from './partitions/plan.js';
import type { InterfaceFacts, Report, ReportFiles } from './report/model.js';

export type { Cell, Row } from './rows.js';
import type { Row } from './rows.js';

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
  /** What the query's read skipped, one entry per file or line, for storing beside a result. */
  readonly skipped?: readonly ReadWarning[];
}

/** Something a read left out: a whole file it could not read, or one line that did not parse. */
export type ReadWarning =
  | { readonly kind: 'skipped-file'; readonly file: string; readonly reason: string }
  | { readonly kind: 'skipped-line'; readonly file: string; readonly line: number; readonly reason: string };

/**
 * One raw file as a rollup build found it. Told apart by stat alone (contents are never read
 * again): locally its size and modification time, on S3 its size and ETag.
 */
export interface SourceFile {
  readonly path: string;
  readonly sizeBytes: number;
  /** The modification time in milliseconds locally (as text); the ETag on S3. */
  readonly version: string;
}

/** What a UTC day's rollup was built from, and what that build's read skipped. */
export interface RollupDayRecord {
  readonly day: UtcDay;
  readonly files: readonly SourceFile[];
  readonly skipped: readonly ReadWarning[];
}

/**
 * Keeps, beside the stored rollup, the files each day was built from and what its build skipped,
 * so a later report still warns about them and notices files added, changed or removed since.
 */
export interface RollupLedger {
  /** The files each day's registered raw folders hold now (listed and stat'ed, never read). */
  filesOf(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, readonly SourceFile[]>>;
  /** The record of each day's last build, for the days that have one. */
  recorded(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, RollupDayRecord>>;
  /** Replaces the records of these days (after their build was switched in). */
  record(records: readonly RollupDayRecord[]): Promise<void>;
  /** The early rows a report staged and kept for each of these days' own build (absent: no ledger of them, every build reads all its files). */
  stagedRows?(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, StagedRowsRecord>>;
  /** Keeps the record of staged early rows (replacing the day's previous one) once their INSERT succeeded. */
  keepStagedRows?(record: StagedRowsRecord): Promise<void>;
  /** Forgets the staged rows of these days (their build used them, or they can no longer be trusted). */
  forgetStagedRows?(days: readonly UtcDay[]): Promise<void>;
}

/**
 * Early rows of a folder a report staged into the builds table (build `early-<time>`), kept so
 * that the folder's own rollup build reads them instead of those files again: exactly the files
 * the staging INSERT read (it named them), when, and the builds-table partitions holding them.
 */
export interface StagedRowsRecord {
  /** The folder's UTC day. */
  readonly day: UtcDay;
  readonly build: string;
  /** When the staging INSERT started (ISO 8601): the rows are trusted only while younger than a margin under the lifecycle rule's expiry. */
  readonly stagedAt: string;
  readonly files: readonly SourceFile[];
  /** The builds-table partitions (build id and the rollup's keys) and their folders. */
  readonly partitions: readonly { readonly values: Readonly<Record<string, string>>; readonly location: string }[];
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

/** A secret kept outside the code and the environment (the Slack webhook URL, in SSM Parameter Store). */
export interface Secret {
  /** The value; with a deadline, a read still waiting then is given up. */
  value(options?: { readonly deadlineMs?: number }): Promise<string>;
}

/** Keeps a report's files where people can open them (the results bucket on AWS). */
export interface ArtifactStore {
  /** Writes one file; with a deadline, gives up at it. */
  put(key: string, body: string, contentType: string, options?: { readonly deadlineMs?: number }): Promise<void>;
  /** Where a folder of saved files is and how a reader opens it and its main file. */
  linkTo(folder: string, mainKey: string): ReportFiles;
}

/**
 * Removes the files of folders nothing reads any more (the rollup's orphaned build folders): S3
 * on AWS; the local engine keeps builds as rows, so its store has no folders to remove.
 */
export interface ObjectStore {
  readonly kind: 's3' | 'local';
  /** Deletes every object under `folder` (a location ending in `/`) and answers how many there were. */
  deleteFolder(folder: string, options?: { readonly deadlineMs?: number }): Promise<FolderDeletion>;
}

export interface FolderDeletion {
  readonly folder: string;
  readonly deletedObjects: number;
  /** Said when the store did nothing because it keeps no files there (the local engine). */
  readonly note?: string;
}

/** Where a list the report applies (suppressions, the watchlist) is kept on AWS. */
export type ListSource =
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string; /** The folder the path is relative to, when not the function's own (FLOWLOG_LISTS_DIR). */ readonly dir?: string };

/** Reads a list's text from where the stack keeps it: an SSM parameter, or a file bundled with the function. */
export interface ListReader {
  /** Rejects naming the parameter or file and what went wrong; with a deadline, gives up at it. */
  read(source: ListSource, options?: { readonly deadlineMs?: number }): Promise<string>;
}

/** The interface ids and private addresses a report's findings and digests name. */
export interface InterfaceQuery {
  readonly interfaceIds: readonly string[];
  readonly privateAddresses: readonly string[];
}

/**
 * Says where network interfaces live (instance, its Name tag, security groups, subnet, VPC): EC2
 * DescribeNetworkInterfaces and DescribeInstances on AWS, in each source's account and region;
 * files saved from `aws ec2 describe-network-interfaces` and `describe-instances` locally.
 * Answers only the interfaces it knows; one that matches no name is left out. Throws when nothing
 * could be asked; a part that failed (one account) is a warning beside the rest.
 */
export interface InterfaceDirectory {
  /** Named in the report: "EC2 DescribeNetworkInterfaces", "file interfaces.json". */
  readonly source: string;
  describe(query: InterfaceQuery, options?: { readonly deadlineMs?: number }): Promise<InterfaceLookup>;
}

/** What a directory found, and what it could not ask (an account or region whose lookup failed). */
export interface InterfaceLookup {
  readonly interfaces: readonly InterfaceFacts[];
  /** One per part of the lookup that failed, naming it (`interfaces in 111122223333 us-east-1 not placed: ...`). */
  readonly warnings: readonly string[];
}
