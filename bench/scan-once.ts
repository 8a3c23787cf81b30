/**
 * Scan once: what the daily rollup saves. (1) The Athena path against a scripted Athena and Glue
 * (aws-sdk-client-mock): the statements of a daily UTC report with the 7 previous rollups present,
 * then of a second run, each with the tables and partitions it reads, beside the count the naive
 * shape (every query reading the raw table) issues. (2) The local path on generated sample data:
 * the first report of a day (builds the rollup from the gz files) against the second (reads it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient, type GetPartitionsCommandInput } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaEngine } from '../src/lib/athena/athena-engine.js';
import { GlueCatalog } from '../src/lib/glue/glue-catalog.js';
import { loadCoreConfig } from '../src/lib/config.js';
import { addDays, daysOf, dtOf, type UtcDay } from '../src/lib/dates.js';
import { openLocal } from '../src/lib/wiring/local.js';
import { layoutFor, sourceRoot } from '../src/lib/partitions/layout.js';
import type { Report } from '../src/lib/report/model.js';
import { loadReportConfig } from '../src/lib/report/report-config.js';
import { loadSavedQueries } from '../src/lib/report/saved-queries.js';
import { writeSample } from '../src/sample/write-sample.js';
import { runReport } from '../src/lib/use-cases/run-report.js';

export interface ScanOnceOptions {
  readonly records: number;
  readonly workDir: string;
  readonly log: (line: string) => void;
}

export interface StatementReads {
  readonly label: string;
  /** For each table the statement reads: the dt folders it reads whole and those it reads only the early files of. */
  readonly reads: readonly { readonly table: string; readonly partitions: readonly string[]; readonly earlyFiles?: readonly string[] }[];
}

const DATABASE = 'flowlogs';
const TABLE = 'vpc_flow_logs';
const ROLLUP = 'vpc_flow_logs_rollup';
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const RAW_BYTES_PER_DAY = 2_000_000_000;
const ROLLUP_BYTES_PER_DAY = 20_000_000;
/**
 * The share of a day's raw bytes in the files delivered in its first 30 minutes (the settle
 * margin): 7 of 288 five-minute files. A model for the scripted Athena, not a measurement.
 */
const EARLY_FILES_SHARE = 7 / 288;

/** The tables and dt folders a statement reads, from its `FROM <table> WHERE ...dt IN (...)` and `dt = '...' AND ... "$path"` clauses. */
export function statementReads(sql: string): StatementReads['reads'] {
  return [...sql.matchAll(/FROM ([a-z0-9_]+\.[a-z0-9_]+)\s+WHERE \(?((?:dt IN \([^)]*\))?(?: OR )?(?:\(dt = '[^']+'\s+AND coalesce\(regexp_extract\("\$path"[^\n]*)?)/g)].map((m) => {
    const condition = m[2] as string;
    const whole = /dt IN \(([^)]*)\)/.exec(condition)?.[1] ?? '';
    const early = /dt = '([^']+)'\s+AND coalesce\(regexp_extract\("\$path"/.exec(condition)?.[1];
    return {
      table: m[1] as string,
      partitions: [...whole.matchAll(/'([^']+)'/g)].map((p) => p[1] as string),
      ...(early === undefined ? {} : { earlyFiles: [early] }),
    };
  });
}

/** Bytes the scripted Athena bills a statement: whole folders, early files, rollup partitions. */
function modelledBytes(sql: string): number {
  return statementReads(sql).reduce(
    (sum, r) => sum + r.partitions.length * (r.table.endsWith('_rollup') ? ROLLUP_BYTES_PER_DAY : RAW_BYTES_PER_DAY) + (r.earlyFiles?.length ?? 0) * Math.round(RAW_BYTES_PER_DAY * EARLY_FILES_SHARE),
    0,
  );
}

/** One report run on the Athena path: the day, when it runs, and the statements it issued. */
export interface AthenaRun {
  readonly date: UtcDay;
  readonly now: string;
}

/**
 * Daily UTC reports run one after the other against a scripted Athena and Glue (rollups of the 7
 * days before `date` present at the start): the statements of each run with what they read.
 */
export async function athenaReports(date: UtcDay, schedule: readonly AthenaRun[]): Promise<{ runs: StatementReads[][]; bytes: number[][] }> {
  const athena = mockClient(AthenaClient);
  const glue = mockClient(GlueClient);
  const sqlById = new Map<string, string>();
  const rollupDays = new Set(daysOf({ from: addDays(date, -7), to: addDays(date, -1) }).map(dtOf));
  athena.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
    const id = `q-${sqlById.size + 1}`;
    sqlById.set(id, input.QueryString ?? '');
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    const sql = sqlById.get(input.QueryExecutionId) ?? '';
    const bytes = modelledBytes(sql);
    // A build's days count as built once the rollup's partitions are pointed at its folders.
    if (sql.startsWith(`ALTER TABLE ${DATABASE}.${ROLLUP} ADD`)) for (const m of sql.matchAll(/dt = '([^']+)'/g)) rollupDays.add(m[1] as string);
    const type = sql.startsWith('ALTER') ? 'DDL' : sql.startsWith('INSERT') ? 'DML' : 'DML';
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: type, Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: bytes } } };
  });
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
  glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
    Table: { Name: input.Name, PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: input.Name === ROLLUP ? 's3://results-bucket/rollup/' : `s3://logs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/` } },
  }));
  glue.on(GetPartitionsCommand).callsFake((input: GetPartitionsCommandInput) => {
    const [, from = '', to = ''] = /dt >= '([^']+)' AND dt <= '([^']+)'/.exec(input.Expression ?? '') ?? [];
    const all = daysOf({ from: addDays(date, -10), to: addDays(date, 2 + schedule.length) }).map(dtOf);
    const have = input.TableName === ROLLUP ? all.filter((dt) => rollupDays.has(dt)) : all;
    return { Partitions: have.filter((dt) => dt >= from && dt <= to).map((dt) => ({ Values: [dt], StorageDescriptor: { Location: `s3://x/${dt}/` } })) };
  });
  try {
    const athenaClient = new AthenaClient({ region: REGION });
    const glueClient = new GlueClient({ region: REGION });
    const engine = new AthenaEngine({ client: athenaClient, workgroup: 'flowlog', database: DATABASE, outputLocation: 's3://results-bucket/athena/', initialPollMs: 1, maxPollMs: 1 });
    const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('s3://logs', '', ACCOUNT, REGION) }]);
    const deps = {
      engine,
      catalog: new GlueCatalog({ client: glueClient, database: DATABASE, table: TABLE }),
      layout,
      database: DATABASE,
      table: TABLE,
      config: loadReportConfig({}),
      rollup: { table: ROLLUP, catalog: new GlueCatalog({ client: glueClient, database: DATABASE, table: ROLLUP }), settleMinutes: 30 },
    };
    const runs: StatementReads[][] = [];
    const bytes: number[][] = [];
    for (const run of schedule) {
      const before = sqlById.size;
      await runReport({ ...deps, now: () => new Date(run.now), concurrency: 1 }, { date: run.date, timezone: 'UTC' });
      const issued = [...sqlById.values()].slice(before);
      runs.push(issued.map((sql) => ({ label: sql.split(/\s+/).slice(0, 3).join(' '), reads: statementReads(sql) })));
      bytes.push(issued.map(modelledBytes));
    }
    return { runs, bytes };
  } finally {
    athena.restore();
    glue.restore();
  }
}

/** The Athena path: one daily UTC report run twice, beside the naive shape (every query reading the raw table). */
export async function athenaScanOnce(date: UtcDay = '2026-11-20' as UtcDay): Promise<{ runs: StatementReads[][]; naiveRawStatements: number; naiveRawPartitionReads: number; rawStatements: number[]; wholeRawStatements: number[] }> {
  const now = `${addDays(date, 1)}T09:30:00Z`;
  const { runs } = await athenaReports(date, [{ date, now }, { date, now }]);
  // The watchlist rule runs only with a watchlist, and these reports have none.
  const saved = loadSavedQueries().list().filter((q) => !q.usesWatchlist);
  const naiveRawPartitionReads = saved.reduce((sum, q) => sum + 1 + (q.usesBaseline ? 7 : 0), 0);
  const raw = (statements: StatementReads[], whole: boolean) => statements.filter((s) => s.reads.some((r) => r.table === `${DATABASE}.${TABLE}` && (whole ? r.partitions.length > 0 : true))).length;
  return { runs, naiveRawStatements: saved.length, naiveRawPartitionReads, rawStatements: runs.map((r) => raw(r, false)), wholeRawStatements: runs.map((r) => raw(r, true)) };
}

export interface FolderScans {
  readonly dt: string;
  /** Statements that read the folder whole (its rollup build). */
  readonly wholeReads: number;
  /** Statements that read only its early files (the day before's report queries, before its rollup exists). */
  readonly earlyReads: number;
  /** Raw bytes billed for the folder, in units of the whole folder. */
  readonly scans: number;
}

/**
 * Daily UTC reports of `days` consecutive days, each at 09:30 the day after: how often each raw
 * folder is read over its life, whole and by its early files, and the raw bytes that makes.
 */
export async function athenaDailyScans(first: UtcDay = '2026-11-20' as UtcDay, days = 5): Promise<FolderScans[]> {
  const schedule = daysOf({ from: first, to: addDays(first, days - 1) }).map((date) => ({ date, now: `${addDays(date, 1)}T09:30:00Z` }));
  const { runs } = await athenaReports(first, schedule);
  const byFolder = new Map<string, { whole: number; early: number }>();
  for (const read of runs.flat().flatMap((s) => s.reads).filter((r) => r.table === `${DATABASE}.${TABLE}`)) {
    for (const dt of read.partitions) byFolder.set(dt, { whole: (byFolder.get(dt)?.whole ?? 0) + 1, early: byFolder.get(dt)?.early ?? 0 });
    for (const dt of read.earlyFiles ?? []) byFolder.set(dt, { whole: byFolder.get(dt)?.whole ?? 0, early: (byFolder.get(dt)?.early ?? 0) + 1 });
  }
  return [...byFolder].sort(([a], [b]) => a.localeCompare(b)).map(([dt, n]) => ({ dt, wholeReads: n.whole, earlyReads: n.early, scans: Number((n.whole + n.early * EARLY_FILES_SHARE).toFixed(3)) }));
}

/** The local path: the first and the second report of one day on generated sample data. */
export async function localScanOnce(options: ScanOnceOptions): Promise<{ firstMs: number; secondMs: number; ratio: number; same: boolean }> {
  const dataDir = await mkdtemp(join(options.workDir, 'scan-once-data-'));
  const stateDir = await mkdtemp(join(options.workDir, 'scan-once-state-'));
  try {
    await writeSample({ out: dataDir, days: 8, recordsPerDay: options.records, endDate: '2026-11-20' });
    const core = loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dataDir, FLOWLOG_STATE_DIR: stateDir });
    const once = async (): Promise<{ ms: number; report: Report }> => {
      const startedMs = Date.now();
      const handle = await openLocal(core);
      try {
        const report = await runReport(
          {
            engine: handle.engine,
            catalog: handle.catalog,
            layout: handle.layout,
            database: core.database,
            table: core.table,
            config: loadReportConfig({}),
            now: () => new Date('2026-11-21T09:30:00Z'),
            rollup: { table: core.rollup.table, catalog: handle.rollupCatalog, settleMinutes: core.rollup.settleMinutes },
          },
          { date: '2026-11-20', timezone: 'UTC' },
        );
        return { ms: Date.now() - startedMs, report };
      } finally {
        await handle.close();
      }
    };
    const first = await once();
    const second = await once();
    const same = JSON.stringify([first.report.totals, first.report.findings]) === JSON.stringify([second.report.totals, second.report.findings]);
    return { firstMs: first.ms, secondMs: second.ms, ratio: first.ms / Math.max(1, second.ms), same };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Both measures, printed line by line and returned for the benchmark summary. */
export async function benchScanOnce(options: ScanOnceOptions): Promise<Record<string, unknown>> {
  const { log } = options;
  const athena = await athenaScanOnce();
  log('scan once, Athena path: daily UTC report, rollups of the 7 previous days present');
  athena.runs.forEach((statements, run) => {
    log(`  run ${run + 1}: ${statements.length} statements, ${athena.rawStatements[run]} reading the raw table (naive shape: ${athena.naiveRawStatements} statements reading ${athena.naiveRawPartitionReads} raw day-partitions)`);
    for (const s of statements) log(`    ${s.label.padEnd(28)} ${s.reads.map((r) => `${r.table}[${r.partitions.join(',')}]`).join(' + ') || '(catalog only)'}`);
  });
  const daily = await athenaDailyScans();
  log('scan once, Athena path: five daily UTC reports in a row (each at 09:30 the next day): raw reads per folder');
  for (const f of daily) log(`    ${f.dt}  read whole ${f.wholeReads}x, early files ${f.earlyReads}x: ${f.scans} scans of the folder (early files modelled as ${(EARLY_FILES_SHARE * 100).toFixed(1)}% of a day)`);
  const local = await localScanOnce(options);
  log(`scan once, local path (${options.records} records/day, 8 days): first report ${local.firstMs} ms, second ${local.secondMs} ms, ${local.ratio.toFixed(1)}x faster (target >= 5x), same findings and totals: ${local.same}`);
  return {
    athenaStatements: athena.runs.map((r) => r.length),
    athenaRawStatements: athena.rawStatements,
    athenaWholeRawStatements: athena.wholeRawStatements,
    athenaFolderScans: daily,
    naiveRawStatements: athena.naiveRawStatements,
    naiveRawPartitionReads: athena.naiveRawPartitionReads,
    localFirstMs: local.firstMs,
    localSecondMs: local.secondMs,
    localRatio: Number(local.ratio.toFixed(2)),
    localSameResults: local.same,
  };
}
