import { afterEach, describe, expect, it, vi } from 'vitest';
import { withRollupAnswer } from '../../src/lib/partitions/answer.js';
import type { UtcDay } from '../../src/lib/dates.js';
import { FlowlogError, QueryError } from '../../src/lib/errors.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import type { FolderDeletion, ObjectStore, PartitionCatalog, QueryEngine, QueryResult, ReadWarning, RollupDayRecord, RollupLedger, SourceFile } from '../../src/lib/ports.js';
import { ensureRollups } from '../../src/lib/use-cases/ensure-rollups.js';

const layout = layoutFor([{ account: '123456789012', region: 'ap-northeast-1', root: sourceRoot('s3://logs', '', '123456789012', 'ap-northeast-1') }]);
const emptyCatalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs_rollup', partitionKeys: ['dt'], columns: [], location: 's3://results/rollup/' }),
  listPartitions: async () => [],
};
/** What ensureRollups needs for the one raw table and rollup of these tests, on 2026-11-26. */
const rollupDeps = (engine: QueryEngine, rollupCatalog: PartitionCatalog = emptyCatalog) => ({
  engine,
  rollupCatalog,
  layout,
  database: 'flowlogs',
  table: 'vpc_flow_logs',
  rollupTable: 'vpc_flow_logs_rollup',
  settleMinutes: 30,
  now: () => new Date('2026-11-26T00:00:00Z'),
});
const ok: QueryResult = { queryId: 'q', columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 1000, durationMs: 1, warnings: [] };

/** An engine whose build of the days in `failing` fails, as a bytes-scanned cutoff would. */
function engineFailingOn(failing: string): QueryEngine & { sql: string[] } {
  const sql: string[] = [];
  return {
    kind: 'athena',
    sql,
    async execute(text) {
      sql.push(text);
      if (text.startsWith('INSERT') && text.includes(failing)) throw new QueryError('Athena query q-9 (rollup-build) was cancelled by the bytes-scanned limit');
      return ok;
    },
  };
}

describe('ensureRollups', () => {
  it('when a build statement fails, its days are read raw and named, and the other builds still run', async () => {
    const engine = engineFailingOn("'2026/11/20'");
    const days = ['2026-11-20', '2026-11-21'] as UtcDay[];
    const deps = rollupDeps(engine);

    const result = await ensureRollups({ ...deps }, { days: [days[0] as UtcDay] });
    const second = await ensureRollups({ ...deps }, { days: [days[1] as UtcDay] });

    expect(result.failedDays).toEqual(['2026-11-20']);
    expect(result.rollupDays).toEqual([]);
    expect(result.rawDays).toEqual(['2026-11-20']);
    expect(result.statements.filter((s) => s.status === 'failed').map((s) => [s.kind, s.error])).toEqual([
      ['build', 'Athena query q-9 (rollup-build) was cancelled by the bytes-scanned limit'],
    ]);
    expect(second.failedDays).toEqual([]);
    expect(second.rollupDays).toEqual(['2026-11-21']);
  });

  it('when the INSERT of a build fails, nothing the reports read points at its files: no rollup partition is added or moved, its builds-table partitions are dropped, and its folder is listed as unreferenced', async () => {
    // Prepare
    const engine = engineFailingOn("'2026/11/20'");
    const deps = rollupDeps(engine);

    // Act
    const result = await ensureRollups(deps, { days: ['2026-11-20' as UtcDay] });

    // Assess
    const touchingRollup = engine.sql.filter((sql) => /^(INSERT INTO|ALTER TABLE) flowlogs\.vpc_flow_logs_rollup\s/.test(sql));
    expect(touchingRollup).toEqual([]);
    expect(result.statements.map((s) => [s.kind, s.status])).toEqual([
      ['stage', 'succeeded'],
      ['build', 'failed'],
      ['unstage', 'succeeded'],
    ]);
    expect(engine.sql[0]).toContain(
      "ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds ADD IF NOT EXISTS\nPARTITION (build = '20261126T000000000Z', dt = '2026/11/20') LOCATION 's3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/'",
    );
    expect(engine.sql[2]).toBe("ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds DROP IF EXISTS PARTITION (build = '20261126T000000000Z', dt = '2026/11/20')");
    expect(result.unreferenced).toEqual(['s3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/']);
    expect(result.failedDays).toEqual(['2026-11-20']);
  });

  it('when a built day is rebuilt, the INSERT writes a folder of its own and only after it succeeded one SET LOCATION switches the day to it; the old folder is listed as unreferenced', async () => {
    // Prepare
    const engine = engineFailingOn('never');
    const old = 's3://results/rollup/builds/20261122T000000000Z/dt=2026%2F11%2F20/';
    const built: PartitionCatalog = { ...emptyCatalog, listPartitions: async () => [{ values: { dt: '2026/11/20' }, location: old }] };
    const deps = rollupDeps(engine, built);

    // Act
    const result = await ensureRollups(deps, { days: ['2026-11-20' as UtcDay], rebuild: true });

    // Assess
    expect(result.statements.map((s) => s.kind)).toEqual(['stage', 'build', 'switch', 'unstage']);
    expect(engine.sql[1]).toMatch(/^INSERT INTO flowlogs\.vpc_flow_logs_rollup_builds\n/);
    expect(engine.sql[2]).toBe(
      "ALTER TABLE flowlogs.vpc_flow_logs_rollup PARTITION (dt = '2026/11/20') SET LOCATION 's3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/'",
    );
    expect(result.unreferenced).toEqual([old]);
    expect(result.rollupDays).toEqual(['2026-11-20']);
  });

  describe('removing orphaned build folders', () => {
    /** An object store that records what it is asked to delete; folders in `refusing` fail. */
    function memoryStore(refusing: readonly string[] = []): ObjectStore & { deleted: string[] } {
      const deleted: string[] = [];
      return {
        kind: 's3',
        deleted,
        async deleteFolder(folder): Promise<FolderDeletion> {
          if (refusing.includes(folder)) throw new FlowlogError(`could not delete ${folder} (0 objects deleted): AccessDenied: not allowed`);
          deleted.push(folder);
          return { folder, deletedObjects: 3 };
        },
      };
    }
    const base = { layout, database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', settleMinutes: 30, now: () => new Date('2026-11-26T00:00:00Z') };
    const failedFolder = 's3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/';

    it('when a build fails, its folder is deleted through the object store and no longer listed as unreferenced', async () => {
      // Prepare
      const store = memoryStore();

      // Act
      const result = await ensureRollups({ ...base, engine: engineFailingOn("'2026/11/20'"), rollupCatalog: emptyCatalog, objectStore: store }, { days: ['2026-11-20' as UtcDay] });

      // Assess
      expect(store.deleted).toEqual([failedFolder]);
      expect(result.removed).toEqual([{ folder: failedFolder, deletedObjects: 3 }]);
      expect(result.unreferenced).toEqual([]);
      expect(result.cleanupWarnings).toEqual([]);
    });

    it('when a rebuild replaces a build folder, the old folder is deleted after the switch; a replaced folder outside builds/ is kept and listed', async () => {
      // Prepare
      const oldBuild = 's3://results/rollup/builds/20261122T000000000Z/dt=2026%2F11%2F20/';
      const oldPlain = 's3://results/rollup/dt=2026%2F11%2F21/';
      let switched = false;
      const engine: QueryEngine = {
        kind: 'athena',
        async execute(text) {
          if (text.includes('SET LOCATION')) switched = true;
          return ok;
        },
      };
      const catalog: PartitionCatalog = {
        ...emptyCatalog,
        // Before the switch the old folders are referenced; after it the new build's are.
        listPartitions: async () =>
          switched
            ? [
                { values: { dt: '2026/11/20' }, location: 's3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/' },
                { values: { dt: '2026/11/21' }, location: 's3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F21/' },
              ]
            : [
                { values: { dt: '2026/11/20' }, location: oldBuild },
                { values: { dt: '2026/11/21' }, location: oldPlain },
              ],
      };
      const store = memoryStore();

      // Act
      const result = await ensureRollups({ ...base, engine, rollupCatalog: catalog, objectStore: store }, { days: ['2026-11-20', '2026-11-21'] as UtcDay[], rebuild: true });

      // Assess
      expect(store.deleted).toEqual([oldBuild]);
      expect(result.unreferenced).toEqual([oldPlain]);
    });

    it('when the listing after the builds shows a partition still pointing at a candidate folder, that folder is not deleted', async () => {
      // Prepare: another run pointed the day at the folder this run found unreferenced.
      const catalog: PartitionCatalog = { ...emptyCatalog, listPartitions: async () => [{ values: { dt: '2026/11/20' }, location: failedFolder }] };
      let listed = 0;
      const counting: PartitionCatalog = { ...catalog, listPartitions: async (range) => (listed++ === 0 ? [] : catalog.listPartitions(range)) };
      const store = memoryStore();

      // Act
      const result = await ensureRollups({ ...base, engine: engineFailingOn("'2026/11/20'"), rollupCatalog: counting, objectStore: store }, { days: ['2026-11-20' as UtcDay] });

      // Assess
      expect(listed).toBe(2);
      expect(store.deleted).toEqual([]);
      expect(result.unreferenced).toEqual([failedFolder]);
    });

    it('when a deletion fails, the run goes on and a warning names the folder, which stays listed', async () => {
      // Act
      const result = await ensureRollups(
        { ...base, engine: engineFailingOn("'2026/11/20'"), rollupCatalog: emptyCatalog, objectStore: memoryStore([failedFolder]) },
        { days: ['2026-11-20' as UtcDay] },
      );

      // Assess
      expect(result.removed).toEqual([]);
      expect(result.unreferenced).toEqual([failedFolder]);
      expect(result.cleanupWarnings).toEqual([
        `the unreferenced rollup folder ${failedFolder} could not be deleted (could not delete ${failedFolder} (0 objects deleted): AccessDenied: not allowed); nothing reads it, remove it with aws s3 rm --recursive`,
      ]);
      expect(
        withRollupAnswer({ range: { from: '2026-11-20', to: '2026-11-20' }, dryRun: false, added: [], existing: [], statements: [], queryIds: [] } as never, result).rollup
          ?.warnings,
      ).toEqual(result.cleanupWarnings);
    });
  });

  describe('sizing a backfill', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** An engine whose builds scan `bytesPerDay` and take `msPerDay` of (fake) time for each day they read. */
    function meteredEngine(bytesPerDay: number, msPerDay: number): QueryEngine & { builds: number[]; bytes: number[] } {
      const builds: number[] = [];
      const bytes: number[] = [];
      return {
        kind: 'athena',
        builds,
        bytes,
        async execute(text) {
          if (!text.startsWith('INSERT')) return ok;
          const days = [...(/WHERE dt IN \(([^)]*)\)/.exec(text)?.[1] ?? '').matchAll(/'/g)].length / 2;
          builds.push(days);
          bytes.push(days * bytesPerDay);
          vi.setSystemTime(Date.now() + days * msPerDay);
          return { ...ok, bytesScanned: days * bytesPerDay, durationMs: days * msPerDay };
        },
      };
    }
    const thirtyDays = Array.from({ length: 30 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}` as UtcDay);
    const depsWith = (engine: QueryEngine, catalog: PartitionCatalog = emptyCatalog) => ({ ...rollupDeps(engine, catalog), maxBytesPerQuery: 10 * 1024 ** 3 });

    it('when 30 days of 20 s each meet a 120 s deadline, one day is built to measure, then as many as fit, and the rest is answered as left for the next invoke', async () => {
      // Prepare
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-11-26T01:00:00Z'));
      const engine = meteredEngine(1000, 20_000);

      // Act
      const result = await ensureRollups(depsWith(engine), { days: thirtyDays, deadlineMs: Date.now() + 120_000 });
      const answer = withRollupAnswer({ range: { from: '2026-10-01', to: '2026-10-30' }, dryRun: false, added: [], existing: [], statements: [], queryIds: [] } as never, result);

      // Assess
      expect(engine.builds).toEqual([1, 2, 1]);
      expect(result.builtDays).toEqual(thirtyDays.slice(0, 4));
      expect(result.leftDays).toEqual(thirtyDays.slice(4));
      expect(answer.rollup).toMatchObject({ done: false, left: thirtyDays.slice(4), built: thirtyDays.slice(0, 4) });
    });

    it('when the days left are built by a second invoke, it skips the built days and carries on', async () => {
      // Prepare
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-11-26T01:00:00Z'));
      const built = thirtyDays.slice(0, 4).map((day) => ({ values: { dt: day.replaceAll('-', '/') }, location: 's3://results/rollup/builds/x/' }));
      const catalog: PartitionCatalog = { ...emptyCatalog, listPartitions: async () => built };
      const engine = meteredEngine(1000, 1_000);

      // Act
      const result = await ensureRollups(depsWith(engine, catalog), { days: thirtyDays, deadlineMs: Date.now() + 300_000 });

      // Assess
      expect(engine.builds).toEqual([1, 25]);
      expect(result.builtDays).toEqual(thirtyDays.slice(4));
      expect(result.leftDays).toEqual([]);
    });

    it('when the builds are limited to one day each (the local engine), 7 days take 7 build statements of one day', async () => {
      // Prepare
      const engine = meteredEngine(1000, 1);

      // Act
      const result = await ensureRollups({ ...depsWith(engine), maxDaysPerBuild: 1 }, { days: thirtyDays.slice(0, 7) });

      // Assess
      expect(engine.builds).toEqual([1, 1, 1, 1, 1, 1, 1]);
      expect(result.builtDays).toEqual(thirtyDays.slice(0, 7));
    });

    it('when a day scans 3 GiB and the workgroup cutoff is 10 GiB, no build statement is expected to pass the cutoff', async () => {
      // Prepare
      const engine = meteredEngine(3 * 1024 ** 3, 1);

      // Act
      const result = await ensureRollups(depsWith(engine), { days: thirtyDays.slice(0, 7) });

      // Assess
      expect(engine.builds).toEqual([1, 2, 2, 2]);
      expect(Math.max(...engine.bytes)).toBeLessThanOrEqual(10 * 1024 ** 3);
      expect(result.builtDays).toEqual(thirtyDays.slice(0, 7));
    });
  });
});

describe("ensureRollups with a ledger of each day's files", () => {
  const day = '2026-11-20' as UtcDay;
  const built: PartitionCatalog = {
    ...emptyCatalog,
    listPartitions: async () => [{ values: { dt: '2026/11/20' }, location: 's3://results/rollup/builds/old/dt=2026%2F11%2F20/' }],
  };
  const ledgerOf = (now: SourceFile[], recorded: RollupDayRecord | undefined) => {
    const saved: RollupDayRecord[] = [];
    const ledger: RollupLedger = {
      filesOf: async (days) => new Map(days.map((d) => [d, d === day ? now : []])),
      recorded: async (days) => new Map(recorded !== undefined && days.includes(recorded.day) ? [[recorded.day, recorded]] : []),
      record: async (records) => {
        saved.push(...records);
      },
    };
    return { ledger, saved };
  };
  const deps = (engine: QueryEngine, ledger: RollupLedger) => ({
    engine,
    rollupCatalog: built,
    layout,
    database: 'flowlogs',
    table: 'vpc_flow_logs',
    rollupTable: 'vpc_flow_logs_rollup',
    settleMinutes: 30,
    now: () => new Date('2026-11-26T00:00:00Z'),
    ledger,
  });

  it("when a built day's files changed and its build again fails, the day is read raw and its old record is kept", async () => {
    // Prepare
    const old: RollupDayRecord = { day, files: [{ path: '/d/a', sizeBytes: 1, version: '1' }], skipped: [] };
    const { ledger, saved } = ledgerOf([{ path: '/d/a', sizeBytes: 2, version: '1' }], old);

    // Act
    const result = await ensureRollups(deps(engineFailingOn("'2026/11/20'"), ledger), { days: [day] });

    // Assess
    expect(result.drifted).toEqual([{ day, drift: { kind: 'changed', changes: { added: [], changed: ['/d/a'], removed: [] } } }]);
    expect(result.failedDays).toEqual([day]);
    expect(result.rawDays).toEqual([day]);
    expect(saved).toEqual([]);
  });

  it("when a built day's files changed and the build succeeds, the new files and the build's skipped reads are recorded after the switch", async () => {
    // Prepare
    const now = [
      { path: '/d/a', sizeBytes: 1, version: '1' },
      { path: '/d/b', sizeBytes: 9, version: '5' },
    ];
    const { ledger, saved } = ledgerOf(now, { day, files: [now[0] as SourceFile], skipped: [] });
    const skipped: ReadWarning[] = [{ kind: 'skipped-line', file: '/d/b', line: 2, reason: 'bytes that are not UTF-8' }];
    const engine: QueryEngine = { kind: 'athena', execute: async (sql) => (sql.startsWith('INSERT') ? { ...ok, skipped } : ok) };

    // Act
    const result = await ensureRollups(deps(engine, ledger), { days: [day] });

    // Assess
    expect(result.statements.map((s) => s.kind)).toEqual(['stage', 'build', 'switch', 'unstage']);
    expect(result.rollupDays).toEqual([day]);
    expect(saved).toEqual([{ day, files: now, skipped }]);
  });
});
