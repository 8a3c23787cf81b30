import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { parseFormatString } from '../../src/lib/flowlog/format.js';
import { NotFoundError, QueryError, StateError, ValidationError } from '../../src/lib/errors.js';
import { openLocal, type LocalHandle } from '../../src/lib/wiring/local.js';
import { parseRange } from '../../src/lib/dates.js';
import { ensurePartitions } from '../../src/lib/use-cases/ensure-partitions.js';
import { dayFolder, flow, garbleFile, manyFlows, nodata, skipdata, tempDirs, truncateFile, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

const config = (dirs: TempDirs, extra: Record<string, string> = {}) =>
  loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir, ...extra });

const addDay = (day: string, dirs: TempDirs) =>
  `ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '${day.replaceAll('-', '/')}') LOCATION '${dayFolder(dirs.dataDir, day)}/'`;

describe('local engine on gzip flow-log files: partitions, formats, broken files, pruning', () => {
  let dirs: TempDirs;
  let handle: LocalHandle | undefined;

  beforeEach(async () => {
    dirs = await tempDirs();
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    await dirs.remove();
  });

  it('when a day has no partition, it returns zero rows, and after adding the partition it counts every record', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(250) });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(50, { action: 'REJECT' }), name: 'second' });
    handle = await openLocal(config(dirs));

    // Act
    const before = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');
    await handle.engine.execute(addDay('2026-11-01', dirs));
    const after = await handle.engine.execute("SELECT count(*) AS n, count_if(action = 'REJECT') AS rejects FROM flowlogs.vpc_flow_logs WHERE dt = '2026/11/01'");

    // Assess
    expect(before.rows).toEqual([{ n: 0 }]);
    expect(after.rows).toEqual([{ n: 300, rejects: 50 }]);
    expect(after.columns).toEqual([
      { name: 'n', type: 'bigint' },
      { name: 'rejects', type: 'bigint' },
    ]);
    expect(after.warnings).toEqual([]);
  });

  it('when records are NODATA or SKIPDATA, they load with NULL in their - fields and the account keeps its leading zero', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow(), nodata(), skipdata()] });
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay('2026-11-01', dirs));

    // Act
    const result = await handle.engine.execute('SELECT * FROM vpc_flow_logs ORDER BY logstatus');

    // Assess
    expect(result.columns.map((c) => c.name)).toEqual([
      'version',
      'account',
      'interfaceid',
      'sourceaddress',
      'destinationaddress',
      'sourceport',
      'destinationport',
      'protocol',
      'numpackets',
      'numbytes',
      'starttime',
      'endtime',
      'action',
      'logstatus',
      'dt',
    ]);
    expect(result.rows.map((r) => r.logstatus)).toEqual(['NODATA', 'OK', 'SKIPDATA']);
    const [noData, ok, skipData] = result.rows;
    expect(ok).toMatchObject({ account: '012345678901', sourceport: 44321, numbytes: 840, action: 'ACCEPT', dt: '2026/11/01' });
    for (const row of [noData, skipData]) {
      expect(row).toMatchObject({ account: '012345678901', sourceaddress: null, sourceport: null, protocol: null, numbytes: null, action: null, starttime: 1_793_491_200 });
    }
  });

  it('when a day holds a custom-format file next to default ones, each file is read by its own header names', async () => {
    // Prepare
    const custom = parseFormatString(
      '${vpc-id} ${srcaddr} ${dstaddr} ${bytes} ${action} ${version} ${account-id} ${interface-id} ${log-status} ${srcport} ${dstport} ${protocol} ${packets} ${start} ${end} ${flow-direction}',
    );
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow({ bytes: 100 })] });
    await writeFlowLogFile({
      dataDir: dirs.dataDir,
      day: '2026-11-01',
      name: 'custom',
      fields: custom,
      records: [flow({ 'vpc-id': 'vpc-0abc', bytes: 5000, srcaddr: '192.0.2.7', action: 'REJECT', version: 5, 'flow-direction': 'ingress' })],
    });
    const table = 'FLOWLOG_FORMAT';
    handle = await openLocal(
      config(dirs, {
        [table]:
          '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${flow-direction}',
      }),
    );
    await handle.engine.execute(addDay('2026-11-01', dirs));

    // Act
    const result = await handle.engine.execute('SELECT sourceaddress, numbytes, action, version, vpc_id, flow_direction FROM vpc_flow_logs ORDER BY numbytes');

    // Assess
    expect(result.rows).toEqual([
      { sourceaddress: '10.0.1.5', numbytes: 100, action: 'ACCEPT', version: 2, vpc_id: null, flow_direction: null },
      { sourceaddress: '192.0.2.7', numbytes: 5000, action: 'REJECT', version: 5, vpc_id: 'vpc-0abc', flow_direction: 'ingress' },
    ]);
  });

  it('when one file is not gzip and another is truncated, the rest is counted and the warnings name both', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(120) });
    const garbled = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(10), name: 'garbled' });
    const truncated = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(20_000), name: 'truncated' });
    await garbleFile(garbled);
    await truncateFile(truncated);
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay('2026-11-01', dirs));

    // Act
    const result = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    expect(result.rows).toEqual([{ n: 120 }]);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings.find((w) => w.includes(garbled))).toBeDefined();
    expect(result.warnings.find((w) => w.includes(truncated))).toMatch(/truncated/);
  });

  it('when a file has valid gzip but rows DuckDB cannot read, the query is retried without it and warns about it', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(30) });
    const bad = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow({ srcport: 'not-a-port' })], name: 'badrows' });
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay('2026-11-01', dirs));

    // Act
    const first = await handle.engine.execute('SELECT sum(sourceport) AS s, count(*) AS n FROM vpc_flow_logs');
    const second = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    expect(first.rows[0]?.n).toBe(30);
    expect(first.warnings).toEqual([expect.stringContaining(bad)]);
    expect(second.warnings).toEqual([expect.stringContaining(bad)]);
  });

  it("when a query is restricted to one dt, it reads only that day: another day's broken file is neither read nor reported", async () => {
    // Prepare
    const good = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(40) });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-02', records: manyFlows(5) });
    const bad = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-02', records: [flow({ srcport: 'x' })], name: 'badrows' });
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay('2026-11-01', dirs));
    await handle.engine.execute(addDay('2026-11-02', dirs));

    // Act
    const oneDay = await handle.engine.execute("SELECT count(*) AS n FROM vpc_flow_logs WHERE dt = '2026/11/01'");
    const plan = await handle.engine.execute("EXPLAIN SELECT count(*) FROM vpc_flow_logs WHERE dt = '2026/11/01'");
    const allDays = await handle.engine.execute('SELECT count(*) AS n, sum(sourceport) AS ports FROM vpc_flow_logs');

    // Assess
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(good));
    expect(oneDay.rows).toEqual([{ n: 40 }]);
    expect(oneDay.warnings).toEqual([]);
    expect(oneDay.bytesScanned).toBe(size);
    const planText = plan.rows.map((r) => Object.values(r).join('\n')).join('\n');
    expect(planText.split('Function: READ_CSV').length - 1).toBe(1);
    expect(allDays.rows[0]?.n).toBe(45);
    expect(allDays.warnings).toEqual([expect.stringContaining(bad)]);
  });

  it('when a broken file is replaced by a good one, it is read again', async () => {
    // Prepare
    const path = await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(10) });
    await garbleFile(path);
    handle = await openLocal(config(dirs));
    await handle.engine.execute(addDay('2026-11-01', dirs));
    const broken = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Act
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(12) });
    const repaired = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    expect(broken.rows).toEqual([{ n: 0 }]);
    expect(broken.warnings).toHaveLength(1);
    expect(repaired.rows).toEqual([{ n: 12 }]);
    expect(repaired.warnings).toEqual([]);
  });
});

describe('local engine: opening the state', () => {
  let dirs: TempDirs;

  beforeEach(async () => {
    dirs = await tempDirs();
  });
  afterEach(async () => {
    await dirs.remove();
  });

  it('when the data folder does not exist, it fails with NotFoundError naming it', async () => {
    // Prepare
    const missing = `${dirs.root}/no-such-data`;

    // Act
    const opening = openLocal(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: missing, FLOWLOG_STATE_DIR: dirs.stateDir }));

    // Assess
    await expect(opening).rejects.toThrow(NotFoundError);
    await expect(opening).rejects.toThrow(missing);
  });

  it('when the state is already open, a second open fails with StateError saying it is in use', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow()] });
    const first = await openLocal(config(dirs));

    // Act
    const second = openLocal(config(dirs));

    // Assess
    await expect(second).rejects.toThrow(StateError);
    await expect(second).rejects.toThrow(/in use by another flowlog-pilot run/);
    await first.close();
    const third = await openLocal(config(dirs));
    await third.close();
  });

  it('when another process holds the state, it fails with StateError saying it is in use', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow()] });
    const first = await openLocal(config(dirs));
    await first.close();
    const { spawn } = await import('node:child_process');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(${JSON.stringify(`${dirs.stateDir}/state.duckdb`)}); await i.connect(); console.log('held'); setTimeout(() => {}, 20000);`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));

    // Act
    const opening = openLocal(config(dirs));

    // Assess
    try {
      await expect(opening).rejects.toThrow(StateError);
      await expect(opening).rejects.toThrow(/in use by another flowlog-pilot run/);
    } finally {
      holder.kill();
    }
  });

  it('when the state folder cannot be made (a file is in the way), it fails with StateError naming it', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow()] });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dirs.root}/file`, 'x');

    // Act
    const opening = openLocal(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: `${dirs.root}/file/state` }));

    // Assess
    await expect(opening).rejects.toThrow(StateError);
    await expect(opening).rejects.toThrow(`${dirs.root}/file/state`);
  });

  it('when a LOCATION lies outside the data folder, it is refused with ValidationError and nothing is added', async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow()] });
    const handle = await openLocal(config(dirs));

    // Act
    const adding = handle.engine.execute(
      `ALTER TABLE vpc_flow_logs ADD PARTITION (dt = '2026/11/01') LOCATION '${dayFolder(dirs.dataDir, '2026-11-01')}/' PARTITION (dt = '2026/11/02') LOCATION '/etc/'`,
    );

    // Assess
    await expect(adding).rejects.toThrow(ValidationError);
    const shown = await handle.engine.execute('SHOW PARTITIONS vpc_flow_logs');
    expect(shown.rows).toEqual([]);
    await handle.close();
  });

  it("when a statement is not valid SQL, it fails with QueryError carrying DuckDB's message", async () => {
    // Prepare
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [flow()] });
    const handle = await openLocal(config(dirs));

    // Act
    const running = await handle.engine.execute('SELEC 1').catch((error: unknown) => error);
    const two = await handle.engine.execute('SELECT 1; SELECT 2').catch((error: unknown) => error);

    // Assess
    expect(running).toBeInstanceOf(QueryError);
    expect(String(running)).toMatch(/syntax error/i);
    expect(two).toBeInstanceOf(QueryError);
    expect(String(two)).toMatch(/one SQL statement/);
    await handle.close();
  });
});

describe('local engine: several sources in one data folder', () => {
  let dirs: TempDirs;

  beforeEach(async () => {
    dirs = await tempDirs();
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(4) });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(6), account: '210987654321', region: 'us-east-1' });
  });
  afterEach(async () => {
    await dirs.remove();
  });

  it('when two accounts deliver to the data folder, the account and region become partition keys after the data columns', async () => {
    // Prepare
    const handle = await openLocal(config(dirs));
    const range = parseRange('2026-11-01', '2026-11-01');

    // Act
    const result = await ensurePartitions({ catalog: handle.catalog, engine: handle.engine, database: 'flowlogs', table: 'vpc_flow_logs', layout: handle.layout }, { range });
    const counts = await handle.engine.execute('SELECT aws_account, aws_region, dt, count(*) AS n FROM vpc_flow_logs GROUP BY ALL ORDER BY aws_account');
    const star = await handle.engine.execute('SELECT * FROM vpc_flow_logs LIMIT 1');
    await handle.close();

    // Assess
    expect(handle.layout.keys).toEqual(['aws_account', 'aws_region', 'dt']);
    expect(result.added).toHaveLength(2);
    expect(counts.rows).toEqual([
      { aws_account: '012345678901', aws_region: 'ap-northeast-1', dt: '2026/11/01', n: 4 },
      { aws_account: '210987654321', aws_region: 'us-east-1', dt: '2026/11/01', n: 6 },
    ]);
    expect(star.columns.slice(-4).map((c) => c.name)).toEqual(['logstatus', 'aws_account', 'aws_region', 'dt']);
  });

  it('when FLOWLOG_SOURCES names one of them, only that source is used (keys: dt)', async () => {
    // Act
    const handle = await openLocal(config(dirs, { FLOWLOG_SOURCES: '210987654321:us-east-1' }));
    await ensurePartitions(
      { catalog: handle.catalog, engine: handle.engine, database: 'flowlogs', table: 'vpc_flow_logs', layout: handle.layout },
      { range: parseRange('2026-11-01', '2026-11-01') },
    );
    const counted = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');
    await handle.close();

    // Assess
    expect(handle.layout.keys).toEqual(['dt']);
    expect(counted.rows).toEqual([{ n: 6 }]);
  });
});
