/**
 * The table the VPC console's "Generate Athena integration" makes, adopted as it is (aws-sdk-client-mock
 * at the AWS edge, every Athena statement recorded): partitioned by aws-account-id, aws-service,
 * aws-region, year, month, day (and hour for per-hour delivery), AWS's column names. Partitions are
 * added in its scheme; the reports read it through a relation that gives it a dt key.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient, type Partition as GluePartition } from '@aws-sdk/client-glue';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PartitionsAnswer } from '../../src/lib/partitions/answer.js';
import { createPartitionsHandler } from '../../src/handlers/partitions.js';
import { createReportHandler } from '../../src/handlers/report.js';
import { awsPartitionsDeps, awsReportDeps } from '../../src/lib/wiring/aws.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const SOURCE = 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/';
const DAILY = ['aws-account-id', 'aws-service', 'aws-region', 'year', 'month', 'day'];
const HOURLY = [...DAILY, 'hour'];
const COLUMNS = [
  ['version', 'int'],
  ['account_id', 'string'],
  ['interface_id', 'string'],
  ['srcaddr', 'string'],
  ['dstaddr', 'string'],
  ['srcport', 'int'],
  ['dstport', 'int'],
  ['protocol', 'bigint'],
  ['packets', 'bigint'],
  ['bytes', 'bigint'],
  ['start', 'bigint'],
  ['end', 'bigint'],
  ['action', 'string'],
  ['log_status', 'string'],
].map(([Name, Type]) => ({ Name: Name as string, Type: Type as string }));
const SETTINGS = {
  FLOWLOG_TABLE_MODE: 'adopt',
  FLOWLOG_WORKGROUP: 'flowlog',
};
const context = (remainingMs = 300_000) => ({ awsRequestId: 'req-1', functionName: 'partitions', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

function consoleTable(keys: readonly string[], location = SOURCE): void {
  glue.on(GetTableCommand, { Name: 'vpc_flow_logs' }).resolves({
    Table: { Name: 'vpc_flow_logs', PartitionKeys: keys.map((Name) => ({ Name, Type: 'string' })), StorageDescriptor: { Columns: COLUMNS, Location: location } },
  });
  glue
    .on(GetTableCommand, { Name: 'vpc_flow_logs_rollup' })
    .resolves({ Table: { Name: 'vpc_flow_logs_rollup', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: 's3://results/rollup/' } } });
}

const gluePartition = (values: string[], location: string): GluePartition => ({ Values: values, StorageDescriptor: { Location: location } });
const startedSql = () => athena.commandCalls(StartQueryExecutionCommand).map((call) => (call.args[0].input as StartQueryExecutionCommandInput).QueryString ?? '');

function partitionsHandler(): (event: unknown, context: Context) => Promise<PartitionsAnswer> {
  return createPartitionsHandler(awsPartitionsDeps({ ...SETTINGS })) as never;
}
// Powertools' own switches (read when its logger and metrics are built): quiet, no metrics flushed.
beforeAll(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  athena.reset();
  glue.reset();
  let started = 0;
  athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${(started += 1)}` }));
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DML', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } },
  }));
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
});

describe("the console integration's table", () => {
  it('when a daily-keyed table is backfilled, each missing day is added in its scheme under its day folder, days it has are left alone', async () => {
    // Prepare
    consoleTable(DAILY);
    glue.on(GetPartitionsCommand).resolves({ Partitions: [gluePartition(['123456789012', 'vpcflowlogs', 'ap-northeast-1', '2026', '11', '19'], `${SOURCE}2026/11/19/`)] });
    const handler = partitionsHandler();

    // Act
    const answer = await handler({ from: '2026-11-18', to: '2026-11-20' }, context());

    // Assess
    expect(glue).toHaveReceivedCommandWith(GetPartitionsCommand, { Expression: "year >= '2026' AND year <= '2026'" });
    const [sql, ...more] = startedSql();
    expect(more).toEqual([]);
    expect(sql).toBe(
      'ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS\n' +
        "PARTITION (`aws-account-id` = '123456789012', `aws-service` = 'vpcflowlogs', `aws-region` = 'ap-northeast-1', year = '2026', month = '11', day = '18') LOCATION 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/18/'\n" +
        "PARTITION (`aws-account-id` = '123456789012', `aws-service` = 'vpcflowlogs', `aws-region` = 'ap-northeast-1', year = '2026', month = '11', day = '20') LOCATION 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/20/'",
    );
    expect(answer.added).toEqual(['dt=2026/11/18', 'dt=2026/11/20']);
    expect(answer.existing).toEqual(['dt=2026/11/19']);
  });

  it('when an hourly-keyed table with Hive-style folders has a day with one hour missing, that day is added again hour by hour; a complete day is not', async () => {
    // Prepare
    const hive = 's3://logs-bucket/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/';
    consoleTable(HOURLY, hive);
    const hours = (day: string, count: number) =>
      Array.from({ length: count }, (_, h) =>
        gluePartition(
          ['123456789012', 'vpcflowlogs', 'ap-northeast-1', '2026', '11', day, String(h).padStart(2, '0')],
          `${hive}year=2026/month=11/day=${day}/hour=${String(h).padStart(2, '0')}/`,
        ),
      );
    glue
      .on(GetPartitionsCommand)
      .resolves({ Partitions: [...hours('19', 24), ...hours('20', 23), gluePartition(['210987654321', 'vpcflowlogs', 'us-east-1', '2026', '11', '21', '00'], 'x')] });
    const handler = partitionsHandler();

    // Act
    const answer = await handler({ from: '2026-11-19', to: '2026-11-20' }, context());

    // Assess
    const [sql] = startedSql();
    expect(answer.existing).toEqual(['dt=2026/11/19']);
    expect(answer.added).toEqual(['dt=2026/11/20']);
    expect(sql?.match(/^PARTITION /gm)).toHaveLength(24);
    expect(sql).toContain(
      "day = '20', hour = '00') LOCATION 's3://logs-bucket/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/year=2026/month=11/day=20/hour=00/'",
    );
    expect(sql).toContain("hour = '23') LOCATION '");
    expect(sql).not.toContain("day = '19'");
  });

  it('when a report runs on it, the raw reads filter its year, month and day keys and derive dt from them, with AWS names renamed', async () => {
    // Prepare: the rollup build fails, so the report queries read the raw table.
    consoleTable(DAILY);
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
      const sql = startedSql()[Number(input.QueryExecutionId.slice(2)) - 1] ?? '';
      const state = sql.startsWith('INSERT INTO') ? { State: 'FAILED', StateChangeReason: 'denied' } : { State: 'SUCCEEDED' };
      return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DML', Status: state, Statistics: { DataScannedInBytes: 0 } } };
    });
    const clients = { athena: new AthenaClient({ region: 'ap-northeast-1' }), glue: new GlueClient({ region: 'ap-northeast-1' }) };
    const handler = createReportHandler(awsReportDeps({ ...SETTINGS }, clients));

    // Act
    const summary = await handler({ date: '2026-11-20' }, context(120_000));

    // Assess
    const statements = startedSql();
    // Builds go a day at a time while none has been measured (here every build fails).
    const build = statements.find((s) => s.startsWith('INSERT INTO'));
    expect(build).toContain(
      `CAST("end" AS bigint) AS endtime, CAST("action" AS varchar) AS action, CAST("log_status" AS varchar) AS logstatus, concat(year, '/', month, '/', day) AS dt FROM flowlogs.vpc_flow_logs WHERE year IN ('2026') AND month IN ('11') AND day IN ('13'))`,
    );
    const reportQueries = statements.filter((s) => s.startsWith('WITH flows AS'));
    expect(reportQueries.length).toBeGreaterThanOrEqual(10);
    for (const sql of reportQueries)
      expect(sql).toMatch(/concat\(year, '\/', month, '\/', day\) AS dt(, "\$path")? FROM flowlogs\.vpc_flow_logs WHERE year IN \('2026'\) AND month IN \('11'\) AND day IN \(/);
    const failed = summary.queries.filter((q) => q.status === 'failed').map((q) => q.name);
    expect(failed.length).toBeGreaterThan(0);
    // Every INSERT fails: the rollup builds and the staging of the next folder's early rows (read raw instead).
    for (const name of failed) expect(name).toMatch(/^(rollup-build|early-rows) /);
    const adds = statements.filter((s) => s.startsWith('ALTER TABLE flowlogs.vpc_flow_logs ADD'));
    expect(adds).toHaveLength(1);
    expect(adds[0]).toContain('`aws-account-id`');
  });

  it('when its LOCATION is the AWSLogs/ folder above several sources and none is listed, it is refused naming FLOWLOG_SOURCES', async () => {
    // Prepare
    consoleTable(DAILY, 's3://logs-bucket/AWSLogs/');
    const handler = partitionsHandler();

    // Act
    const outcome = handler({ from: '2026-11-18', to: '2026-11-20' }, context());

    // Assess
    await expect(outcome).rejects.toThrow(/FLOWLOG_SOURCES: flowlogs\.vpc_flow_logs is keyed by account and region and its LOCATION names no one source/);
    expect(startedSql()).toEqual([]);
  });
});
