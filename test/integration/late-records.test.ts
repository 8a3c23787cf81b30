import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig, type FlowlogConfig } from '../../src/lib/config.js';
import { openLocal } from '../../src/lib/wiring/local.js';
import type { QueryEngine, RollupLedger } from '../../src/lib/ports.js';
import type { Report } from '../../src/lib/report/model.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { reportWindow } from '../../src/lib/report/window.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { writeSample } from '../../src/sample/write-sample.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';

/**
 * The sample generator files a day's last records into the next day's folder, as AWS does. These
 * tests count every record of the sample by its start time straight from the gz files (one plain
 * DuckDB read of every file, no report code) and compare a day's report with that.
 */
let dataDir: string;
let manifest: SampleManifest;
let starts: bigint[];
const stateDirs: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flowlog-late-'));
  manifest = await writeSample({ out: dataDir, days: 3, recordsPerDay: 20_000, endDate: '2026-11-20' });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `SELECT start FROM read_csv('${dataDir}/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz', delim = ' ', header = true, nullstr = '-', quote = '', escape = '', columns = {'version': 'INTEGER', 'account': 'VARCHAR', 'eni': 'VARCHAR', 'src': 'VARCHAR', 'dst': 'VARCHAR', 'sp': 'INTEGER', 'dp': 'INTEGER', 'proto': 'INTEGER', 'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'status': 'VARCHAR'})`,
  );
  starts = reader.getRowObjectsJS().map((row) => row.start as bigint);
  connection.closeSync();
}, 120_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

const startedIn = (startEpoch: number, endEpoch: number) => starts.filter((s) => s >= BigInt(startEpoch) && s < BigInt(endEpoch)).length;

interface ReportOptions {
  /** Stands in for the engine (a fault injected at its edge); the real one otherwise. */
  readonly engine?: (real: QueryEngine) => QueryEngine;
  /** Looks at the state once the report is done, before the engine closes. */
  readonly after?: (engine: QueryEngine) => Promise<void>;
  /** Stands in for the rollup ledger (a fault injected at its edge); the real one otherwise. */
  readonly ledger?: (real: RollupLedger) => RollupLedger;
}

async function report(date: string, timezone: string, now: string, withRollup: boolean, stateDir?: string, options: ReportOptions = {}): Promise<Report> {
  const state = stateDir ?? mkdtempSync(join(tmpdir(), 'flowlog-late-state-'));
  if (stateDir === undefined) stateDirs.push(state);
  const core: FlowlogConfig = loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dataDir, FLOWLOG_STATE_DIR: state });
  const handle = await openLocal(core);
  try {
    const result = await runReport(
      {
        engine: options.engine === undefined ? handle.engine : options.engine(handle.engine),
        catalog: handle.catalog,
        layout: handle.layout,
        database: core.database,
        table: core.table,
        config: loadReportConfig({}),
        now: () => new Date(now),
        ...(withRollup
          ? {
              rollup: {
                table: core.rollup.table,
                catalog: handle.rollupCatalog,
                settleMinutes: core.rollup.settleMinutes,
                ledger: options.ledger === undefined ? handle.rollupLedger : options.ledger(handle.rollupLedger),
              },
            }
          : {}),
      },
      { date, timezone },
    );
    await options.after?.(handle.engine);
    return result;
  } finally {
    await handle.close();
  }
}

const folderOf = (day: string) => manifest.folders.find((f) => f.day === day);
const sizeOf = (day: string, names: readonly string[]) => names.reduce((sum, name) => sum + statSync(join(dataDir, folderOf(day)?.path ?? '', name)).size, 0);

describe('late records on the local engine, with the sample files', () => {
  it("when the middle of three sample days is reported in UTC, the records filed in the next folder are counted in it, and only that folder's first file is read", async () => {
    // Prepare
    const window = reportWindow('2026-11-19', 'UTC');
    const expected = startedIn(window.startEpoch, window.endEpoch);
    const middle = folderOf('2026-11-19');

    // Act
    const raw = await report('2026-11-19', 'UTC', '2026-11-20T09:30:00Z', false);

    // Assess
    expect(middle?.carriedOut).toBeGreaterThan(50);
    expect(expected).toBe((middle?.records ?? 0) - (middle?.carriedIn ?? 0) + (middle?.carriedOut ?? 0));
    expect(raw.totals.records).toBe(expected);
    expect(raw.window.partitions).toEqual(['2026/11/19', '2026/11/20']);
    const next = folderOf('2026-11-20')?.files ?? [];
    const totals = raw.queries.find((q) => q.name === 'totals');
    expect(next[0]).toMatch(/_20261120T0005Z_/);
    expect(totals?.bytesScanned).toBe(sizeOf('2026-11-19', folderOf('2026-11-19')?.files ?? []) + sizeOf('2026-11-20', next.slice(0, 1)));
  });

  it.each([
    ['the next folder is not complete (its early files are read raw)', '2026-11-20T09:30:00Z', ['2026-11-20']],
    ['the next folder is complete (its rollup rows are read)', '2026-11-21T09:30:00Z', []],
  ])(
    'when the middle day is served from the rollup and %s, the totals still equal the records that started that day',
    async (_, now, rawDays) => {
      // Prepare
      const window = reportWindow('2026-11-19', 'UTC');

      // Act
      const served = await report('2026-11-19', 'UTC', now, true);

      // Assess
      expect(served.queries.filter((q) => q.status === 'failed')).toEqual([]);
      expect(served.totals.records).toBe(startedIn(window.startEpoch, window.endEpoch));
      expect(served.window.rawDays).toEqual(rawDays);
      expect(served.window.rollupDays).toContain('2026-11-19');
    },
    60_000,
  );

  it("when the next folder is not complete, its early files are read once into staged rows that every query reads, and the staged rows are kept for that folder's build", async () => {
    // Prepare
    const window = reportWindow('2026-11-19', 'UTC');
    const next = folderOf('2026-11-20')?.files ?? [];
    let stagedAfter: unknown;

    // Act
    const served = await report('2026-11-19', 'UTC', '2026-11-20T09:30:00Z', true, undefined, {
      after: async (engine) => {
        stagedAfter = (await engine.execute("SELECT count(*) AS n FROM flowlogs.vpc_flow_logs_rollup_builds WHERE build LIKE 'early-%'")).rows[0]?.n;
      },
    });

    // Assess
    expect(served.totals.records).toBe(startedIn(window.startEpoch, window.endEpoch));
    const staging = served.queries.filter((q) => q.name.startsWith('early-'));
    expect(staging.map((q) => `${q.name} ${q.status}`)).toEqual(['early-stage 2026-11-20 succeeded', 'early-rows 2026-11-20 succeeded']);
    expect(staging.find((q) => q.name.startsWith('early-rows'))?.bytesScanned).toBe(sizeOf('2026-11-20', next.slice(0, 1)));
    // No report query reads a raw file: the day is in the rollup, the early files' rows are staged.
    const reportQueries = served.queries.filter((q) => !q.name.startsWith('early-') && !q.name.startsWith('rollup-'));
    expect(reportQueries.length).toBeGreaterThan(10);
    expect(reportQueries.filter((q) => q.bytesScanned > 0)).toEqual([]);
    expect(stagedAfter).toBeGreaterThan(0);
    expect(served.warnings.filter((w) => w.includes('staged'))).toEqual([]);
    // The report's bytes (the builds of its day and of the one sample day before, and the staged early file) beside the day's own gz files.
    const day = folderOf('2026-11-19')?.files ?? [];
    expect(served.rawDay).toEqual({ days: ['2026-11-19'], files: day.length, bytes: sizeOf('2026-11-19', day) });
    expect(served.bytesScanned).toBe(sizeOf('2026-11-18', folderOf('2026-11-18')?.files ?? []) + sizeOf('2026-11-19', day) + sizeOf('2026-11-20', next.slice(0, 1)));
  }, 60_000);

  it('when staging the early rows fails, each query reads the early files as before, the totals are unchanged and a warning says why', async () => {
    // Prepare
    const window = reportWindow('2026-11-19', 'UTC');
    const failStaging = (real: QueryEngine): QueryEngine => ({
      kind: real.kind,
      execute: async (sql, options) => {
        if (options?.label === 'early-rows') throw new Error('Out of Memory Error: could not allocate block');
        return real.execute(sql, options);
      },
    });

    // Act
    const served = await report('2026-11-19', 'UTC', '2026-11-20T09:30:00Z', true, undefined, { engine: failStaging });

    // Assess
    expect(served.queries.filter((q) => q.status === 'failed').map((q) => q.name)).toEqual(['early-rows 2026-11-20']);
    expect(served.totals.records).toBe(startedIn(window.startEpoch, window.endEpoch));
    expect(served.queries.find((q) => q.name === 'totals')?.bytesScanned).toBe(sizeOf('2026-11-20', (folderOf('2026-11-20')?.files ?? []).slice(0, 1)));
    expect(served.warnings).toContainEqual(
      expect.stringMatching(/^the early files of 2026-11-20 could not be staged once for this report \(.*Out of Memory Error.*\); each query read them from the raw logs instead$/),
    );
  }, 60_000);

  it("when the staged rows cannot be recorded for the folder's build and the report stops before dropping them, it says so and the next opening of the state deletes them", async () => {
    // Prepare
    const state = mkdtempSync(join(tmpdir(), 'flowlog-late-state-'));
    stateDirs.push(state);
    const stopBeforeDrop = (real: QueryEngine): QueryEngine => ({
      kind: real.kind,
      execute: async (sql, options) => {
        if (options?.label === 'early-drop') throw new Error('Task timed out after 900.00 seconds');
        return real.execute(sql, options);
      },
    });
    const stagedRows = async (engine: QueryEngine) =>
      (await engine.execute("SELECT count(*) AS n FROM flowlogs.vpc_flow_logs_rollup_builds WHERE build LIKE 'early-%'")).rows[0]?.n;
    let left: unknown;

    const unrecordable = (real: RollupLedger): RollupLedger => ({
      filesOf: (days) => real.filesOf(days),
      recorded: (days) => real.recorded(days),
      record: (records) => real.record(records),
      stagedRows: async () => new Map(),
      keepStagedRows: async () => {
        throw new Error('IO Error: could not write the state file');
      },
      forgetStagedRows: async () => {},
    });

    // Act
    const stopped = await report('2026-11-19', 'UTC', '2026-11-20T09:30:00Z', true, state, {
      engine: stopBeforeDrop,
      ledger: unrecordable,
      after: async (engine) => {
        left = await stagedRows(engine);
      },
    });
    const core = loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dataDir, FLOWLOG_STATE_DIR: state });
    const reopened = await openLocal(core);
    const afterReopen = await stagedRows(reopened.engine).finally(() => reopened.close());

    // Assess
    expect(left).toBeGreaterThan(0);
    expect(stopped.warnings).toContainEqual(
      "the early rows of 2026-11-20 serve this report only (they could not be recorded for the folder's build: unexpected error: IO Error: could not write the state file); the folder's build reads all its files",
    );
    expect(stopped.warnings).toContainEqual(expect.stringMatching(/^the staged early rows of 2026-11-20 \(build early-20261120T093000000Z\) could not be dropped/));
    expect(afterReopen).toBe(0);
  }, 60_000);

  it.each(['Asia/Tokyo', 'Asia/Kolkata'])(
    'when the middle day is taken in %s, raw and rollup reports both count the records that started in its local day',
    async (timezone) => {
      // Prepare
      const window = reportWindow('2026-11-19', timezone);
      const expected = startedIn(window.startEpoch, window.endEpoch);

      // Act
      const raw = await report('2026-11-19', timezone, '2026-11-21T09:30:00Z', false);
      const served = await report('2026-11-19', timezone, '2026-11-21T09:30:00Z', true);

      // Assess
      expect(expected).toBeGreaterThan(15_000);
      expect(raw.totals.records).toBe(expected);
      expect(served.totals.records).toBe(expected);
    },
    90_000,
  );

  it('when three consecutive UTC days are reported with the rollup, each day counts the records that started in it and the three add up to every record of those days', async () => {
    // Prepare
    const state = mkdtempSync(join(tmpdir(), 'flowlog-late-state-'));
    stateDirs.push(state);
    const days = ['2026-11-18', '2026-11-19', '2026-11-20'];

    // Act
    const reports = [];
    for (const day of days) reports.push(await report(day, 'UTC', '2026-11-21T09:30:00Z', true, state));

    // Assess
    const first = reportWindow(days[0] as string, 'UTC');
    const last = reportWindow(days[2] as string, 'UTC');
    expect(reports.map((r) => r.totals.records)).toEqual(
      days.map((day) => {
        const w = reportWindow(day, 'UTC');
        return startedIn(w.startEpoch, w.endEpoch);
      }),
    );
    expect(reports.reduce((sum, r) => sum + r.totals.records, 0)).toBe(startedIn(first.startEpoch, last.endEpoch));
    expect(startedIn(first.startEpoch, last.endEpoch)).toBe(starts.length);
  }, 90_000);
});
