/**
 * Scan once: what the daily rollup saves. (1) The Athena path against a scripted Athena and Glue
 * (aws-sdk-client-mock): the statements of a daily UTC report with the 7 previous rollups present,
 * then of a second run, each with the tables and partitions it reads, beside the count the naive
 * shape (every query reading the raw table) issues. (2) The local path on generated sample data:
 * the first report of a day (builds the rollup from the gz files) against the second (reads it).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient, type GetPartitionsCommandInput } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandInput,
  type ListObjectsV2CommandInput,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { S3RollupLedger } from '../src/lib/s3/s3-rollup-ledger.js';
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
  readonly reads: readonly {
    readonly table: string;
    readonly partitions: readonly string[];
    readonly earlyFiles?: readonly string[];
    readonly stagedRows?: readonly string[];
    readonly lessStaged?: boolean;
  }[];
}

const DATABASE = 'flowlogs';
const TABLE = 'vpc_flow_logs';
const ROLLUP = 'vpc_flow_logs_rollup';
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
/**
 * The sizes the scripted Athena bills by: a raw day's compressed bytes, the share of a folder in
 * its early files (those delivered within the settle margin after midnight) and a day's rollup
 * as Parquet. Measured on the local sample by measureSizes; MODELLED_SIZES is the fallback.
 */
export interface DaySizes {
  readonly rawBytesPerDay: number;
  readonly earlyShare: number;
  readonly rollupBytesPerDay: number;
  /** Where the figures come from, printed with them. */
  readonly source: string;
}

/** A model, not a measurement: 2 GB of gz a day, early files 7 of 288 five-minute files, rollup 1% of raw. */
export const MODELLED_SIZES: DaySizes = { rawBytesPerDay: 2_000_000_000, earlyShare: 7 / 288, rollupBytesPerDay: 20_000_000, source: 'modelled' };

/**
 * The tables and dt folders a statement reads, from its `FROM <table> WHERE ...dt IN (...)`,
 * `dt = '...' AND ... "$path"` (early files) and `build = '...' AND dt = '...'` (staged early rows) clauses.
 */
export function statementReads(sql: string): StatementReads['reads'] {
  return [
    ...sql.matchAll(
      /FROM ([a-z0-9_]+\.[a-z0-9_]+)\s+WHERE \(?((?:dt IN \([^)]*\)\)?(?:\s+AND "\$path" NOT IN)?)?(?: OR )?(?:\(?dt = '[^']+'\s+AND coalesce\(regexp_extract\("\$path"[^\n]*)?(?:build = '[^']+'\s+AND dt = '[^']+')?)/g,
    ),
  ].map((m) => {
    const condition = m[2] as string;
    // A build reusing staged early rows reads its folders without the staged (early) files.
    const lessStaged = /"\$path" NOT IN/.test(condition);
    const whole = /dt IN \(([^)]*)\)/.exec(condition)?.[1] ?? '';
    const early = /dt = '([^']+)'\s+AND coalesce\(regexp_extract\("\$path"/.exec(condition)?.[1];
    const staged = /build = '[^']+'\s+AND dt = '([^']+)'/.exec(condition)?.[1];
    return {
      table: m[1] as string,
      partitions: [...whole.matchAll(/'([^']+)'/g)].map((p) => p[1] as string),
      ...(early === undefined ? {} : { earlyFiles: [early] }),
      ...(staged === undefined ? {} : { stagedRows: [staged] }),
      ...(lessStaged ? { lessStaged } : {}),
    };
  });
}

/** Bytes the scripted Athena bills a statement: whole folders, early files, rollup partitions, staged early rows. */
function modelledBytes(sql: string, sizes: DaySizes): number {
  return statementReads(sql).reduce(
    (sum, r) =>
      sum +
      r.partitions.length * (r.table.endsWith('_rollup') ? sizes.rollupBytesPerDay : Math.round(sizes.rawBytesPerDay * (r.lessStaged === true ? 1 - sizes.earlyShare : 1))) +
      (r.earlyFiles?.length ?? 0) * Math.round(sizes.rawBytesPerDay * sizes.earlyShare) +
      (r.stagedRows?.length ?? 0) * Math.round(sizes.rollupBytesPerDay * sizes.earlyShare),
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
export async function athenaReports(date: UtcDay, schedule: readonly AthenaRun[], sizes: DaySizes = MODELLED_SIZES): Promise<{ runs: StatementReads[][]; bytes: number[][] }> {
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
    const bytes = modelledBytes(sql, sizes);
    // A build's days count as built once the rollup's partitions are pointed at its folders.
    if (sql.startsWith(`ALTER TABLE ${DATABASE}.${ROLLUP} ADD`)) for (const m of sql.matchAll(/dt = '([^']+)'/g)) rollupDays.add(m[1] as string);
    const type = sql.startsWith('ALTER') ? 'DDL' : sql.startsWith('INSERT') ? 'DML' : 'DML';
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: type, Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: bytes } } };
  });
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
  glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
    Table: {
      Name: input.Name,
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      StorageDescriptor: { Location: input.Name === ROLLUP ? 's3://results-bucket/rollup/' : `s3://logs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/` },
    },
  }));
  glue.on(GetPartitionsCommand).callsFake((input: GetPartitionsCommandInput) => {
    const [, from = '', to = ''] = /dt >= '([^']+)' AND dt <= '([^']+)'/.exec(input.Expression ?? '') ?? [];
    const all = daysOf({ from: addDays(date, -10), to: addDays(date, 2 + schedule.length) }).map(dtOf);
    const have = input.TableName === ROLLUP ? all.filter((dt) => rollupDays.has(dt)) : all;
    return { Partitions: have.filter((dt) => dt >= from && dt <= to).map((dt) => ({ Values: [dt], StorageDescriptor: { Location: `s3://x/${dt}/` } })) };
  });
  // The rollup ledger on a scripted S3: each raw folder lists 288 five-minute files named as AWS
  // names them, and the ledger's JSON objects are kept in memory; the rollup days present at the
  // start have records matching their listing (so none is built again).
  const s3 = mockClient(S3Client);
  const objects = new Map<string, string>();
  const listing = (dt: string) =>
    Array.from({ length: 288 }, (_, i) => ({
      Key: `${dt}/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0a1b2c3d_${dt.replaceAll('/', '')}T${String(Math.floor(i / 12)).padStart(2, '0')}${String((i % 12) * 5).padStart(2, '0')}Z_h${i}.log.gz`,
      Size: 1_000_000,
      ETag: `"e${i}"`,
    }));
  const LEDGER = 'rollup/ledger/vpc_flow_logs_rollup/';
  for (const dt of rollupDays) {
    const day = dt.replaceAll('/', '-');
    objects.set(`${LEDGER}${day}.json`, JSON.stringify({ day, files: listing(dt).map((o) => ({ path: `s3://x/${o.Key}`, sizeBytes: o.Size, version: o.ETag })), skipped: [] }));
  }
  s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => ({ Contents: listing((input.Prefix ?? '').replace(/\/$/, '')), IsTruncated: false }));
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    const text = objects.get(input.Key ?? '');
    if (text === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToString: async () => text } };
  });
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    objects.set(input.Key ?? '', String(input.Body));
    return {};
  });
  try {
    const athenaClient = new AthenaClient({ region: REGION });
    const glueClient = new GlueClient({ region: REGION });
    const rawCatalog = new GlueCatalog({ client: glueClient, database: DATABASE, table: TABLE });
    const ledger = new S3RollupLedger({ client: new S3Client({ region: REGION }), raw: rawCatalog, folder: `s3://results-bucket/${LEDGER}` });
    const engine = new AthenaEngine({
      client: athenaClient,
      workgroup: 'flowlog',
      database: DATABASE,
      outputLocation: 's3://results-bucket/athena/',
      initialPollMs: 1,
      maxPollMs: 1,
    });
    const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('s3://logs', '', ACCOUNT, REGION) }]);
    const deps = {
      engine,
      catalog: rawCatalog,
      layout,
      database: DATABASE,
      table: TABLE,
      config: loadReportConfig({}),
      rollup: { table: ROLLUP, catalog: new GlueCatalog({ client: glueClient, database: DATABASE, table: ROLLUP }), settleMinutes: 30, ledger },
    };
    const runs: StatementReads[][] = [];
    const bytes: number[][] = [];
    for (const run of schedule) {
      const before = sqlById.size;
      await runReport({ ...deps, now: () => new Date(run.now), concurrency: 1 }, { date: run.date, timezone: 'UTC' });
      const issued = [...sqlById.values()].slice(before);
      runs.push(issued.map((sql) => ({ label: sql.split(/\s+/).slice(0, 3).join(' '), reads: statementReads(sql) })));
      bytes.push(issued.map((sql) => modelledBytes(sql, sizes)));
    }
    return { runs, bytes };
  } finally {
    athena.restore();
    glue.restore();
    s3.restore();
  }
}

/** The Athena path: one daily UTC report run twice, beside the naive shape (every query reading the raw table). */
export async function athenaScanOnce(
  date: UtcDay = '2026-11-20' as UtcDay,
): Promise<{ runs: StatementReads[][]; naiveRawStatements: number; naiveRawPartitionReads: number; rawStatements: number[]; wholeRawStatements: number[] }> {
  const now = `${addDays(date, 1)}T09:30:00Z`;
  const { runs } = await athenaReports(date, [
    { date, now },
    { date, now },
  ]);
  // The watchlist rule runs only with a watchlist, and these reports have none.
  const saved = loadSavedQueries()
    .list()
    .filter((q) => !q.usesWatchlist);
  const naiveRawPartitionReads = saved.reduce((sum, q) => sum + 1 + (q.usesBaseline ? 7 : 0), 0);
  const raw = (statements: StatementReads[], whole: boolean) =>
    statements.filter((s) => s.reads.some((r) => r.table === `${DATABASE}.${TABLE}` && (whole ? r.partitions.length > 0 : true))).length;
  return { runs, naiveRawStatements: saved.length, naiveRawPartitionReads, rawStatements: runs.map((r) => raw(r, false)), wholeRawStatements: runs.map((r) => raw(r, true)) };
}

export interface FolderScans {
  readonly dt: string;
  /** Statements that read the folder whole (its rollup build). */
  readonly wholeReads: number;
  /** Statements that read only its early files (the day before's report staging them, before its rollup exists). */
  readonly earlyReads: number;
  /** Statements that read it without the early files a report staged (its rollup build reusing the staged rows). */
  readonly lessStagedReads: number;
  /** Raw bytes billed for the folder, in units of the whole folder. */
  readonly scans: number;
}

/** One daily report's Athena bytes (all its queries and builds) against the raw day's compressed size. */
export interface ReportBytes {
  readonly date: UtcDay;
  readonly bytesScanned: number;
  readonly rawDayBytes: number;
  readonly ratio: number;
}

/** Raw scans per folder target (issue 11: each raw folder read once over its life). */
export const SCANS_PER_FOLDER_TARGET = 1.0;
/** Athena bytes of one daily report over the raw day's compressed size (issue 17). */
export const REPORT_BYTES_RATIO_TARGET = 1.3;

/**
 * Daily UTC reports of `days` consecutive days, each at 09:30 the day after: how often each raw
 * folder is read over its life, whole and by its early files, the raw bytes that makes, and
 * each report's bytes against the raw day.
 */
export async function athenaDailyScans(
  first: UtcDay = '2026-11-20' as UtcDay,
  days = 5,
  sizes: DaySizes = MODELLED_SIZES,
): Promise<{ folders: FolderScans[]; reports: ReportBytes[] }> {
  const schedule = daysOf({ from: first, to: addDays(first, days - 1) }).map((date) => ({ date, now: `${addDays(date, 1)}T09:30:00Z` }));
  const { runs, bytes } = await athenaReports(first, schedule, sizes);
  const byFolder = new Map<string, { whole: number; early: number; lessStaged: number }>();
  const count = (dt: string) => byFolder.get(dt) ?? { whole: 0, early: 0, lessStaged: 0 };
  for (const read of runs
    .flat()
    .flatMap((s) => s.reads)
    .filter((r) => r.table === `${DATABASE}.${TABLE}`)) {
    for (const dt of read.partitions)
      byFolder.set(dt, read.lessStaged === true ? { ...count(dt), lessStaged: count(dt).lessStaged + 1 } : { ...count(dt), whole: count(dt).whole + 1 });
    for (const dt of read.earlyFiles ?? []) byFolder.set(dt, { ...count(dt), early: count(dt).early + 1 });
  }
  const folders = [...byFolder]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dt, n]) => ({
      dt,
      wholeReads: n.whole,
      earlyReads: n.early,
      lessStagedReads: n.lessStaged,
      scans: Number((n.whole + n.early * sizes.earlyShare + n.lessStaged * (1 - sizes.earlyShare)).toFixed(3)),
    }));
  const reports = schedule.map((run, i) => {
    const scanned = (bytes[i] ?? []).reduce((sum, b) => sum + b, 0);
    return { date: run.date, bytesScanned: scanned, rawDayBytes: sizes.rawBytesPerDay, ratio: Number((scanned / sizes.rawBytesPerDay).toFixed(3)) };
  });
  return { folders, reports };
}

export interface LocalScanOnce {
  readonly firstMs: number;
  readonly secondMs: number;
  readonly ratio: number;
  readonly same: boolean;
  /** The sizes measured on the sample: its reported day's gz files, their early share and the day's rollup as Parquet. */
  readonly sizes: DaySizes;
  /** The local reports' own figure, bytes of gz files read over the raw day's: the first (builds the rollup of all 8 sample days) and the second (rollup stored). */
  readonly reportRatio: readonly [number, number];
}

const SAMPLE_END = '2026-11-20';

/** The local path: the first and the second report of one day on generated sample data, and the sizes it measures. */
export async function localScanOnce(options: ScanOnceOptions): Promise<LocalScanOnce> {
  const dataDir = await mkdtemp(join(options.workDir, 'scan-once-data-'));
  const stateDir = await mkdtemp(join(options.workDir, 'scan-once-state-'));
  try {
    const manifest = await writeSample({ out: dataDir, days: 8, recordsPerDay: options.records, endDate: SAMPLE_END });
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
            rollup: {
              table: core.rollup.table,
              catalog: handle.rollupCatalog,
              settleMinutes: core.rollup.settleMinutes,
              ledger: handle.rollupLedger,
              ...(handle.rollupDaysPerBuild === undefined ? {} : { maxDaysPerBuild: handle.rollupDaysPerBuild }),
            },
          },
          { date: SAMPLE_END, timezone: 'UTC' },
        );
        return { ms: Date.now() - startedMs, report };
      } finally {
        await handle.close();
      }
    };
    const first = await once();
    const second = await once();
    const same = JSON.stringify([first.report.totals, first.report.findings]) === JSON.stringify([second.report.totals, second.report.findings]);
    const folder = manifest.folders.find((f) => f.day === SAMPLE_END);
    const files = await Promise.all((folder?.files ?? []).map(async (name) => ({ name, bytes: (await stat(join(dataDir, folder?.path ?? '', name))).size })));
    const rawBytesPerDay = files.reduce((sum, f) => sum + f.bytes, 0);
    const deliveredBy = `${SAMPLE_END.replaceAll('-', '')}T${String(core.rollup.settleMinutes).padStart(4, '0')}`;
    const earlyBytes = files.filter((f) => (/_([0-9]{8}T[0-9]{4})Z_/.exec(f.name)?.[1] ?? '') <= deliveredBy).reduce((sum, f) => sum + f.bytes, 0);
    const rollupBytesPerDay = await rollupParquetBytes(
      join(stateDir, 'state.duckdb'),
      join(options.workDir, 'rollup-day.parquet'),
      dtOf(SAMPLE_END as UtcDay),
      `${core.database}.${core.rollup.table}`,
    );
    const sizes: DaySizes = {
      rawBytesPerDay,
      earlyShare: earlyBytes / rawBytesPerDay,
      rollupBytesPerDay,
      source: `measured on the sample, ${options.records} records/day: ${files.length} gz files of ${SAMPLE_END}, its rollup written as Parquet (gzip) by DuckDB`,
    };
    return {
      firstMs: first.ms,
      secondMs: second.ms,
      ratio: first.ms / Math.max(1, second.ms),
      same,
      sizes,
      reportRatio: [Number((first.report.bytesScanned / rawBytesPerDay).toFixed(3)), Number((second.report.bytesScanned / rawBytesPerDay).toFixed(3))],
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  }
}

/**
 * A day's rollup as Athena would store it: the state file's rollup rows of that dt (markers left
 * out), written by DuckDB's COPY to Parquet with gzip, Athena's default Parquet compression.
 */
async function rollupParquetBytes(stateFile: string, out: string, dt: string, rollup: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`ATTACH '${stateFile}' AS state (READ_ONLY)`);
    await connection.run(`COPY (SELECT * EXCLUDE (dt) FROM state.${rollup} WHERE dt = '${dt}' AND hour IS NOT NULL) TO '${out}' (FORMAT parquet, COMPRESSION gzip)`);
    return (await stat(out)).size;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const pass = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** Both measures, printed line by line and returned for the benchmark summary. */
export async function benchScanOnce(options: ScanOnceOptions): Promise<Record<string, unknown>> {
  const { log } = options;
  const athena = await athenaScanOnce();
  log('scan once, Athena path: daily UTC report, rollups of the 7 previous days present');
  athena.runs.forEach((statements, run) => {
    log(
      `  run ${run + 1}: ${statements.length} statements, ${athena.rawStatements[run]} reading the raw table (naive shape: ${athena.naiveRawStatements} statements reading ${athena.naiveRawPartitionReads} raw day-partitions)`,
    );
    for (const s of statements)
      log(
        `    ${s.label.padEnd(28)} ${s.reads.map((r) => `${r.table}[${[...r.partitions, ...(r.earlyFiles ?? []).map((dt) => `${dt} early files`), ...(r.stagedRows ?? []).map((dt) => `${dt} staged rows`)].join(',')}]`).join(' + ') || '(catalog only)'}`,
      );
  });
  const local = await localScanOnce(options);
  log(
    `scan once, local path (${options.records} records/day, 8 days): first report ${local.firstMs} ms, second ${local.secondMs} ms, ${local.ratio.toFixed(1)}x faster (target >= 5x), same findings and totals: ${local.same}`,
  );
  log(
    `  sizes ${local.sizes.source}: raw day ${local.sizes.rawBytesPerDay} bytes, early files ${(local.sizes.earlyShare * 100).toFixed(1)}% of it, rollup ${local.sizes.rollupBytesPerDay} bytes (${((local.sizes.rollupBytesPerDay / local.sizes.rawBytesPerDay) * 100).toFixed(1)}% of raw)`,
  );
  log(
    `  gz bytes the local reports read over the raw day's: first ${local.reportRatio[0]}x (it builds the rollup of all 8 sample days at once), second ${local.reportRatio[1]}x (the next folder's early files, staged once); reads of the rollup table are not file bytes`,
  );
  log(
    '  Athena below: the scripted Athena bills each statement by the folders and partitions it names: a rollup partition at the whole Parquet size (an upper bound: Athena reads only the columns a query uses), early files at their share of the folder',
  );
  const figures: Record<string, unknown> = {};
  for (const sizes of [local.sizes, MODELLED_SIZES]) {
    const daily = await athenaDailyScans('2026-11-20' as UtcDay, 5, sizes);
    log(`scan once, Athena path, sizes ${sizes.source}: five daily UTC reports in a row (each at 09:30 the next day)`);
    for (const f of daily.folders)
      log(`    ${f.dt}  read whole ${f.wholeReads}x, early files ${f.earlyReads}x, all but the staged early files ${f.lessStagedReads}x: ${f.scans} scans of the folder`);
    const lifetime = daily.folders.slice(1, -1);
    const worstScans = Math.max(...lifetime.map((f) => f.scans));
    const worstRatio = Math.max(...daily.reports.map((r) => r.ratio));
    log(
      `  raw scans per folder over its life (folders with a report before and after): ${worstScans} (target ${SCANS_PER_FOLDER_TARGET.toFixed(1)}) ${pass(worstScans <= SCANS_PER_FOLDER_TARGET)}`,
    );
    log(
      `  Athena bytes of one daily report (all queries and builds) / raw day's compressed size: ${worstRatio}x (target <= ${REPORT_BYTES_RATIO_TARGET}x) ${pass(worstRatio <= REPORT_BYTES_RATIO_TARGET)}`,
    );
    figures[sizes.source === 'modelled' ? 'modelled' : 'measured'] = {
      sizes,
      folderScans: daily.folders,
      reports: daily.reports,
      scansPerFolder: worstScans,
      reportBytesRatio: worstRatio,
    };
  }
  return {
    athenaStatements: athena.runs.map((r) => r.length),
    athenaRawStatements: athena.rawStatements,
    athenaWholeRawStatements: athena.wholeRawStatements,
    naiveRawStatements: athena.naiveRawStatements,
    naiveRawPartitionReads: athena.naiveRawPartitionReads,
    ...figures,
    localFirstMs: local.firstMs,
    localSecondMs: local.secondMs,
    localRatio: Number(local.ratio.toFixed(2)),
    localSameResults: local.same,
    localReportBytesRatio: local.reportRatio,
  };
}
