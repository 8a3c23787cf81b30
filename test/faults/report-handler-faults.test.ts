/**
 * The report Lambda on Athena (aws-sdk-client-mock at the AWS edge): bad events start nothing; a
 * query cancelled by the bytes-scanned cutoff is reported as such; queries still running near
 * the deadline are stopped and listed as failed, and the report is still published. When no saved
 * query succeeded, or no channel took the report, the invocation fails (the error alarm and the
 * failure queue see it); partial failures are counted in the QueriesFailed and
 * NotificationsFailed metrics the partial-failure alarm watches.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { answerLedgerCalls } from '../support/ledger-s3.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReportHandler } from '../../src/handlers/report.js';
import { awsReportDeps } from '../../src/lib/wiring/aws.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
// The rollup ledger lists day folders and keeps records in S3 (answered here, never sent).
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports';
const SETTINGS = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  FLOWLOG_BUCKET: 'logs-bucket',
  FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
  FLOWLOG_WORKGROUP: 'flowlog',
  FLOWLOG_TOPIC_ARN: TOPIC,
};
const clients = { athena: new AthenaClient({ region: 'ap-northeast-1' }), glue: new GlueClient({ region: 'ap-northeast-1' }) };

function context(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return { awsRequestId: 'req-1', functionName: 'flowlog-pilot-prod-report', getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
}

/** The CloudWatch embedded-metric lines Powertools wrote to stdout: metric name to value, with the dimensions. */
let stdout: string[] = [];
function publishedMetrics(): { values: Record<string, unknown>; dimensions: string[][] }[] {
  return (
    stdout
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- metric lines are free-form EMF JSON read by key
      .map((line) => JSON.parse(line) as Record<string, any>)
      .map((emf) => {
        const directive = emf._aws.CloudWatchMetrics[0];
        const names: string[] = directive.Metrics.map((m: { Name: string }) => m.Name);
        return { values: Object.fromEntries(names.map((n) => [n, emf[n]])), dimensions: directive.Dimensions.map((set: string[]) => set.map((d) => `${d}=${emf[d]}`)) };
      })
  );
}

// Powertools' own switch (read when its logger is built): quiet logs.
beforeAll(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterAll(() => vi.unstubAllEnvs());

const handler = (settings: Record<string, string> = {}, deliveryReserveMs?: number) =>
  createReportHandler({ ...awsReportDeps({ ...SETTINGS, ...settings }, clients), ...(deliveryReserveMs === undefined ? {} : { deliveryReserveMs }) });
type Summary = Awaited<ReturnType<ReturnType<typeof handler>>>;

/** Athena where DDL succeeds and each report query ends as `reportState` says (RUNNING: never ends). */
function athenaAnswers(reportState: 'RUNNING' | 'CANCELLED' | 'SUCCEEDED' | 'FAILED', reason?: string, options: { failing?: RegExp; rollup?: 'SUCCEEDED' } = {}): void {
  let n = 0;
  const kinds = new Map<string, 'ddl' | 'rollup' | 'report' | 'failing'>();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => {
    n += 1;
    const id = `q-${n}`;
    const sql = input.QueryString ?? '';
    kinds.set(
      id,
      sql.startsWith('ALTER TABLE') ? 'ddl' : sql.startsWith('INSERT INTO') && options.rollup !== undefined ? 'rollup' : options.failing?.test(sql) === true ? 'failing' : 'report',
    );
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    const kind = kinds.get(input.QueryExecutionId);
    const state = kind === 'ddl' || kind === 'rollup' ? 'SUCCEEDED' : kind === 'failing' ? 'FAILED' : reportState;
    return {
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        StatementType: 'DML',
        Status: { State: state, ...(reason === undefined ? {} : { StateChangeReason: reason }) },
        Statistics: { DataScannedInBytes: 5_000_000_000 },
      },
    };
  });
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
  athena.on(StopQueryExecutionCommand).resolves({});
}

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
  athena.reset();
  glue.reset();
  sns.reset();
  s3.reset();
  answerLedgerCalls(s3);
  glue.on(GetTableCommand).resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: 's3://results/rollup/' } } });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});
afterEach(() => {
  vi.mocked(process.stdout.write).mockRestore();
});

describe('report Lambda: bad input starts nothing', () => {
  it.each([
    [{ date: "2026-01-01'; DROP TABLE x; --" }, 'date'],
    [{ date: '2026-02-30' }, 'date'],
    [{ date: 20261120 }, 'date'],
    [{ date: '2026-11-20', timezone: 'Asia/Osaka' }, 'timezone'],
    [{ date: '2026-11-20', timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    [{ date: '2026-11-20', timezone: 9 }, 'timezone'],
    [{ date: '2026-11-20', tz: 'UTC' }, 'event'],
    [{ mode: 'scheduled', time: 'yesterday' }, 'time'],
    [[1, 2], 'event'],
    ['2026-11-20', 'event'],
  ])('when the event is %j, it fails naming %s and calls neither Glue, Athena nor SNS', async (event, field) => {
    // Act
    const outcome = handler()(event, context(60_000));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(new RegExp(`^${field}: `)) });
    expect(glue.calls()).toHaveLength(0);
    expect(athena.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('when FLOWLOG_REPORT_TIMEZONE names a zone that does not exist, the cold start fails naming it and nothing is called', () => {
    // Act
    const coldStart = () => handler({ FLOWLOG_REPORT_TIMEZONE: 'Asia/Osaka' });
    // Assess
    expect(coldStart).toThrow(/FLOWLOG_REPORT_TIMEZONE: .*Asia\/Osaka/);
    expect(athena.calls()).toHaveLength(0);
  });
});

describe('report Lambda: Athena faults', () => {
  it('when the workgroup cancels every query at its bytes-scanned cutoff, the report listing them is published and then the invocation fails as a QueryError', async () => {
    // Prepare
    athenaAnswers('CANCELLED', 'Query cancelled! : Bytes scanned limit was exceeded');
    // Act
    const outcome = handler()({ date: '2026-11-20' }, context(120_000));
    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'QueryError',
      message: expect.stringMatching(
        /^no report query succeeded \(13 of 13 failed; first: [a-z-]+: .*bytes-scanned limit of workgroup flowlog after scanning 5000000000 bytes.*\); the report listing the failures was sent \(sns\)$/,
      ),
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    // Every build is tried (a day at a time while none has been measured); none is read from the rollup.
    // So are the two stagings of early rows (the baseline's late folder and the window's): 22 + 2 INSERTs cancelled.
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: expect.stringMatching(/24 queries failed/) });
    expect(publishedMetrics()).toEqual([
      {
        values: expect.objectContaining({ ReportRuns: 1, QueriesFailed: 24, NotificationsFailed: 0 }),
        dimensions: [['service=flowlog-report', 'FunctionName=flowlog-pilot-prod-report']],
      },
    ]);
  });

  it('when queries are still running as the Lambda nears its deadline, each is stopped, the report is still published, and the invocation fails', async () => {
    // Prepare: 1 s to answer and 15 s for delivery are kept back, so the queries get 4.5 s.
    athenaAnswers('RUNNING');
    // Act
    const outcome = handler()({ date: '2026-11-20' }, context(4_500 + 15_000 + 1_000));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'QueryError', message: expect.stringMatching(/^no report query succeeded \(13 of 13 failed; .*before the deadline/) });
    const started = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString ?? '');
    const reportQueries = started.filter((sql) => !sql.startsWith('ALTER TABLE')).length;
    const stopped = athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionId);
    expect(reportQueries).toBeGreaterThan(0);
    expect(stopped).toHaveLength(reportQueries);
    expect(new Set(stopped).size).toBe(reportQueries);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [published] = sns.commandCalls(PublishCommand);
    const lambdaReport = JSON.parse(JSON.parse(published!.args[0].input.Message ?? '{}').lambda) as { queries: { name: string; status: string; error?: string }[] };
    expect(lambdaReport.queries.filter((q) => /it was stopped \(StopQueryExecution\)/.test(q.error ?? ''))).toHaveLength(reportQueries);
    // The first staging's ADD PARTITION is DDL, answered at once; everything after it ran into the deadline.
    expect(lambdaReport.queries.filter((q) => q.status === 'succeeded').map((q) => q.name)).toEqual(['early-stage 2026-11-20']);
    expect(lambdaReport.queries.filter((q) => q.status === 'failed').every((q) => /before the deadline/.test(q.error ?? ''))).toBe(true);
  });

  it('when every saved query fails but the rollup build succeeded, the invocation still fails: the rollup alone reports nothing', async () => {
    // Prepare
    athenaAnswers('FAILED', 'HIVE_BAD_DATA: malformed', { rollup: 'SUCCEEDED' });
    // Act
    const outcome = handler()({ date: '2026-11-20' }, context(120_000));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'QueryError', message: expect.stringMatching(/^no report query succeeded \(13 of 13 failed/) });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(publishedMetrics()[0]?.values).toMatchObject({ QueriesFailed: 13, NotificationsFailed: 0 });
  });

  it('when one saved query fails and the others succeed, the report is published, the invocation succeeds and QueriesFailed counts 1', async () => {
    // Prepare
    athenaAnswers('SUCCEEDED', undefined, { failing: /destinationport IN \(/ });
    // Act
    const summary: Summary = await handler()({ date: '2026-11-20' }, context(120_000));
    // Assess
    const failed = summary.queries.filter((q) => q.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThan(summary.queries.length);
    expect(summary.notifications).toEqual([{ channel: 'sns', status: 'sent', messageId: 'msg-1' }]);
    expect(publishedMetrics()).toEqual([
      {
        values: expect.objectContaining({ ReportRuns: 1, QueriesFailed: failed.length, NotificationsFailed: 0 }),
        dimensions: [['service=flowlog-report', 'FunctionName=flowlog-pilot-prod-report']],
      },
    ]);
  });

  it('when every query succeeds, both failure counts are published as 0 so the alarm sees a healthy run', async () => {
    athenaAnswers('SUCCEEDED');
    const summary: Summary = await handler()({ date: '2026-11-20' }, context(120_000));
    expect(summary.queries.every((q) => q.status === 'succeeded')).toBe(true);
    expect(publishedMetrics()[0]?.values).toMatchObject({ QueriesFailed: 0, NotificationsFailed: 0 });
  });
});

describe('report Lambda: SNS faults', () => {
  it('when the only channel (SNS) refuses the publish, the invocation fails as a DeliveryError naming the topic and NotificationsFailed counts 1', async () => {
    // Prepare
    athenaAnswers('SUCCEEDED');
    sns
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error('User is not authorized to perform: SNS:Publish'), { name: 'AuthorizationErrorException', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
      );
    // Act
    const outcome = handler()({ date: '2026-11-20' }, context(120_000));
    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'DeliveryError',
      message: expect.stringContaining(`no notification could be sent (sns: SNS publish to ${TOPIC} failed: AuthorizationErrorException`),
    });
    expect(publishedMetrics()[0]?.values).toMatchObject({ QueriesFailed: 0, NotificationsFailed: 1 });
  });

  it('when SNS never answers the publish, the invocation fails at the delivery deadline, before the function times out', async () => {
    // Prepare: of 8 s left, the queries get 5 s, delivery 2 s, and 1 s is kept to answer.
    athenaAnswers('SUCCEEDED');
    sns.on(PublishCommand).callsFake(() => new Promise(() => {}));
    const remainingMs = 5_000 + 2_000 + 1_000;
    const started = Date.now();
    // Act
    const outcome = handler({}, 2_000)({ date: '2026-11-20' }, context(remainingMs));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'DeliveryError', message: expect.stringMatching(/SNS publish to .* got no answer before the deadline/) });
    expect(Date.now() - started).toBeLessThan(remainingMs);
    expect(Date.now() - started).toBeGreaterThanOrEqual(remainingMs - 1_000 - 100);
  }, 30_000);

  it('when the handler is built with its defaults, 15 s are kept back for delivery and 1 s to answer', async () => {
    const { DELIVERY_RESERVE_MS, ANSWER_RESERVE_MS } = await import('../../src/handlers/report.js');
    expect(DELIVERY_RESERVE_MS).toBe(15_000);
    expect(ANSWER_RESERVE_MS).toBe(1_000);
  });
});
