import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import type { UtcDay } from '../../src/lib/dates.js';
import type { StagedRowsRecord } from '../../src/lib/ports.js';
import type { Report } from '../../src/lib/report/model.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { reportWindow } from '../../src/lib/report/window.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { writeSample } from '../../src/sample/write-sample.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { openLocal } from '../../src/lib/wiring/local.js';
import { flow, flowLogText } from '../support/flow-log-files.js';

/**
 * Scan once on the local engine, with the sample's gz files: the report of a day stages the next
 * folder's early rows and keeps them; the next day's report builds that folder's rollup from its
 * other files plus those staged rows, so each file is read once. Totals are checked against a
 * plain DuckDB count of every record by its start time, straight from the files.
 */
let dataDir: string;
let manifest: SampleManifest;
const stateDirs: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flowlog-scan-once-'));
  manifest = await writeSample({ out: dataDir, days: 3, recordsPerDay: 20_000, endDate: '2026-11-20' });
}, 120_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

/** Records whose start falls in [start, end), counted from every gz file there is now. */
async function startedIn(startEpoch: number, endEpoch: number): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM read_csv('${dataDir}/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz', delim = ' ', header = true, nullstr = '-', quote = '', escape = '', columns = {'version': 'INTEGER', 'account': 'VARCHAR', 'eni': 'VARCHAR', 'src': 'VARCHAR', 'dst': 'VARCHAR', 'sp': 'INTEGER', 'dp': 'INTEGER', 'proto': 'INTEGER', 'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'status': 'VARCHAR'}) WHERE start >= ${startEpoch} AND start < ${endEpoch}`,
    );
    return Number(reader.getRowObjectsJS()[0]?.n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

interface Run {
  readonly report: Report;
  /** The staged-rows records the ledger keeps after the run, by day. */
  readonly kept: ReadonlyMap<UtcDay, StagedRowsRecord>;
  /** Rows under `early-` build ids in the builds table after the run. */
  readonly stagedRows: number;
}

async function report(state: string, date: string, now: string): Promise<Run> {
  const core = loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dataDir, FLOWLOG_STATE_DIR: state });
  const handle = await openLocal(core);
  try {
    const result = await runReport(
      {
        engine: handle.engine,
        catalog: handle.catalog,
        layout: handle.layout,
        database: core.database,
        table: core.table,
        config: loadReportConfig({}),
        now: () => new Date(now),
        rollup: { table: core.rollup.table, catalog: handle.rollupCatalog, settleMinutes: core.rollup.settleMinutes, ledger: handle.rollupLedger, objectStore: handle.objectStore },
      },
      { date, timezone: 'UTC' },
    );
    const kept = (await handle.rollupLedger.stagedRows?.(['2026-11-20', '2026-11-21'] as UtcDay[])) ?? new Map();
    const stagedRows = Number((await handle.engine.execute("SELECT count(*) AS n FROM flowlogs.vpc_flow_logs_rollup_builds WHERE build LIKE 'early-%'")).rows[0]?.n);
    return { report: result, kept, stagedRows };
  } finally {
    await handle.close();
  }
}

const freshState = () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlog-scan-once-state-'));
  stateDirs.push(dir);
  return dir;
};
const folderOf = (day: string) => manifest.folders.find((f) => f.day === day);
const sizeOf = (day: string, names: readonly string[]) => names.reduce((sum, name) => sum + statSync(join(dataDir, folderOf(day)?.path ?? '', name)).size, 0);
const buildOf = (r: Report) => r.queries.filter((q) => q.name.startsWith('rollup-build'));

describe('scan once on the local engine', () => {
  let first: Run;
  let second: Run;

  beforeAll(async () => {
    const state = freshState();
    first = await report(state, '2026-11-19', '2026-11-20T09:30:00Z');
    second = await report(state, '2026-11-20', '2026-11-21T09:30:00Z');
  }, 120_000);

  it("when a report stages the next folder's early rows, it keeps them in the ledger for that folder's build, naming exactly the early files read", () => {
    // Prepare
    const early = (folderOf('2026-11-20')?.files ?? []).filter((name) => /_20261120T00[0-2][0-9]Z_|_20261120T0030Z_/.test(name));

    // Act
    const record = first.kept.get('2026-11-20' as UtcDay);

    // Assess
    expect(first.report.queries.filter((q) => q.name.startsWith('early-')).map((q) => q.name)).toEqual(['early-stage 2026-11-20', 'early-rows 2026-11-20']);
    expect(record?.build).toBe('early-20261120T093000000Z');
    expect(record?.stagedAt).toBe('2026-11-20T09:30:00.000Z');
    expect(record?.files.map((f) => f.path.split('/').pop()).sort()).toEqual([...early].sort());
    expect(early.length).toBeGreaterThan(0);
    expect(first.stagedRows).toBeGreaterThan(0);
    expect(first.report.warnings.filter((w) => w.includes('staged') || w.includes('early'))).toEqual([]);
  });

  it("when the folder's own build runs within the margin, it reads only the files not staged, adds the staged rows, and the day's totals equal the records that started that day", async () => {
    // Prepare
    const window = reportWindow('2026-11-20', 'UTC');
    const files = folderOf('2026-11-20')?.files ?? [];
    const staged = first.kept.get('2026-11-20' as UtcDay)?.files.map((f) => f.path.split('/').pop() ?? '') ?? [];

    // Act
    const builds = buildOf(second.report);

    // Assess
    expect(builds.map((b) => `${b.name} ${b.status}`)).toEqual(['rollup-build 2026-11-20 succeeded']);
    expect(builds[0]?.bytesScanned).toBe(
      sizeOf(
        '2026-11-20',
        files.filter((name) => !staged.includes(name)),
      ),
    );
    expect(second.report.totals.records).toBe(await startedIn(window.startEpoch, window.endEpoch));
  });

  it('when the build used the staged rows, the ledger lets them go and the builds table no longer holds them', () => {
    // The sample's last folder is 2026-11-20: the second report has no later folder to stage.
    expect(folderOf('2026-11-21')).toBeUndefined();
    expect(second.kept.size).toBe(0);
    expect(second.stagedRows).toBe(0);
    expect(second.report.queries.filter((q) => q.name.startsWith('rollup-unstage')).every((q) => q.status === 'succeeded')).toBe(true);
    expect(second.report.warnings.filter((w) => w.includes('staged'))).toEqual([]);
  });
});

describe('scan once on the local engine: when staged rows are not trusted', () => {
  it.each([
    ['43 h 59 min 59.999 s', '2026-11-22T05:29:59.999Z', true],
    ['exactly 44 h', '2026-11-22T05:30:00.000Z', false],
  ])(
    'when the folder is built %s after its early rows were staged, it reuses them only below 44 h, and the totals are exact either way',
    async (_, now, reused) => {
      // Prepare
      const state = freshState();
      const window = reportWindow('2026-11-20', 'UTC');
      const files = folderOf('2026-11-20')?.files ?? [];
      const staging = await report(state, '2026-11-19', '2026-11-20T09:30:00Z');
      const staged = staging.kept.get('2026-11-20' as UtcDay)?.files.map((f) => f.path.split('/').pop() ?? '') ?? [];

      // Act
      const built = await report(state, '2026-11-20', now);

      // Assess
      const bytes = buildOf(built.report)[0]?.bytesScanned;
      expect(bytes).toBe(
        reused
          ? sizeOf(
              '2026-11-20',
              files.filter((name) => !staged.includes(name)),
            )
          : sizeOf('2026-11-20', files),
      );
      expect(built.report.totals.records).toBe(await startedIn(window.startEpoch, window.endEpoch));
      expect(built.report.warnings.filter((w) => w.startsWith('the early rows staged for 2026-11-20 were not reused'))).toEqual(
        reused
          ? []
          : [
              'the early rows staged for 2026-11-20 were not reused (they were staged 44.0 h ago, not under 44 h (the lifecycle rule may have expired them)); its build read every file of the folder',
            ],
      );
      expect(built.kept.has('2026-11-20' as UtcDay)).toBe(false);
    },
    120_000,
  );

  it('when an early file is added to the folder after the staging, the build reads that file raw and counts its records once', async () => {
    // Prepare
    const state = freshState();
    const window = reportWindow('2026-11-20', 'UTC');
    const folder = folderOf('2026-11-20');
    await report(state, '2026-11-19', '2026-11-20T09:30:00Z');
    const name = (folder?.files[0] ?? '').replace(/_20261120T[0-9]{4}Z_[^/]*$/, '_20261120T0010Z_added.log.gz');
    const start = Date.parse('2026-11-20T00:03:00Z') / 1000;
    const added = Array.from({ length: 37 }, (_, i) => flow({ start: start + i, end: start + 60, srcport: 30_000 + i }));
    const path = join(dataDir, folder?.path ?? '', name);
    await writeFile(path, gzipSync(flowLogText(added)));

    // Act
    const built = await report(state, '2026-11-20', '2026-11-21T09:30:00Z').finally(() => rmSync(path));

    // Assess
    expect(name).toMatch(/_20261120T0010Z_added\.log\.gz$/);
    expect(buildOf(built.report).map((b) => b.status)).toEqual(['succeeded']);
    // The count is taken with the added file still there, so its 37 records are in the expected total.
    await writeFile(path, gzipSync(flowLogText(added)));
    const expected = await startedIn(window.startEpoch, window.endEpoch);
    rmSync(path);
    expect(built.report.totals.records).toBe(expected);
    expect(expected).toBe((await startedIn(window.startEpoch, window.endEpoch)) + 37);
  }, 120_000);
});
