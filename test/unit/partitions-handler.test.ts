import 'aws-sdk-client-mock-vitest/extend';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient, type Partition as GluePartition } from '@aws-sdk/client-glue';
import type { Context } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { answerLedgerCalls } from '../support/ledger-s3.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPartitionsHandler } from '../../src/handlers/partitions.js';
import { awsPartitionsDeps } from '../../src/lib/wiring/aws.js';
import type { PartitionsAnswer } from '../../src/lib/partitions/answer.js';
import { requestToken } from '../../src/lib/use-cases/ensure-partitions.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
// The rollup ledger lists day folders and keeps records in S3 (answered here, never sent).
const s3 = mockClient(S3Client);
const TOKYO = 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/';
const VIRGINIA = 's3://logs-bucket/AWSLogs/210987654321/vpcflowlogs/us-east-1/';
const BASE_SETTINGS = {
  FLOWLOG_DATABASE: 'flowlogs',
  FLOWLOG_TABLE: 'vpc_flow_logs',
  FLOWLOG_BUCKET: 'logs-bucket',
  FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
  FLOWLOG_LOOKBACK_DAYS: '3',
  FLOWLOG_WORKGROUP: 'flowlog',
};

type Handler = (event: unknown, context: Context) => Promise<PartitionsAnswer>;

/** Builds the handler as a cold start does, from these settings, through the AWS composition root. */
function coldStart(settings: Record<string, string | undefined> = {}): Handler {
  return createPartitionsHandler(awsPartitionsDeps({ ...BASE_SETTINGS, ...settings })) as unknown as Handler;
}

function context(requestId = 'req-1'): Context {
  return {
    awsRequestId: requestId,
    functionName: 'flowlog-pilot-partitions',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:flowlog-pilot-partitions',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/flowlog-pilot-partitions',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const scheduled = (time: string) => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'ap-northeast-1',
  resources: [],
  detail: {},
});

const glueTable = (keys: string[], location?: string) => ({
  Table: { Name: 'vpc_flow_logs', PartitionKeys: keys.map((Name) => ({ Name, Type: 'string' })), StorageDescriptor: { ...(location === undefined ? {} : { Location: location }) } },
});

function startedSql(): string[] {
  return athena.commandCalls(StartQueryExecutionCommand).map((call) => (call.args[0].input as StartQueryExecutionCommandInput).QueryString ?? '');
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

beforeEach(() => {
  athena.reset();
  glue.reset();
  s3.reset();
  answerLedgerCalls(s3);
  let started = 0;
  athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${(started += 1)}` }));
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DDL', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } },
  }));
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
  glue.on(GetTableCommand).resolves(glueTable(['dt'], TOKYO));
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
});

// Powertools' own switches (its logs and metrics read them when built): quiet, and no metrics flushed.
beforeAll(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
});
afterAll(() => vi.unstubAllEnvs());
afterEach(() => {
  vi.restoreAllMocks();
});

describe('partitions handler', () => {
  it('when the schedule fires on 2026-11-05, it adds the three look-back days, today and tomorrow in one statement, and a second run adds nothing', async () => {
    // Prepare
    const handler = coldStart();
    const added = vi.spyOn(Metrics.prototype, 'addMetric');

    // Act
    const first = await handler(scheduled('2026-11-05T00:10:00Z'), context('req-1'));

    // Assess
    const days = ['2026/11/02', '2026/11/03', '2026/11/04', '2026/11/05', '2026/11/06'];
    expect(first.range).toEqual({ from: '2026-11-02', to: '2026-11-06' });
    expect(first.added).toEqual(days.map((d) => `dt=${d}`));
    expect(first.existing).toEqual([]);
    expect(first.statements).toEqual([{ partitions: 5, queryId: 'q-1' }]);
    expect(first.queryIds).toEqual(['q-1']);
    const [sql = ''] = startedSql();
    expect(startedSql()).toHaveLength(1);
    for (const dt of days) expect(occurrences(sql, `PARTITION (dt = '${dt}') LOCATION '${TOKYO}${dt}/'`)).toBe(1);
    expect(occurrences(sql, 'PARTITION (')).toBe(5);
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      WorkGroup: 'flowlog',
      QueryExecutionContext: { Database: 'flowlogs' },
      ClientRequestToken: requestToken('req-1', sql),
    });
    expect(glue).toHaveReceivedCommandWith(GetPartitionsCommand, { Expression: "dt >= '2026/11/02' AND dt <= '2026/11/06'" });
    expect(added).toHaveBeenCalledWith('PartitionsAdded', 'Count', 5);

    // Prepare: Glue now has them
    glue.on(GetPartitionsCommand).resolves({ Partitions: days.map((dt): GluePartition => ({ Values: [dt], StorageDescriptor: { Location: `${TOKYO}${dt}/` } })) });
    athena.resetHistory();

    // Act
    const second = await handler(scheduled('2026-11-05T00:10:00Z'), context('req-2'));

    // Assess
    expect(second.added).toEqual([]);
    expect(second.existing).toHaveLength(5);
    expect(second.statements).toEqual([]);
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });

  it('when several sources share the table, it adds account, region and dt partitions for each source at its own folder', async () => {
    const handler = coldStart({ FLOWLOG_SOURCES: '123456789012:ap-northeast-1,210987654321:us-east-1' });
    glue.on(GetTableCommand).resolves(glueTable(['aws_account', 'aws_region', 'dt'], 's3://logs-bucket/AWSLogs/'));

    const answer = await handler({ date: '2026-11-01' }, context());

    expect(answer.added).toEqual(['aws_account=123456789012/aws_region=ap-northeast-1/dt=2026/11/01', 'aws_account=210987654321/aws_region=us-east-1/dt=2026/11/01']);
    const [sql = ''] = startedSql();
    expect(occurrences(sql, `PARTITION (aws_account = '123456789012', aws_region = 'ap-northeast-1', dt = '2026/11/01') LOCATION '${TOKYO}2026/11/01/'`)).toBe(1);
    expect(occurrences(sql, `PARTITION (aws_account = '210987654321', aws_region = 'us-east-1', dt = '2026/11/01') LOCATION '${VIRGINIA}2026/11/01/'`)).toBe(1);
  });

  it('when a year is backfilled by hand, it uses at most two statements and names every day once at its own folder', async () => {
    const handler = coldStart();

    const answer = await handler({ from: '2025-01-01', to: '2025-12-31' }, context());

    expect(answer.added).toHaveLength(365);
    const statements = startedSql();
    expect(statements.length).toBeGreaterThanOrEqual(1);
    expect(statements.length).toBeLessThanOrEqual(2);
    const sql = statements.join('\n');
    for (let day = Date.UTC(2025, 0, 1); day <= Date.UTC(2025, 11, 31); day += 86_400_000) {
      const dt = new Date(day).toISOString().slice(0, 10).replaceAll('-', '/');
      expect(occurrences(sql, `PARTITION (dt = '${dt}') LOCATION '${TOKYO}${dt}/'`)).toBe(1);
    }
    expect(answer.queryIds).toHaveLength(statements.length);
  });

  it('when dryRun is set, it lists the missing partitions and their SQL without starting a query', async () => {
    const handler = coldStart();
    glue.on(GetPartitionsCommand).resolves({ Partitions: [{ Values: ['2026/11/02'], StorageDescriptor: { Location: `${TOKYO}2026/11/02/` } }] });

    const answer = await handler({ from: '2026-11-01', to: '2026-11-03', dryRun: true }, context());

    expect(answer).toMatchObject({ dryRun: true, added: ['dt=2026/11/01', 'dt=2026/11/03'], existing: ['dt=2026/11/02'], queryIds: [] });
    expect(answer.statements).toHaveLength(1);
    expect(answer.statements[0]?.sql).toContain(`PARTITION (dt = '2026/11/03') LOCATION '${TOKYO}2026/11/03/'`);
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });

  it('when the event has an unknown key, it refuses naming the key and calls no AWS API', async () => {
    const handler = coldStart();

    const error = await handler({ from: '2026-11-01', to: '2026-11-03', rollups: true }, context()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ValidationError');
    expect((error as Error).message).toMatch(/^rollups: unknown key "rollups"/);
    expect(error).not.toHaveProperty('context');
    expect(error).not.toHaveProperty('field');
    expect(athena.calls()).toHaveLength(0);
    expect(glue.calls()).toHaveLength(0);
  });

  it('when the table is adopted, it reads keys and LOCATION from GetTable and adds day folders under that LOCATION', async () => {
    const handler = coldStart({ FLOWLOG_TABLE_MODE: 'adopt', FLOWLOG_BUCKET: undefined, FLOWLOG_SOURCES: undefined, FLOWLOG_TABLE: 'vpc_flow_logs_console' });
    glue.on(GetTableCommand).resolves(glueTable(['dt'], 's3://older-bucket/vpc/AWSLogs/123456789012/vpcflowlogs/eu-west-1'));

    const answer = await handler({ date: '2026-11-01' }, context());

    expect(glue).toHaveReceivedCommandWith(GetTableCommand, { DatabaseName: 'flowlogs', Name: 'vpc_flow_logs_console' });
    expect(answer.added).toEqual(['dt=2026/11/01']);
    const [sql = ''] = startedSql();
    expect(sql).toContain(
      "ALTER TABLE flowlogs.vpc_flow_logs_console ADD IF NOT EXISTS\nPARTITION (dt = '2026/11/01') LOCATION 's3://older-bucket/vpc/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/11/01/'",
    );
  });

  it('when the adopted table is partitioned some other way, it refuses naming its keys and runs nothing', async () => {
    const handler = coldStart({ FLOWLOG_TABLE_MODE: 'adopt' });
    glue.on(GetTableCommand).resolves(glueTable(['year', 'month', 'day'], TOKYO));

    const error = await handler({ date: '2026-11-01' }, context()).catch((e: unknown) => e);

    expect((error as Error).message).toContain('partitioned by (year, month, day)');
    expect(athena.calls()).toHaveLength(0);
  });

  it('when an Athena query fails, the invoker gets its reason and a PartitionFailures metric is counted', async () => {
    const handler = coldStart();
    const added = vi.spyOn(Metrics.prototype, 'addMetric');
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: { State: 'FAILED', AthenaError: { ErrorCategory: 2, Retryable: false, ErrorMessage: 'FAILED: SemanticException table not found' } },
      },
    });

    const error = await handler({ date: '2026-11-01' }, context()).catch((e: unknown) => e);

    expect((error as Error).name).toBe('QueryError');
    expect((error as Error).message).toBe('Athena query q-1 (add-partitions) failed: FAILED: SemanticException table not found');
    expect(added).toHaveBeenCalledWith('PartitionFailures', 'Count', 1);
    expect(athena).not.toHaveReceivedCommand(StopQueryExecutionCommand);
  });

  it('when FLOWLOG_ENGINE is local, it runs on the handle openLocal gives, closes it, and calls no AWS API', async () => {
    // Prepare: an in-memory engine and catalog behind the agreed openLocal signature
    const statements: string[] = [];
    const closed = vi.fn(async () => {});
    const layout = { keys: ['dt'], sources: [{ account: '123456789012', region: 'ap-northeast-1', root: '/data/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/' }] };
    vi.doMock('../../src/lib/wiring/local.js', () => ({
      openLocal: async (config: unknown) => ({
        config,
        notifiers: [],
        engine: {
          kind: 'local',
          execute: async (sql: string) => (
            statements.push(sql),
            { queryId: `local-${statements.length}`, columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 0, durationMs: 1, warnings: [] }
          ),
        },
        catalog: {
          describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
          listPartitions: async () => [],
        },
        layout,
        close: closed,
      }),
    }));
    const handler = coldStart({ FLOWLOG_ENGINE: 'local', FLOWLOG_BUCKET: undefined });

    // Act
    const answer = await handler({ from: '2026-11-01', to: '2026-11-03' }, context());

    // Assess
    vi.doUnmock('../../src/lib/wiring/local.js');
    expect(answer.queryIds).toEqual(['local-1']);
    expect(statements[0]).toContain("PARTITION (dt = '2026/11/03') LOCATION '/data/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/03/'");
    expect(closed).toHaveBeenCalledTimes(1);
    expect(athena.calls()).toHaveLength(0);
    expect(glue.calls()).toHaveLength(0);
  });

  it('when settings are wrong, the cold start fails naming every bad key', async () => {
    expect(() => coldStart({ FLOWLOG_LOOKBACK_DAYS: 'three', FLOWLOG_ENGINE: 'duck', FLOWLOG_TABEL: 'x' })).toThrow(
      /FLOWLOG_ENGINE must be one of athena, local.*FLOWLOG_LOOKBACK_DAYS must be a whole number.*FLOWLOG_TABEL is not a known setting/,
    );
  });
});

describe('partitions handler: backfill of the daily rollup', () => {
  it('when a past range is backfilled with "rollup": true, after the partitions it builds one day to measure it and the rest in one INSERT, each into its own build folder that the rollup points at only afterwards, and a second run builds nothing', async () => {
    // Prepare
    const handler = coldStart();
    const days = ['2026/11/01', '2026/11/02', '2026/11/03'];
    glue.on(GetTableCommand, { Name: 'vpc_flow_logs_rollup' }).resolves(glueTable(['dt'], 's3://results-bucket/rollup/'));

    // Act
    const first = await handler({ from: '2026-11-01', to: '2026-11-03', rollup: true }, context('req-1'));

    // Assess
    const sql = startedSql();
    expect(sql[0]).toMatch(/^ALTER TABLE flowlogs\.vpc_flow_logs ADD IF NOT EXISTS/);
    expect(sql.slice(1).map((s) => s.split('\n')[0]?.split(' ').slice(0, 4).join(' '))).toEqual([
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds ADD',
      'INSERT INTO flowlogs.vpc_flow_logs_rollup_builds',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup ADD',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds DROP',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds ADD',
      'INSERT INTO flowlogs.vpc_flow_logs_rollup_builds',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup ADD',
      'ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds DROP',
    ]);
    expect(sql[2]).toContain(`WHERE dt IN ('${days[0]}')`);
    expect(sql[6]).toContain(`WHERE dt IN ('${days[1]}', '${days[2]}')`);
    expect(sql[3]).toMatch(/PARTITION \(dt = '2026\/11\/01'\) LOCATION 's3:\/\/results-bucket\/rollup\/builds\/\d{8}T\d{9}Z\/dt=2026%2F11%2F01\/'/);
    expect(first.rollup).toMatchObject({ built: ['2026-11-01', '2026-11-02', '2026-11-03'], notComplete: [], left: [], done: true, unreferenced: [] });
    expect(first.rollup?.queryIds).toHaveLength(8);
    expect(glue).toHaveReceivedCommandWith(GetPartitionsCommand, { TableName: 'vpc_flow_logs_rollup', Expression: "dt >= '2026/11/01' AND dt <= '2026/11/03'" });

    // Prepare: Glue now has the raw and the rollup partitions
    glue.on(GetPartitionsCommand).resolves({ Partitions: days.map((dt): GluePartition => ({ Values: [dt], StorageDescriptor: { Location: `${TOKYO}${dt}/` } })) });
    athena.resetHistory();

    // Act
    const second = await handler({ from: '2026-11-01', to: '2026-11-03', rollup: true }, context('req-2'));

    // Assess
    expect(second.rollup).toEqual({ built: [], notComplete: [], left: [], done: true, unreferenced: [], removed: [], warnings: [], queryIds: [] });
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });

  it('when "rebuild": true is given, each existing rollup partition is switched by one SET LOCATION to its build\'s folder after that build\'s INSERT succeeded, and the old folders are answered as unreferenced', async () => {
    // Prepare
    const handler = coldStart();
    const days = ['2026/11/01', '2026/11/02'];
    glue.on(GetTableCommand, { Name: 'vpc_flow_logs_rollup' }).resolves(glueTable(['dt'], 's3://results-bucket/rollup/'));
    glue.on(GetPartitionsCommand).resolves({ Partitions: days.map((dt): GluePartition => ({ Values: [dt], StorageDescriptor: { Location: `${TOKYO}${dt}/` } })) });

    // Act
    const answer = await handler({ from: '2026-11-01', to: '2026-11-02', rollup: true, rebuild: true }, context('req-3'));

    // Assess
    const sql = startedSql();
    expect(sql).toHaveLength(8);
    expect(sql[1]).toMatch(/^INSERT INTO flowlogs\.vpc_flow_logs_rollup_builds\n/);
    expect(sql[2]).toMatch(
      /^ALTER TABLE flowlogs\.vpc_flow_logs_rollup PARTITION \(dt = '2026\/11\/01'\) SET LOCATION 's3:\/\/results-bucket\/rollup\/builds\/\d{8}T\d{9}Z\/dt=2026%2F11%2F01\/'$/,
    );
    expect(sql[5]).toMatch(/^INSERT INTO flowlogs\.vpc_flow_logs_rollup_builds\n/);
    expect(sql[6]).toContain("PARTITION (dt = '2026/11/02') SET LOCATION 's3://results-bucket/rollup/builds/");
    expect(answer.rollup?.built).toEqual(['2026-11-01', '2026-11-02']);
    expect(answer.rollup?.unreferenced).toEqual(days.map((dt) => `${TOKYO}${dt}/`));
  });
});
