import { readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCoreConfig, type FlowlogConfig } from '../../src/lib/config.js';
import type { UtcDay } from '../../src/lib/dates.js';
import { openLocal, type LocalHandle } from '../../src/lib/wiring/local.js';
import type { Report } from '../../src/lib/report/model.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { ensureRollups } from '../../src/lib/use-cases/ensure-rollups.js';
import { wantedRollupPartitions } from '../../src/lib/rollup/plan.js';
import { addBuildPartitionsSql, buildLocation, buildPartitions, buildRollupSql, setPartitionLocationSql } from '../../src/lib/rollup/statements.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { reportRollup } from '../../src/lib/use-cases/context-deps.js';
import { FlowBucket, flowLine, statusLine } from '../support/flow-log-files.js';

const HOUR = 3600;
const first = Date.parse('2026-11-10T00:00:00Z') / 1000;
/** Thirteen UTC days of records (11-10 .. 11-22), a few late ones, NODATA and SKIPDATA among them. */
function lines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 13 * 48; i += 1) {
    const at = first + i * 1800 + (i % 7) * 60;
    if (i % 17 === 0) out.push(statusLine('NODATA', at));
    else if (i % 29 === 0) out.push(statusLine('SKIPDATA', at));
    else
      out.push(
        flowLine({
          src: i % 5 === 0 ? '203.0.113.9' : '10.0.1.5',
          dst: i % 4 === 0 ? '198.51.100.20' : '10.0.2.9',
          dstPort: [443, 22, 3389, 8080][i % 4] as number,
          bytes: 1000 + i * 37,
          start: at,
          action: i % 3 === 0 ? 'REJECT' : 'ACCEPT',
        }),
      );
  }
  const day20 = Date.parse('2026-11-20T00:00:00Z') / 1000;
  // A port scan and an egress burst on 11-20.
  for (let p = 0; p < 120; p += 1) out.push(flowLine({ src: '203.0.113.50', dst: '10.0.1.10', dstPort: 1000 + p, action: 'REJECT', start: day20 + 5 * HOUR + p }));
  for (let k = 0; k < 5; k += 1) out.push(flowLine({ src: '10.0.3.3', dst: '198.51.100.99', dstPort: 443, bytes: 400_000_000, start: day20 + 9 * HOUR + k }));
  return out;
}

/** Records of the last minutes of 11-20 delivered into the 11-21 folder (late delivery). */
function lateLines(): string[] {
  const late = Date.parse('2026-11-20T23:58:00Z') / 1000;
  return [
    flowLine({ src: '10.0.1.7', dst: '10.0.2.9', dstPort: 443, bytes: 777, start: late }),
    flowLine({ src: '10.0.1.7', dst: '10.0.2.9', dstPort: 443, bytes: 778, start: late + 30 }),
  ];
}

function gzFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.gz'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

const comparable = (report: Report) => ({ totals: report.totals, findings: report.findings, digests: report.digests });

describe('the daily rollup on the local engine', () => {
  let bucket: FlowBucket;
  let stateDir: string;
  let handle: LocalHandle | undefined;

  const setUp = () => {
    bucket = new FlowBucket().write(lines()).writeDay('2026/11/21', lateLines());
    stateDir = mkdtempSync(join(tmpdir(), 'flowlog-rollup-state-'));
  };
  const config = (): FlowlogConfig => loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: bucket.dir, FLOWLOG_STATE_DIR: stateDir, FLOWLOG_ROLLUP_SETTLE_MINUTES: '30' });
  /** What ensureRollups needs on the opened local state, on 2026-11-22. */
  const rollupDeps = (open: LocalHandle, core: FlowlogConfig) => ({
    engine: open.engine,
    rollupCatalog: open.rollupCatalog,
    layout: open.layout,
    database: core.database,
    table: core.table,
    rollupTable: core.rollup.table,
    settleMinutes: 30,
    now: () => new Date('2026-11-22T00:00:00Z'),
  });
  const report = async (date: string, timezone: string, now: Date, withRollup: boolean): Promise<Report> => {
    const core = config();
    handle = await openLocal(core);
    try {
      return await runReport(
        {
          engine: handle.engine,
          catalog: handle.catalog,
          layout: handle.layout,
          database: core.database,
          table: core.table,
          config: loadReportConfig({ FLOWLOG_EGRESS_SPIKE_MIN_BYTES: '1000000', FLOWLOG_REJECT_SPIKE_MIN_RECORDS: '10', FLOWLOG_PORT_SCAN_MIN_PORTS: '100' }),
          now: () => now,
          // The CLI's and the Lambda's wiring: the rollup with its ledger of each day's files.
          ...(withRollup ? { rollup: reportRollup(handle) } : {}),
        },
        { date, timezone },
      );
    } finally {
      await handle.close();
      handle = undefined;
    }
  };

  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    rmSync(bucket.dir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('when a UTC report runs a second time after its gz files are deleted, it builds nothing and gives the same findings and totals', async () => {
    // Prepare
    setUp();
    // The day after the next: the next folder (late records of 11-20's last minutes) is built too.
    const now = new Date('2026-11-22T09:30:00Z');
    const firstReport = await report('2026-11-20', 'UTC', now, true);

    // Act
    for (const file of gzFiles(bucket.dir)) rmSync(file);
    const second = await report('2026-11-20', 'UTC', now, true);

    // Assess
    // The local engine builds day by day (a build of several days outgrew DuckDB's memory limit): nine builds of one day.
    expect(firstReport.queries.filter((q) => q.name.startsWith('rollup-build')).map((q) => q.name.split(' ')[1]?.split(',').length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(firstReport.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['egress-spike', 'port-scan']));
    expect(second.queries.some((q) => q.name.startsWith('rollup-build'))).toBe(false);
    expect(second.queries.reduce((sum, q) => sum + q.bytesScanned, 0)).toBe(0);
    expect(comparable(second)).toEqual(comparable(firstReport));
    expect(second.window.rollupDays).toEqual(['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']);
    expect(second.window.rawDays).toEqual([]);
    // Every raw file is gone: each day keeps its stored rollup, and the report says so.
    expect(second.warnings.filter((w) => w.startsWith('the raw files of '))).toHaveLength(9);
  });

  it.each([
    // UTC: the next folder is not complete yet, so its early files are read raw for the late records.
    ['UTC', '2026-11-21T09:30:00Z', 1],
    ['Asia/Tokyo', '2026-11-21T00:30:00Z', 0],
    ['America/Los_Angeles', '2026-11-21T17:30:00Z', 1],
    ['Asia/Kolkata', '2026-11-21T04:00:00Z', 9],
  ])('when the report is taken in %s at its 09:30, findings and totals from the rollup equal those from the raw table', async (timezone, nowText, rawDays) => {
    // Prepare
    setUp();
    const now = new Date(nowText);

    // Act
    const raw = await report('2026-11-20', timezone, now, false);
    const served = await report('2026-11-20', timezone, now, true);

    // Assess
    expect(served.queries.filter((q) => q.status === 'failed')).toEqual([]);
    expect(raw.totals.records).toBeGreaterThan(40);
    expect(comparable(served)).toEqual(comparable(raw));
    expect(served.window.rawDays).toHaveLength(rawDays);
  });

  it('when the rollup of a range is ensured twice, the second run writes nothing; a rebuild replaces each day without duplicates', async () => {
    // Prepare
    setUp();
    const core = config();
    handle = await openLocal(core);
    const days = ['2026-11-18', '2026-11-19', '2026-11-20'] as UtcDay[];
    await runReport(
      {
        engine: handle.engine,
        catalog: handle.catalog,
        layout: handle.layout,
        database: core.database,
        table: core.table,
        config: loadReportConfig({}),
        now: () => new Date('2026-11-19T12:00:00Z'),
      },
      { date: '2026-11-20', timezone: 'UTC' },
    );
    const deps = rollupDeps(handle, core);
    const count = async () => (await handle!.engine.execute('SELECT count(*) AS n, sum(flows) AS flows FROM flowlogs.vpc_flow_logs_rollup')).rows[0];

    // Act
    const built = await ensureRollups(deps, { days });
    const afterBuild = await count();
    const again = await ensureRollups(deps, { days });
    const rebuilt = await ensureRollups(deps, { days, rebuild: true });
    const afterRebuild = await count();

    // Assess
    expect(built.builtDays).toEqual(days);
    expect(built.statements.map((s) => s.kind)).toEqual(['stage', 'build', 'switch', 'unstage', 'stage', 'build', 'switch', 'unstage']);
    expect(again.statements).toEqual([]);
    // Each build, then each existing partition switched to it in one statement, after the build.
    expect(rebuilt.statements.map((s) => s.kind)).toEqual(['stage', 'build', 'switch', 'unstage', 'stage', 'build', 'switch', 'switch', 'unstage']);
    expect(afterRebuild).toEqual(afterBuild);
    // The builds table holds exactly the rows the rollup reads: nothing of the replaced builds is left.
    expect((await handle.engine.execute('SELECT count(*) AS n FROM flowlogs.vpc_flow_logs_rollup_builds')).rows[0]?.n).toBe(afterRebuild?.n);
    expect(Number(afterBuild?.flows)).toBeGreaterThan(100);
  });

  it('when a rebuild has written its rows but is not switched yet, the rollup still reads the old build; the switch shows the new rows at once and deletes the old ones', async () => {
    // Prepare
    setUp();
    const core = config();
    handle = await openLocal(core);
    const day = '2026-11-19' as UtcDay;
    const deps = rollupDeps(handle, core);
    await ensureRollups(deps, { days: [day] });
    const tables = { database: core.database, table: core.table, rollupTable: core.rollup.table, keys: handle.layout.keys };
    const partitions = wantedRollupPartitions(handle.layout, [day]);
    const location = (await handle.rollupCatalog.describeTable()).location ?? '';
    const rows = async (sql: string) => (await handle!.engine.execute(sql)).rows;
    const rollupRows = () => rows("SELECT count(*) AS n, sum(flows) AS flows FROM flowlogs.vpc_flow_logs_rollup WHERE dt = '2026/11/19'");
    const builds = () => rows("SELECT build, count(*) AS n FROM flowlogs.vpc_flow_logs_rollup_builds WHERE dt = '2026/11/19' GROUP BY build ORDER BY build");
    const before = await rollupRows();
    const [oldBuild] = await builds();

    // Act
    for (const sql of addBuildPartitionsSql(tables, buildPartitions(location, tables.keys, partitions, 'next'))) await handle.engine.execute(sql);
    await handle.engine.execute(buildRollupSql(tables, [day], partitions, 'next'));
    const whileBuilt = await rollupRows();
    const bothBuilds = await builds();
    await handle.engine.execute(setPartitionLocationSql(tables, partitions[0]!, buildLocation(location, tables.keys, partitions[0]!, 'next')));

    // Assess
    expect(whileBuilt).toEqual(before);
    expect(bothBuilds.map((b) => b.build)).toEqual([oldBuild?.build, 'next']);
    expect(await rollupRows()).toEqual(before);
    expect(await builds()).toEqual([{ build: 'next', n: oldBuild?.n }]);
    expect(await handle.rollupCatalog.listPartitions({ from: day, to: day })).toEqual([{ values: { dt: '2026/11/19' }, location: '' }]);
  });

  it('when the state file was written while the rollup was a table, opening it keeps every built day and its rows, now read through the builds table', async () => {
    // Prepare
    setUp();
    const core = config();
    handle = await openLocal(core);
    const days = ['2026-11-18', '2026-11-19'] as UtcDay[];
    const deps = rollupDeps(handle, core);
    await ensureRollups(deps, { days });
    const summary = 'SELECT dt, count(*) AS n, sum(flows) AS flows, sum(bytes) AS bytes FROM flowlogs.vpc_flow_logs_rollup GROUP BY dt ORDER BY dt';
    const before = (await handle.engine.execute(summary)).rows;
    await handle.close();
    handle = undefined;
    // The layout before this change: the rollup a table of its own rows, no current table.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`ATTACH '${join(stateDir, 'state.duckdb')}' AS s`);
    await connection.run('CREATE TABLE s.flowlogs.old_rollup AS SELECT * FROM s.flowlogs.vpc_flow_logs_rollup');
    await connection.run('DROP VIEW s.flowlogs.vpc_flow_logs_rollup');
    await connection.run('DROP TABLE s.flowlogs.vpc_flow_logs_rollup_current');
    await connection.run('DELETE FROM s.flowlogs.vpc_flow_logs_rollup_builds');
    await connection.run('ALTER TABLE s.flowlogs.old_rollup RENAME TO vpc_flow_logs_rollup');
    connection.closeSync();
    instance.closeSync();

    // Act
    handle = await openLocal(core);
    const after = (await handle.engine.execute(summary)).rows;
    const again = await ensureRollups({ ...deps, engine: handle.engine, rollupCatalog: handle.rollupCatalog }, { days });

    // Assess
    expect(before).toHaveLength(2);
    expect(after).toEqual(before);
    expect(again.statements).toEqual([]);
    expect(again.rollupDays).toEqual(days);
  });
});
