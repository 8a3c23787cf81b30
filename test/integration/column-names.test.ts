import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferedIo } from '../support/cli-io.js';
import { loadCoreConfig } from '../../src/lib/config.js';
import { FIELDS, formatString, type ColumnNaming } from '../../src/lib/flowlog/format.js';
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
import { createdShape } from '../../src/lib/flowlog/raw-table.js';
import { INTEGRATION_KEYS } from '../../src/lib/partitions/layout.js';

const DAY = '2026-11-20';
/** Every field of versions 2 to 8, so the later fields' names are read under both namings too. */
const EVERY_FIELD = formatString(FIELDS);
let root: string;
let manifest: SampleManifest;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flowlog-naming-'));
  manifest = await writeSample({ out: join(root, 'bucket'), endDate: DAY, days: 8, recordsPerDay: 800, format: FIELDS });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const comparable = (report: Report) => ({ totals: report.totals, findings: report.findings, digests: report.digests });

/** Opens the local engine over the sample with a table named one way, runs one report, and closes it. */
async function reportWith(naming: ColumnNaming, withRollup: boolean, state: string): Promise<{ report: Report; columns: string[]; count: number }> {
  const core = loadCoreConfig({
    FLOWLOG_ENGINE: 'local',
    FLOWLOG_DATA_DIR: join(root, 'bucket'),
    FLOWLOG_STATE_DIR: join(root, state),
    FLOWLOG_FORMAT: EVERY_FIELD,
    FLOWLOG_COLUMN_NAMES: naming,
  });
  const handle = await openLocal(core);
  try {
    const report = await runReport(
      {
        engine: handle.engine,
        catalog: handle.catalog,
        layout: handle.layout,
        database: core.database,
        table: core.table,
        shape: handle.shape,
        config: loadReportConfig({}),
        now: () => new Date('2026-11-21T09:30:00Z'),
        // The sample's watchlist, so the watchlist rule runs on both namings too.
        watchlist: SAMPLE_WATCHLIST_ENTRIES,
        ...(withRollup ? { rollup: { table: core.rollup.table, catalog: handle.rollupCatalog, settleMinutes: core.rollup.settleMinutes } } : {}),
      },
      { date: DAY, timezone: 'UTC' },
    );
    const columns = (await handle.engine.execute('SELECT * FROM flowlogs.vpc_flow_logs LIMIT 1')).columns.map((c) => c.name);
    const count = Number((await handle.engine.execute('SELECT count(*) AS n FROM flowlogs.vpc_flow_logs')).rows[0]?.n);
    return { report, columns, count };
  } finally {
    await handle.close();
  }
}

describe('saved queries on a table with either naming (local engine, sample gzip files)', () => {
  it.each([false, true])(
    'when the table has AWS names (rollup %s), every saved query succeeds and gives what the walkthrough-named table gives',
    async (withRollup) => {
      // Act
      const walkthrough = await reportWith('walkthrough', withRollup, `state-w-${withRollup}`);
      const aws = await reportWith('aws', withRollup, `state-a-${withRollup}`);

      // Assess: the tables are named differently...
      expect(walkthrough.columns).toEqual(expect.arrayContaining(['sourceaddress', 'numbytes', 'starttime', 'endtime', 'logstatus', 'pkt_srcaddr', 'reject_reason']));
      expect(aws.columns).toEqual(
        expect.arrayContaining(['account_id', 'interface_id', 'srcaddr', 'dstaddr', 'packets', 'bytes', 'start', 'end', 'log_status', 'pkt_srcaddr', 'reject_reason']),
      );
      expect(aws.columns).not.toContain('sourceaddress');
      // ...hold the same records (every record the sample wrote)...
      expect(aws.count).toBe(manifest.records);
      expect(walkthrough.count).toBe(manifest.records);
      // ...and every saved query runs unchanged on both, with the same results.
      const saved = loadSavedQueries()
        .list()
        .map((q) => q.name)
        .sort();
      for (const { report } of [walkthrough, aws]) {
        const ran = report.queries.filter((q) => saved.includes(q.name));
        expect(ran.map((q) => q.name).sort()).toEqual(saved);
        expect(report.queries.filter((q) => q.status === 'failed')).toEqual([]);
      }
      if (withRollup) expect(aws.report.queries.filter((q) => q.name.startsWith('rollup-build') && q.status === 'succeeded').length).toBeGreaterThan(0);
      expect(aws.report.totals.records).toBeGreaterThan(500);
      expect(aws.report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['port-scan', 'admin-port-exposure']));
      expect(comparable(aws.report)).toEqual(comparable(walkthrough.report));
    },
    120_000,
  );

  it("when the table has AWS names, a user's own query uses them and the walkthrough's names are not found", async () => {
    // Prepare
    const core = loadCoreConfig({
      FLOWLOG_ENGINE: 'local',
      FLOWLOG_DATA_DIR: join(root, 'bucket'),
      FLOWLOG_STATE_DIR: join(root, 'state-own'),
      FLOWLOG_FORMAT: EVERY_FIELD,
      FLOWLOG_COLUMN_NAMES: 'aws',
    });
    const handle = await openLocal(core);
    try {
      await handle.engine.execute(
        `ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '2026/11/20') LOCATION '${join(root, 'bucket', 'AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/20/')}'`,
      );

      // Act
      const own = await handle.engine.execute(
        "SELECT srcaddr, count(*) AS flows, sum(bytes) AS bytes, min(start) AS first, max(\"end\") AS last FROM vpc_flow_logs WHERE action = 'REJECT' AND log_status = 'OK' GROUP BY srcaddr ORDER BY flows DESC LIMIT 3",
      );

      // Assess
      expect(own.rows.length).toBe(3);
      expect(Number(own.rows[0]?.flows)).toBeGreaterThan(0);
      await expect(handle.engine.execute('SELECT sourceaddress FROM vpc_flow_logs LIMIT 1')).rejects.toThrow(/sourceaddress/);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it('when the command line is given --column-names aws, the report and a query with AWS names run on the table it names so', async () => {
    // Prepare
    const flags = ['--data', 'bucket', '--state', 'state-cli', '--format-string', EVERY_FIELD, '--column-names', 'aws'];
    const reportIo = bufferedIo(root);
    const queryIo = bufferedIo(root);
    const wrongIo = bufferedIo(root);

    // Act
    const reportCode = await main(['report', '--date', DAY, '--format', 'json', ...flags], reportIo);
    const queryCode = await main(['query', 'SELECT count(*) AS n FROM vpc_flow_logs WHERE srcaddr IS NOT NULL AND "end" >= start', '--format', 'csv', ...flags], queryIo);
    const wrongCode = await main(['report', '--date', DAY, ...flags.slice(0, -1), 'camel'], wrongIo);

    // Assess
    expect(reportCode).toBe(0);
    const printed = JSON.parse(reportIo.stdout()) as Report;
    expect(printed.queries.filter((q) => q.status === 'failed')).toEqual([]);
    expect(printed.findings.length).toBeGreaterThan(0);
    expect(queryCode).toBe(0);
    expect(Number(/^"n"\n"(\d+)"\n$/.exec(queryIo.stdout())?.[1])).toBeGreaterThan(500);
    expect(wrongCode).not.toBe(0);
    expect(wrongIo.stderr()).toContain('--column-names must be one of walkthrough, aws, got "camel"');
  }, 120_000);

  it("when the table is keyed as the console's Athena integration keys it, the relation derives dt from year, month and day and every saved query gives the same results", async () => {
    // Prepare: the AWS-named local table, and beside it a view keyed like the console's table.
    const core = loadCoreConfig({
      FLOWLOG_ENGINE: 'local',
      FLOWLOG_DATA_DIR: join(root, 'bucket'),
      FLOWLOG_STATE_DIR: join(root, 'state-console'),
      FLOWLOG_FORMAT: EVERY_FIELD,
      FLOWLOG_COLUMN_NAMES: 'aws',
    });
    const handle = await openLocal(core);
    try {
      const deps = {
        engine: handle.engine,
        catalog: handle.catalog,
        layout: handle.layout,
        database: core.database,
        config: loadReportConfig({}),
        now: () => new Date('2026-11-21T09:30:00Z'),
      };
      const plain = await runReport({ ...deps, table: core.table, shape: handle.shape }, { date: DAY, timezone: 'UTC' });
      // Each with the "$path" view beside it, as the local engine keeps for every table (late records pick files by name).
      for (const [view, source] of [
        ['console_table', 'vpc_flow_logs'],
        ['console_table_with_path', 'vpc_flow_logs_with_path'],
      ]) {
        await handle.engine.execute(
          `CREATE VIEW flowlogs.${view} AS SELECT * EXCLUDE (dt), '123456789012' AS "aws-account-id", 'vpcflowlogs' AS "aws-service", 'ap-northeast-1' AS "aws-region", ` +
            `split_part(dt, '/', 1) AS year, split_part(dt, '/', 2) AS month, split_part(dt, '/', 3) AS day FROM flowlogs.${source}`,
        );
      }

      // Act
      const keyed = await runReport({ ...deps, table: 'console_table', shape: createdShape(handle.shape.fields, 'aws', ['dt'], INTEGRATION_KEYS) }, { date: DAY, timezone: 'UTC' });

      // Assess
      expect(keyed.queries.filter((q) => q.status === 'failed')).toEqual([]);
      expect(keyed.totals.records).toBeGreaterThan(500);
      expect(comparable(keyed)).toEqual(comparable(plain));
    } finally {
      await handle.close();
    }
  }, 120_000);
});
