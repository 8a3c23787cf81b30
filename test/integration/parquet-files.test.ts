/**
 * Parquet delivery on the local engine: `sample --file-format parquet` writes each file as AWS
 * delivers it in Parquet, the local table reads `.log.parquet` files (DuckDB's built-in reader,
 * nothing downloaded), and every saved query gives on them what it gives on the same sample in text.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadCoreConfig } from '../../src/lib/config.js';
import { openLocal } from '../../src/lib/wiring/local.js';
import type { Report } from '../../src/lib/report/model.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { loadSavedQueries } from '../../src/lib/report/saved-queries.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { writeSample } from '../../src/sample/write-sample.js';
import { SAMPLE_WATCHLIST } from '../../src/sample/incidents.js';
import { parseWatchlist } from '../../src/lib/report/watchlist-file.js';

/** The sample's watchlist as the demo writes it (CIDR,label lines), parsed as the CLI parses it. */
const SAMPLE_WATCHLIST_ENTRIES = parseWatchlist(SAMPLE_WATCHLIST.map((e) => `${e.cidr},${e.label}`).join('\n'), 'watchlist.txt');
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { bufferedIo } from '../support/cli-io.js';

const DAY = '2026-11-20';
let root: string;
let text: SampleManifest;
let parquet: SampleManifest;

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flowlog-parquet-'));
  text = await writeSample({ out: join(root, 'text'), endDate: DAY, days: 8, recordsPerDay: 800 });
  parquet = await writeSample({ out: join(root, 'parquet'), endDate: DAY, days: 8, recordsPerDay: 800, fileFormat: 'parquet' });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function report(data: string, state: string, partitioning = 'managed'): Promise<{ report: Report; count: number }> {
  const core = loadCoreConfig({
    FLOWLOG_ENGINE: 'local',
    FLOWLOG_DATA_DIR: join(root, data),
    FLOWLOG_STATE_DIR: join(root, state),
    FLOWLOG_COLUMN_NAMES: 'aws',
    FLOWLOG_PARTITIONING: partitioning,
  });
  const handle = await openLocal(core);
  try {
    const result = await runReport(
      {
        engine: handle.engine,
        catalog: handle.catalog,
        layout: handle.layout,
        database: core.database,
        table: core.table,
        shape: handle.shape,
        config: loadReportConfig({}),
        now: () => new Date('2026-11-21T09:30:00Z'),
        watchlist: SAMPLE_WATCHLIST_ENTRIES,
      },
      { date: DAY, timezone: 'UTC' },
    );
    const count = Number((await handle.engine.execute('SELECT count(*) AS n FROM flowlogs.vpc_flow_logs')).rows[0]?.n);
    return { report: result, count };
  } finally {
    await handle.close();
  }
}

describe('Parquet flow-log files (sample and local engine)', () => {
  it('when DuckDB is asked for its extensions offline, parquet is statically linked (nothing to download)', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll("SELECT install_mode, loaded FROM duckdb_extensions() WHERE extension_name = 'parquet'")).getRowObjects();
    connection.closeSync();
    instance.closeSync();
    expect(rows).toEqual([{ install_mode: 'STATICALLY_LINKED', loaded: true }]);
  });

  it("when the sample is written as Parquet, each text file has its Parquet twin named as AWS names it, with AWS's column names and types and the same records", async () => {
    const files = filesUnder(join(root, 'parquet', 'AWSLogs'));
    expect(files.length).toBe(text.files);
    expect(files.filter((f) => !/\/\d{12}_vpcflowlogs_[a-z0-9-]+_fl-[0-9a-f]+_\d{8}T\d{4}Z_[0-9a-f]+\.log\.parquet$/.test(f))).toEqual([]);
    expect(parquet.folders.flatMap((f) => f.files).every((name) => name.endsWith('.log.parquet'))).toBe(true);
    expect(parquet.records).toBe(text.records);
    // Every file starts and ends with PAR1 and is gzip-compressed inside, as AWS delivers it.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const schema = (await connection.runAndReadAll(`SELECT name, type FROM parquet_schema('${files[0]}') WHERE num_children IS NULL`)).getRowObjects();
      expect(schema.map((c) => `${c.name} ${c.type}`)).toEqual([
        'version INT32',
        'account_id BYTE_ARRAY',
        'interface_id BYTE_ARRAY',
        'srcaddr BYTE_ARRAY',
        'dstaddr BYTE_ARRAY',
        'srcport INT32',
        'dstport INT32',
        'protocol INT64',
        'packets INT64',
        'bytes INT64',
        'start INT64',
        'end INT64',
        'action BYTE_ARRAY',
        'log_status BYTE_ARRAY',
      ]);
      const codecs = (await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${files[0]}')`)).getRowObjects();
      expect(codecs).toEqual([{ compression: 'GZIP' }]);
      const counted = (await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`)).getRowObjects();
      expect(Number(counted[0]?.n)).toBe(text.records);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('when every saved query runs on the Parquet sample, it gives the same totals, findings and digests as on the same sample in text', async () => {
    const fromText = await report('text', 'state-text');
    const fromParquet = await report('parquet', 'state-parquet');
    expect(fromParquet.count).toBe(parquet.records);
    expect(fromText.count).toBe(text.records);
    const saved = loadSavedQueries()
      .list()
      .map((q) => q.name)
      .sort();
    expect(
      fromParquet.report.queries
        .filter((q) => saved.includes(q.name))
        .map((q) => q.name)
        .sort(),
    ).toEqual(saved);
    expect(fromParquet.report.queries.filter((q) => q.status === 'failed')).toEqual([]);
    expect(fromParquet.report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['port-scan', 'admin-port-exposure']));
    const comparable = (r: Report) => ({ totals: r.totals, findings: r.findings, digests: r.digests });
    expect(comparable(fromParquet.report)).toEqual(comparable(fromText.report));
  }, 120_000);

  it("when the settings say partitioning=projection (a projected stack's, run locally), the local engine still registers its days and reads them all", async () => {
    const projected = await report('parquet', 'state-projected', 'projection');
    // The window's day, its 7 baseline days and the next folder (late records).
    expect(projected.report.warnings.filter((w) => w.includes('partition'))).toEqual(['9 missing partitions were added before the report ran']);
    expect(projected.count).toBe(parquet.records);
  }, 120_000);

  it('when one day holds text and Parquet files (two flow logs into one folder), both are read and counted', async () => {
    // Prepare: the text sample's last day gains one Parquet file of another flow log.
    const day = join(root, 'text', 'AWSLogs', '123456789012', 'vpcflowlogs', 'ap-northeast-1', '2026', '11', '20');
    const parquetDay = join(root, 'parquet', 'AWSLogs', '123456789012', 'vpcflowlogs', 'ap-northeast-1', '2026', '11', '20');
    const [one] = readdirSync(parquetDay).sort();
    const copy = join(day, one!.replace('_fl-', '_fl-other'));
    writeFileSync(copy, readFileSync(join(parquetDay, one!)));
    try {
      const inst = await DuckDBInstance.create(':memory:');
      const c = await inst.connect();
      const extra = Number((await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${copy}')`)).getRowObjects()[0]?.n);
      c.closeSync();
      inst.closeSync();
      // Act
      const mixed = await report('text', 'state-mixed');
      // Assess
      expect(extra).toBeGreaterThan(0);
      expect(mixed.count).toBe(text.records + extra);
    } finally {
      rmSync(copy);
    }
  }, 120_000);

  it('when a Parquet file is cut short, it is skipped and named, and the other files are still read', async () => {
    const data = join(root, 'cut');
    await writeSample({ out: data, endDate: DAY, days: 1, recordsPerDay: 400, fileFormat: 'parquet' });
    const [victim] = filesUnder(join(data, 'AWSLogs')).sort();
    const bytes = readFileSync(victim!);
    writeFileSync(victim!, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const core = loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: data, FLOWLOG_STATE_DIR: join(root, 'state-cut'), FLOWLOG_COLUMN_NAMES: 'aws' });
    const handle = await openLocal(core);
    try {
      await handle.engine.execute(
        `ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '2026/11/20') LOCATION '${join(data, 'AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/20/')}'`,
      );
      const result = await handle.engine.execute('SELECT count(*) AS n FROM flowlogs.vpc_flow_logs');
      expect(Number(result.rows[0]?.n)).toBeGreaterThan(0);
      expect(result.warnings.join('\n')).toContain(victim!.split('/').at(-1)!);
      expect(result.warnings.join('\n')).toMatch(/truncated/);
    } finally {
      await handle.close();
    }
  }, 120_000);

  it('when the command line is given --file-format parquet, it writes .log.parquet files; a wrong value is refused naming the flag', async () => {
    const io = bufferedIo(root);
    const wrong = bufferedIo(root);
    const code = await main(['sample', '--out', 'cli', '--date', DAY, '--records', '200', '--file-format', 'parquet'], io);
    const wrongCode = await main(['sample', '--out', 'cli-wrong', '--date', DAY, '--file-format', 'orc'], wrong);
    expect(code).toBe(0);
    const files = filesUnder(join(root, 'cli', 'AWSLogs'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.endsWith('.log.parquet') && statSync(f).size > 0)).toBe(true);
    expect(wrongCode).not.toBe(0);
    expect(wrong.stderr()).toContain('--file-format');
  }, 60_000);
});
