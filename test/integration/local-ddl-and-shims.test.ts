import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { parseRange } from '../../src/lib/dates.js';
import { DeadlineError, QueryError } from '../../src/lib/errors.js';
import { openLocal, type LocalHandle } from '../../src/lib/wiring/local.js';
import { dayFolder, manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

let dirs: TempDirs;
let handle: LocalHandle;

beforeAll(async () => {
  dirs = await tempDirs();
  await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(7) });
  await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-02', records: manyFlows(3) });
  handle = await openLocal(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: dirs.dataDir, FLOWLOG_STATE_DIR: dirs.stateDir }));
});
afterAll(async () => {
  await handle.close();
  await dirs.remove();
});

const s3 = (day: string) => `s3://my-flow-logs/AWSLogs/012345678901/vpcflowlogs/ap-northeast-1/${day.replaceAll('-', '/')}/`;
const failureOf = (sql: string) =>
  handle.engine.execute(sql).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('partition DDL on the local engine', () => {
  it('when a partition is added twice with IF NOT EXISTS, the second run is harmless; without it, Athena-like error', async () => {
    // Act
    await handle.engine.execute(`ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '2026/11/01') LOCATION '${s3('2026-11-01')}'`);
    await handle.engine.execute(`ALTER TABLE vpc_flow_logs ADD IF NOT EXISTS PARTITION (dt = '2026/11/01') LOCATION '${s3('2026-11-01')}'`);
    const again = await failureOf(`ALTER TABLE vpc_flow_logs ADD PARTITION (dt = '2026/11/01') LOCATION '${s3('2026-11-01')}'`);
    const shown = await handle.engine.execute('SHOW PARTITIONS flowlogs.vpc_flow_logs');
    const counted = await handle.engine.execute('SELECT count(*) AS n FROM vpc_flow_logs');

    // Assess
    expect(again).toBeInstanceOf(QueryError);
    expect(String(again)).toMatch(/already exists/);
    expect(shown.columns).toEqual([{ name: 'partition', type: 'varchar' }]);
    expect(shown.rows).toEqual([{ partition: 'dt=2026/11/01' }]);
    expect(counted.rows).toEqual([{ n: 7 }]);
  });

  it('when one partition of a statement fails, none of it is added', async () => {
    // Act
    const failure = await failureOf(
      `ALTER TABLE vpc_flow_logs ADD PARTITION (dt = '2026/11/02') LOCATION '${s3('2026-11-02')}' PARTITION (dt = '2026/11/01') LOCATION '${s3('2026-11-01')}'`,
    );
    const listed = await handle.catalog.listPartitions(parseRange('2026-11-01', '2026-11-30'));

    // Assess
    expect(failure).toBeInstanceOf(QueryError);
    expect(listed.map((p) => p.values.dt)).toEqual(['2026/11/01']);
    expect(listed[0]?.location).toBe(`${dayFolder(dirs.dataDir, '2026-11-01')}/`);
  });

  it('when a value is hostile SQL, it is stored as a value and nothing else runs', async () => {
    // Act
    await handle.engine.execute(`ALTER TABLE vpc_flow_logs ADD PARTITION (dt = '''; DROP TABLE x; --') LOCATION '${s3('2026-11-02')}'`);
    const shown = await handle.engine.execute('SHOW PARTITIONS vpc_flow_logs');
    const hostile = await handle.engine.execute(`SELECT count(*) AS n FROM vpc_flow_logs WHERE dt = '''; DROP TABLE x; --'`);
    await handle.engine.execute(`ALTER TABLE vpc_flow_logs DROP PARTITION (dt = '''; DROP TABLE x; --')`);
    const afterDrop = await handle.engine.execute('SHOW PARTITIONS vpc_flow_logs');

    // Assess
    expect(shown.rows).toContainEqual({ partition: "dt='; DROP TABLE x; --" });
    expect(hostile.rows).toEqual([{ n: 3 }]);
    expect(afterDrop.rows).toEqual([{ partition: 'dt=2026/11/01' }]);
  });

  it('when the table, keys or statement are wrong, it is a QueryError naming the problem', async () => {
    // Act
    const otherTable = await failureOf(`ALTER TABLE other.vpc_flow_logs ADD PARTITION (dt = '2026/11/03') LOCATION '${s3('2026-11-03')}'`);
    const wrongKey = await failureOf(`ALTER TABLE vpc_flow_logs ADD PARTITION (day = '2026/11/03') LOCATION '${s3('2026-11-03')}'`);
    const noLocation = await failureOf(`ALTER TABLE vpc_flow_logs ADD PARTITION (dt = '2026/11/03')`);
    const dropMissing = await failureOf(`ALTER TABLE vpc_flow_logs DROP PARTITION (dt = '2030/01/01')`);
    await handle.engine.execute(`ALTER TABLE vpc_flow_logs DROP IF EXISTS PARTITION (dt = '2030/01/01')`);

    // Assess
    expect(String(otherTable)).toMatch(/Table not found: "other\.vpc_flow_logs"/);
    expect(String(wrongKey)).toMatch(/does not match the table's partition keys \(dt\)/);
    expect(String(noLocation)).toMatch(/has no LOCATION/);
    expect(String(dropMissing)).toMatch(/does not exist/);
  });
});

describe('Trino functions on the local engine', () => {
  const one = async (sql: string) => (await handle.engine.execute(sql)).rows[0];

  it('when time functions are used, they give the values Athena gives', async () => {
    expect(await one('SELECT from_unixtime(1793491200) AS t, to_unixtime(from_unixtime(1793491200)) AS u')).toEqual({ t: '2026-11-01 00:00:00.000', u: 1793491200 });
    expect(await one("SELECT date_format(from_unixtime(1793536509), '%Y-%m-%d %H:%i:%s') AS f, date_format(from_unixtime(1793536509), '%M %e %h:%i %p') AS g")).toEqual({
      f: '2026-11-01 12:35:09',
      g: 'November 1 12:35 PM',
    });
    expect(await one("SELECT format_datetime(from_unixtime(1793536509.25), 'yyyy-MM-dd''T''HH:mm:ss.SSS') AS f")).toEqual({ f: '2026-11-01T12:35:09.250' });
    expect(await one("SELECT date_parse('2026-11-01 12:35:09', '%Y-%m-%d %H:%i:%s') AS p")).toEqual({ p: '2026-11-01 12:35:09.000' });
    expect(await one("SELECT to_iso8601(from_unixtime(1793491200)) AS i, day_of_week(DATE '2026-11-01') AS w, day_of_year(DATE '2026-02-01') AS y")).toEqual({
      i: '2026-11-01T00:00:00.000Z',
      w: 7,
      y: 32,
    });
  });

  it('when aggregate and string functions are used, approx_distinct is exact and the rest match Trino', async () => {
    expect(await one('SELECT approx_distinct(x % 600) AS d, approx_percentile(x, 0.5) AS p FROM range(1, 10001) AS t (x)')).toEqual({ d: 600, p: 5000 });
    expect(await one("SELECT regexp_like('eni-0abc', '^eni-[0-9a-f]+$') AS y, regexp_like('vpc-1', '^eni-') AS n")).toEqual({ y: 'true', n: 'false' });
    expect(await one("SELECT array_join(ARRAY['22', '3389'], ',') AS j, json_extract_scalar('{\"a\":{\"b\":\"x\"}}', '$.a.b') AS s")).toEqual({ j: '22,3389', s: 'x' });
  });

  it('when a built-in shares a name with a Trino function, the built-in is kept (list contains still works)', async () => {
    expect(await one("SELECT contains([1, 2, 3], 2) AS l, contains('vpc-flow', 'flow') AS s")).toEqual({ l: 'true', s: 'true' });
  });
});

describe('result values on the local engine', () => {
  it('when DuckDB returns wide integers, dates and time-zone timestamps, they come back as Athena shows them', async () => {
    // Act
    const result = await handle.engine.execute(
      "SELECT sum(x) AS total, DATE '2026-11-01' AS day, CAST('2026-11-01 09:00:00+09' AS TIMESTAMPTZ) AS tz, true AS yes FROM range(1, 4) AS t (x)",
    );

    // Assess
    expect(result.rows).toEqual([{ total: 6, day: '2026-11-01', tz: '2026-11-01 00:00:00.000 UTC', yes: 'true' }]);
    expect(result.columns.map((c) => c.type)).toEqual(['bigint', 'date', 'timestamp with time zone', 'boolean']);
  });
});

describe('deadlines on the local engine', () => {
  it('when the deadline has already passed, the query does not start and fails with DeadlineError', async () => {
    // Act
    const failure = await handle.engine.execute('SELECT count(*) FROM vpc_flow_logs', { deadlineMs: Date.now() - 1 }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DeadlineError);
  });

  it('when a query outlasts its deadline, it is interrupted and fails with DeadlineError', async () => {
    // Act
    const failure = await handle.engine
      .execute('SELECT count(*) FROM range(10000000000) AS a (x) WHERE x % 7 = 3', { deadlineMs: Date.now() + 200 })
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DeadlineError);
  });
});
