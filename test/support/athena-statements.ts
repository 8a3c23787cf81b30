/**
 * Every statement the Athena path sends, collected by running the real use cases (the partitions
 * job's `maintainPartitions`, the report's `runReport`) against an engine that records what it is
 * asked to run and answers with empty results, and in-memory catalogs. Nothing here copies SQL:
 * when a use case or a query file changes, the statements collected change with it.
 */
import { loadCoreConfig, type FlowlogConfig } from '../../src/lib/config.js';
import { addDays, daysOf, type DayRange, type UtcDay } from '../../src/lib/dates.js';
import { parsePartitionsEvent } from '../../src/lib/partitions/event.js';
import { partitionsFor, type Partition } from '../../src/lib/partitions/plan.js';
import { configuredLayout } from '../../src/lib/partitions/table-layout.js';
import type { PartitionLayout } from '../../src/lib/partitions/layout.js';
import type {
  FolderDeletion,
  ObjectStore,
  PartitionCatalog,
  QueryEngine,
  QueryOptions,
  QueryResult,
  RollupDayRecord,
  RollupLedger,
  SourceFile,
  StagedRowsRecord,
  TableDescription,
} from '../../src/lib/ports.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { watchlistFromLines } from '../../src/lib/report/watchlist.js';
import { maintainPartitions } from '../../src/lib/use-cases/maintain-partitions.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import type { FlowlogContext } from '../../src/lib/context.js';
import type { Report } from '../../src/lib/report/model.js';

/** The Lambda function whose role runs the statement. */
export type Job = 'partitions' | 'report';

export interface EmittedStatement {
  readonly job: Job;
  readonly scenario: string;
  readonly label: string;
  readonly sql: string;
}

/** Answers every statement with an empty result and keeps what it was asked; with `failInserts`, every INSERT fails as a cancelled build would. */
class RecordingEngine implements QueryEngine {
  readonly kind = 'athena' as const;
  readonly seen: { sql: string; label: string }[] = [];
  constructor(readonly failInserts = false) {}
  async execute(sql: string, options?: QueryOptions): Promise<QueryResult> {
    this.seen.push({ sql, label: options?.label ?? '' });
    if (this.failInserts && sql.startsWith('INSERT')) throw new Error('Query was cancelled by the bytes-scanned limit');
    return { queryId: `q-${this.seen.length}`, columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 0, durationMs: 0, warnings: [] };
  }
}

/** A catalog holding the given partitions; `listPartitions` filters them by day like Glue's expression. */
class MemoryCatalog implements PartitionCatalog {
  constructor(
    readonly description: TableDescription,
    readonly partitions: readonly Partition[],
  ) {}
  async describeTable(): Promise<TableDescription> {
    return this.description;
  }
  async listPartitions(range: DayRange): Promise<Partition[]> {
    const days = new Set(daysOf(range).map((day) => day.replaceAll('-', '/')));
    return this.partitions.filter((p) => days.has(p.values.dt ?? ''));
  }
}

/** The source setups a deployment can have: one source, several, Hive-compatible folders. */
export const SOURCE_SETUPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'one source': { FLOWLOG_SOURCES: '123456789012:ap-northeast-1' },
  'several sources': { FLOWLOG_SOURCES: '111111111111:ap-northeast-1,222222222222:us-east-1,333333333333:ap-south-1' },
  'hive folders': { FLOWLOG_SOURCES: '123456789012:ap-northeast-1', FLOWLOG_FOLDERS: 'hive', FLOWLOG_PREFIX: 'org/' },
  // partitioning=projection: Athena projects the partitions, so no job adds any.
  'projected, one source': { FLOWLOG_SOURCES: '123456789012:ap-northeast-1', FLOWLOG_PARTITIONING: 'projection' },
  'projected, several sources': { FLOWLOG_SOURCES: '111111111111:ap-northeast-1,222222222222:us-east-1,333333333333:ap-south-1', FLOWLOG_PARTITIONING: 'projection' },
};

/** Whether a statement was emitted for a projected table's setup. */
export function fromProjectedSetup(statement: EmittedStatement): boolean {
  return /\(projected, [^)]*\)$/.test(statement.scenario);
}

function configFor(setup: Readonly<Record<string, string>>): FlowlogConfig {
  return loadCoreConfig({
    FLOWLOG_ENGINE: 'athena',
    FLOWLOG_DATABASE: 'flowlogs_ci',
    FLOWLOG_TABLE: 'vpc_flow_logs',
    FLOWLOG_ROLLUP_TABLE: 'vpc_flow_logs_rollup_ci',
    FLOWLOG_BUCKET: 'flow-log-bucket',
    FLOWLOG_WORKGROUP: 'flowlog-pilot-ci',
    FLOWLOG_OUTPUT_LOCATION: 's3://results-bucket/athena/',
    ...setup,
  });
}

/** The object store's calls a job made: each build folder it deleted. */
export interface FolderDeletionCall {
  readonly job: Job;
  readonly scenario: string;
  readonly folder: string;
}

class RecordingObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly folders: string[] = [];
  async deleteFolder(folder: string): Promise<FolderDeletion> {
    this.folders.push(folder);
    return { folder, deletedObjects: 1 };
  }
}

/** The rollup table's LOCATION in the collector's catalogs. */
export const COLLECTED_ROLLUP_LOCATION = 's3://results-bucket/rollup/';

function handle(
  config: FlowlogConfig,
  layout: PartitionLayout,
  engine: QueryEngine,
  raw: readonly Partition[],
  rollup: readonly Partition[],
  objectStore?: ObjectStore,
): FlowlogContext {
  const describe = (table: string, location: string | undefined): TableDescription => ({ database: config.database, table, partitionKeys: layout.keys, columns: [], location });
  return {
    config,
    engine,
    layout,
    notifiers: [],
    catalog: new MemoryCatalog(describe(config.table, 's3://flow-log-bucket/AWSLogs/'), raw),
    rollupCatalog: new MemoryCatalog(describe(config.rollup.table, COLLECTED_ROLLUP_LOCATION), rollup),
    ...(objectStore === undefined ? {} : { objectStore }),
    close: async () => {},
  };
}

const TODAY = '2026-11-26' as UtcDay;
const NOW = new Date(`${TODAY}T23:45:00Z`);
const RUN = { requestId: 'request-1', deadlineMs: Number.MAX_SAFE_INTEGER, now: () => NOW };
/** Every report runs the watchlist rule too, with IPv4 and IPv6 blocks and a label that needs quoting. */
const WATCHLIST = watchlistFromLines("198.51.100.0/24,known C2\n203.0.113.7,partner's scanner\n2001:db8:bad::/48,IPv6 C2\n", 'watchlist.txt', 'watchlist');

/**
 * Runs each job the way its handler does, for every source setup: the scheduled partitions run,
 * a 365-day backfill with the rollup, a rollup rebuild over a built range, and reports in UTC,
 * Asia/Tokyo and Asia/Kolkata (with nothing registered yet, and with everything built).
 */
export async function collectAthenaStatements(): Promise<EmittedStatement[]> {
  const emitted: EmittedStatement[] = [];
  for (const [setupName, setup] of Object.entries(SOURCE_SETUPS)) {
    const config = configFor(setup);
    const layout = configuredLayout(config);
    const settings = config.partitions;
    const record = async (job: Job, scenario: string, act: (engine: RecordingEngine) => Promise<unknown>): Promise<void> => {
      const engine = new RecordingEngine();
      await act(engine);
      for (const { sql, label } of engine.seen) emitted.push({ job, scenario: `${scenario} (${setupName})`, label, sql });
    };
    const year = daysOf({ from: addDays(TODAY, -365), to: TODAY });
    const built = partitionsFor(layout, year);

    await record('partitions', 'scheduled partitions', (engine) =>
      maintainPartitions(
        handle(config, layout, engine, [], []),
        parsePartitionsEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: NOW.toISOString() }, settings),
        RUN,
      ),
    );
    await record('partitions', '365-day backfill with rollup', (engine) =>
      maintainPartitions(handle(config, layout, engine, [], []), parsePartitionsEvent({ from: addDays(TODAY, -364), to: TODAY, rollup: true }, settings), RUN),
    );
    await record('partitions', 'rollup rebuild', (engine) =>
      maintainPartitions(
        handle(config, layout, engine, built, built),
        parsePartitionsEvent({ from: addDays(TODAY, -30), to: addDays(TODAY, -1), rollup: true, rebuild: true }, settings),
        RUN,
      ),
    );

    for (const timezone of ['UTC', 'Asia/Tokyo', 'Asia/Kolkata']) {
      const reportDeps = (engine: QueryEngine, raw: readonly Partition[], rollup: readonly Partition[], now: Date) => {
        const h = handle(config, layout, engine, raw, rollup);
        return {
          engine,
          catalog: h.catalog,
          layout,
          database: config.database,
          table: config.table,
          config: loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: timezone }),
          now: () => now,
          rollup: { table: config.rollup.table, catalog: h.rollupCatalog!, settleMinutes: config.rollup.settleMinutes },
          watchlist: WATCHLIST,
        };
      };
      const date = addDays(TODAY, -1);
      await record('report', `report in ${timezone}, first run`, (engine) => runReport(reportDeps(engine, [], [], NOW), { date, requestId: 'request-2' }));
      await record('report', `report in ${timezone}, rollup built`, (engine) => runReport(reportDeps(engine, built, built, NOW), { date, requestId: 'request-3' }));
      await record('report', `report in ${timezone}, today`, (engine) => runReport(reportDeps(engine, built, built, NOW), { date: TODAY, requestId: 'request-4' }));
      // With several sources a day's rollup can be partly built (one source's build failed): the report rebuilds it.
      const partly = built.filter((p) => p.values.aws_account !== layout.sources[1]?.account);
      await record('report', `report in ${timezone}, rollup partly built`, (engine) => runReport(reportDeps(engine, built, partly, NOW), { date, requestId: 'request-5' }));
    }
  }
  return emitted;
}

/**
 * The folders each job deletes through its object store, collected by running the use cases with
 * every build failing (a backfill with the rollup, and a report): the jobs then remove the failed
 * builds' folders. Their statements are the kinds collectAthenaStatements already sends.
 */
export async function collectFolderDeletions(): Promise<FolderDeletionCall[]> {
  const calls: FolderDeletionCall[] = [];
  for (const [setupName, setup] of Object.entries(SOURCE_SETUPS)) {
    const config = configFor(setup);
    const layout = configuredLayout(config);
    const built = partitionsFor(layout, daysOf({ from: addDays(TODAY, -10), to: TODAY }));
    const record = async (job: Job, scenario: string, act: (engine: RecordingEngine, store: RecordingObjectStore) => Promise<unknown>): Promise<void> => {
      const store = new RecordingObjectStore();
      await act(new RecordingEngine(true), store).catch(() => undefined);
      for (const folder of store.folders) calls.push({ job, scenario: `${scenario} (${setupName})`, folder });
    };
    await record('partitions', 'backfill whose builds fail', (engine, store) =>
      maintainPartitions(
        handle(config, layout, engine, [], [], store),
        parsePartitionsEvent({ from: addDays(TODAY, -3), to: addDays(TODAY, -1), rollup: true }, config.partitions),
        RUN,
      ),
    );
    await record('report', 'report whose builds fail', (engine, store) => {
      const h = handle(config, layout, engine, built, [], store);
      return runReport(
        {
          engine,
          catalog: h.catalog,
          layout,
          database: config.database,
          table: config.table,
          config: loadReportConfig({}),
          now: () => NOW,
          rollup: { table: config.rollup.table, catalog: h.rollupCatalog!, settleMinutes: config.rollup.settleMinutes, objectStore: store },
        },
        { date: addDays(TODAY, -1), requestId: 'request-6' },
      );
    });
  }
  return calls;
}

/** What a statement does, as far as the permissions it needs go. */
export type StatementKind = 'SELECT' | 'ALTER TABLE ADD PARTITION' | 'ALTER TABLE SET LOCATION' | 'ALTER TABLE DROP PARTITION' | 'INSERT INTO';

/** Its kind from its first words (comments skipped); undefined for a statement no table knows. */
export function statementKind(sql: string): StatementKind | undefined {
  const code = sql
    .replace(/--[^\n]*\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
  if (/^(WITH\b.*?\bSELECT|SELECT)\b/.test(code)) return 'SELECT';
  if (/^INSERT INTO\b/.test(code)) return 'INSERT INTO';
  if (/^ALTER TABLE \S+ ADD (IF NOT EXISTS )?PARTITION\b/.test(code)) return 'ALTER TABLE ADD PARTITION';
  if (/^ALTER TABLE \S+ PARTITION \(.*\) SET LOCATION\b/.test(code)) return 'ALTER TABLE SET LOCATION';
  if (/^ALTER TABLE \S+ DROP (IF EXISTS )?PARTITION\b/.test(code)) return 'ALTER TABLE DROP PARTITION';
  return undefined;
}

/** The table a statement acts on (ALTER, INSERT) or reads (SELECT: every `database.table` named). */
export function tablesOf(sql: string, database: string): string[] {
  const names = new Set<string>();
  for (const match of sql.matchAll(new RegExp(`"?${database}"?\\."?([a-z0-9_]+)"?`, 'g'))) names.add(match[1]!);
  return [...names].sort();
}

/** Bytes of each of the 288 five-minute files a day's folder holds in ListedLedger's listing. */
export const LISTED_FILE_BYTES = 1_000_000;

/** A rollup ledger listing 288 files of LISTED_FILE_BYTES per day, with records matching that listing for the built days (so none is built again). */
class ListedLedger implements RollupLedger {
  constructor(readonly built: readonly UtcDay[]) {}
  #files(day: UtcDay): SourceFile[] {
    return Array.from({ length: 288 }, (_, i) => ({
      path: `s3://flow-log-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/${day.replaceAll('-', '/')}/f${i}.log.gz`,
      sizeBytes: LISTED_FILE_BYTES,
      version: `"e${i}"`,
    }));
  }
  async filesOf(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, readonly SourceFile[]>> {
    return new Map(days.map((day) => [day, this.#files(day)]));
  }
  async recorded(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, RollupDayRecord>> {
    return new Map(days.filter((day) => this.built.includes(day)).map((day) => [day, { day, files: this.#files(day), skipped: [] }]));
  }
  async record(): Promise<void> {}
}

/** What one recorded report run sent: its statements in order, the report, and the folders it deleted. */
export interface RecordedReport {
  readonly statements: readonly { readonly sql: string; readonly label: string }[];
  readonly report: Report;
  readonly deletedFolders: readonly string[];
}

/**
 * One daily UTC report of yesterday (one source, every earlier day's rollup built, today's not:
 * the window's late folder is read from its early files), run with the recording engine; with
 * `failInserts` every INSERT fails, the staging of the early rows included.
 */
export async function recordReport(options: { readonly failInserts?: boolean } = {}): Promise<RecordedReport> {
  const config = configFor(SOURCE_SETUPS['one source'] ?? {});
  const layout = configuredLayout(config);
  const raw = partitionsFor(layout, daysOf({ from: addDays(TODAY, -30), to: TODAY }));
  const built = partitionsFor(layout, daysOf({ from: addDays(TODAY, -30), to: addDays(TODAY, -1) }));
  const engine = new RecordingEngine(options.failInserts === true);
  const store = new RecordingObjectStore();
  const h = handle(config, layout, engine, raw, built, store);
  const ledger = new ListedLedger(built.map((p) => (p.values.dt ?? '').replaceAll('/', '-') as UtcDay));
  const report = await runReport(
    {
      engine,
      catalog: h.catalog,
      layout,
      database: config.database,
      table: config.table,
      config: loadReportConfig({}),
      now: () => NOW,
      rollup: { table: config.rollup.table, catalog: h.rollupCatalog!, settleMinutes: config.rollup.settleMinutes, objectStore: store, ledger },
    },
    { date: addDays(TODAY, -1), requestId: 'request-7', timezone: 'UTC' },
  );
  return { statements: engine.seen, report, deletedFolders: store.folders };
}

/**
 * A ledger listing 288 five-minute files a day named as AWS names them (delivery stamps
 * T0000Z..T2355Z), records matching that listing for the built days, and staged-rows records kept
 * in memory, as the S3 ledger keeps them in its JSON objects (`forgotten`: the days let go).
 */
class StagingLedger implements RollupLedger {
  readonly staged = new Map<UtcDay, StagedRowsRecord>();
  readonly forgotten: UtcDay[] = [];
  constructor(readonly built: readonly UtcDay[]) {}
  #files(day: UtcDay): SourceFile[] {
    const ymd = day.replaceAll('-', '');
    return Array.from({ length: 288 }, (_, i) => {
      const stamp = `${ymd}T${String(Math.floor(i / 12)).padStart(2, '0')}${String((i % 12) * 5).padStart(2, '0')}`;
      return {
        path: `s3://flow-log-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/${day.replaceAll('-', '/')}/123456789012_vpcflowlogs_ap-northeast-1_fl-0a1b2c3d_${stamp}Z_h${i}.log.gz`,
        sizeBytes: LISTED_FILE_BYTES,
        version: `"e${i}"`,
      };
    });
  }
  async filesOf(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, readonly SourceFile[]>> {
    return new Map(days.map((day) => [day, this.#files(day)]));
  }
  async recorded(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, RollupDayRecord>> {
    return new Map(days.filter((day) => this.built.includes(day)).map((day) => [day, { day, files: this.#files(day), skipped: [] }]));
  }
  async record(): Promise<void> {}
  async stagedRows(days: readonly UtcDay[]): Promise<ReadonlyMap<UtcDay, StagedRowsRecord>> {
    return new Map(days.flatMap((day) => (this.staged.has(day) ? [[day, this.staged.get(day) as StagedRowsRecord] as const] : [])));
  }
  async keepStagedRows(record: StagedRowsRecord): Promise<void> {
    this.staged.set(record.day, record);
  }
  async forgetStagedRows(days: readonly UtcDay[]): Promise<void> {
    for (const day of days) {
      this.staged.delete(day);
      this.forgotten.push(day);
    }
  }
}

/** Two daily reports on the Athena path, the second building the folder whose early rows the first staged and kept. */
export interface RecordedScanOnce {
  readonly first: RecordedReport;
  readonly second: RecordedReport;
  /** The staged-rows record the first report kept, as the second report found it. */
  readonly kept: StagedRowsRecord | undefined;
  /** The days the ledger let go of, and the records it still keeps after the second report. */
  readonly forgotten: readonly UtcDay[];
  readonly keptAfter: readonly StagedRowsRecord[];
}

/**
 * The report of yesterday at 23:45 today (today's folder has no rollup: its early rows are staged
 * and kept), then the report of today at `secondAt` (09:30 tomorrow by default, 9 h 45 min later),
 * whose rollup build of today reads the staged rows instead of those files.
 */
export async function recordScanOnce(options: { readonly secondAt?: Date } = {}): Promise<RecordedScanOnce> {
  const config = configFor(SOURCE_SETUPS['one source'] ?? {});
  const layout = configuredLayout(config);
  const tomorrow = addDays(TODAY, 1);
  const raw = partitionsFor(layout, daysOf({ from: addDays(TODAY, -30), to: tomorrow }));
  const built = partitionsFor(layout, daysOf({ from: addDays(TODAY, -30), to: addDays(TODAY, -1) }));
  const ledger = new StagingLedger(built.map((p) => (p.values.dt ?? '').replaceAll('/', '-') as UtcDay));
  const run = async (date: UtcDay, now: Date, requestId: string): Promise<RecordedReport> => {
    const engine = new RecordingEngine();
    const store = new RecordingObjectStore();
    const h = handle(config, layout, engine, raw, built, store);
    const report = await runReport(
      {
        engine,
        catalog: h.catalog,
        layout,
        database: config.database,
        table: config.table,
        config: loadReportConfig({}),
        now: () => now,
        rollup: { table: config.rollup.table, catalog: h.rollupCatalog!, settleMinutes: config.rollup.settleMinutes, objectStore: store, ledger },
      },
      { date, requestId, timezone: 'UTC' },
    );
    return { statements: engine.seen, report, deletedFolders: store.folders };
  };
  const first = await run(addDays(TODAY, -1), NOW, 'request-8');
  const kept = ledger.staged.get(TODAY);
  const second = await run(TODAY, options.secondAt ?? new Date(`${tomorrow}T09:30:00Z`), 'request-9');
  return { first, second, kept, forgotten: [...ledger.forgotten], keptAfter: [...ledger.staged.values()] };
}
