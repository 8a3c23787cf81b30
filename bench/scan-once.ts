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
import { AthenaEngine } from '../src/lib/adapters/athena-engine.js';
import { GlueCatalog } from '../src/lib/adapters/glue-catalog.js';
import { loadCoreConfig } from '../src/lib/config.js';
import { addDays, daysOf, dtOf, type UtcDay } from '../src/lib/dates.js';
import { openLocal } from '../src/lib/local/open-local.js';
import { layoutFor, sourceRoot } from '../src/lib/partitions/layout.js';
import type { Report } from '../src/lib/report/model.js';
import { loadReportConfig } from '../src/lib/report/report-config.js';
import { loadSavedQueries } from '../src/lib/report/saved-queries.js';
import { writeSample } from '../src/lib/sample/write-sample.js';
import { runReport } from '../src/lib/use-cases/run-report.js';

export interface ScanOnceOptions {
  readonly records: number;
  readonly workDir: string;
  readonly log: (line: string) => void;
}

export interface StatementReads {
  readonly label: string;
  /** `table: dt, dt, ...` for each table the statement reads. */
  readonly reads: readonly { readonly table: string; readonly partitions: readonly string[] }[];
}

const DATABASE = 'flowlogs';
const TABLE = 'vpc_flow_logs';
const ROLLUP = 'vpc_flow_logs_rollup';
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const RAW_BYTES_PER_DAY = 2_000_000_000;
const ROLLUP_BYTES_PER_DAY = 20_000_000;

/** The tables and dt partitions a statement reads, from its `FROM <table> WHERE dt IN (...)` clauses. */
export function statementReads(sql: string): StatementReads['reads'] {
  return [...sql.matchAll(/FROM ([a-z0-9_]+\.[a-z0-9_]+)\s+WHERE dt IN \(([^)]*)\)/g)].map((m) => ({
    table: m[1] as string,
    partitions: [...(m[2] as string).matchAll(/'([^']+)'/g)].map((p) => p[1] as string),
  }));
}

/** The Athena path: one daily UTC report run twice against a scripted Athena and Glue. */
export async function athenaScanOnce(date: UtcDay = '2026-11-20' as UtcDay): Promise<{ runs: StatementReads[][]; naiveRawStatements: number; naiveRawPartitionReads: number; rawStatements: number[] }> {
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
    const bytes = statementReads(sql).reduce((sum, r) => sum + r.partitions.length * (r.table.endsWith('_rollup') ? ROLLUP_BYTES_PER_DAY : RAW_BYTES_PER_DAY), 0);
    if (sql.startsWith('INSERT INTO')) for (const r of statementReads(sql)) for (const dt of r.partitions) rollupDays.add(dt);
    const type = sql.startsWith('ALTER') ? 'DDL' : sql.startsWith('INSERT') ? 'DML' : 'DML';
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: type, Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: bytes } } };
  });
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
  glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
    Table: { Name: input.Name, PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: input.Name === ROLLUP ? 's3://results-bucket/rollup/' : `s3://logs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/` } },
  }));
  glue.on(GetPartitionsCommand).callsFake((input: GetPartitionsCommandInput) => {
    const [, from = '', to = ''] = /dt >= '([^']+)' AND dt <= '([^']+)'/.exec(input.Expression ?? '') ?? [];
    const all = daysOf({ from: addDays(date, -10), to: addDays(date, 2) }).map(dtOf);
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
      now: () => new Date(`${addDays(date, 1)}T09:30:00Z`),
      rollup: { table: ROLLUP, catalog: new GlueCatalog({ client: glueClient, database: DATABASE, table: ROLLUP }), settleMinutes: 30 },
    };
    const runs: StatementReads[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const before = sqlById.size;
      await runReport({ ...deps, concurrency: 1 }, { date, timezone: 'UTC' });
      runs.push([...sqlById.values()].slice(before).map((sql) => ({ label: sql.split(/\s+/).slice(0, 3).join(' '), reads: statementReads(sql) })));
    }
    const saved = loadSavedQueries().list();
    const naiveRawPartitionReads = saved.reduce((sum, q) => sum + 1 + (q.usesBaseline ? 7 : 0), 0);
    const rawStatements = runs.map((statements) => statements.filter((s) => s.reads.some((r) => r.table === `${DATABASE}.${TABLE}`)).length);
    return { runs, naiveRawStatements: saved.length, naiveRawPartitionReads, rawStatements };
  } finally {
    athena.restore();
    glue.restore();
  }
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
  const local = await localScanOnce(options);
  log(`scan once, local path (${options.records} records/day, 8 days): first report ${local.firstMs} ms, second ${local.secondMs} ms, ${local.ratio.toFixed(1)}x faster (target >= 5x), same findings and totals: ${local.same}`);
  return {
    athenaStatements: athena.runs.map((r) => r.length),
    athenaRawStatements: athena.rawStatements,
    naiveRawStatements: athena.naiveRawStatements,
    naiveRawPartitionReads: athena.naiveRawPartitionReads,
    localFirstMs: local.firstMs,
    localSecondMs: local.secondMs,
    localRatio: Number(local.ratio.toFixed(2)),
    localSameResults: local.same,
  };
}
