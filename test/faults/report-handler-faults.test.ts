/**
 * The report Lambda on Athena (aws-sdk-client-mock at the AWS edge): bad events start nothing; a
 * query cancelled by the bytes-scanned cutoff is reported as such; queries still running near
 * the deadline are stopped and listed as failed, and the report is still published.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAdapters } from '../../src/lib/wiring/aws-report.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
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
  return { awsRequestId: 'req-1', functionName: 'report', getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
}

let createReportHandler: typeof import('../../src/handlers/report.js').createReportHandler;
beforeAll(async () => {
  // The module's own handler reads process.env at import; this suite builds its own.
  vi.stubEnv('FLOWLOG_ENGINE', 'local');
  ({ createReportHandler } = await import('../../src/handlers/report.js'));
  vi.unstubAllEnvs();
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterAll(() => vi.unstubAllEnvs());

const handler = (settings: Record<string, string> = {}) => createReportHandler({ settings: { ...SETTINGS, ...settings }, adapters: buildAdapters(clients) });
type Summary = Awaited<ReturnType<ReturnType<typeof handler>>>;

/** Athena where DDL succeeds and each report query ends as `reportState` says (RUNNING: never ends). */
function athenaAnswers(reportState: 'RUNNING' | 'CANCELLED' | 'SUCCEEDED', reason?: string): void {
  let n = 0;
  const kinds = new Map<string, 'ddl' | 'report'>();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => {
    n += 1;
    const id = `q-${n}`;
    kinds.set(id, input.QueryString?.startsWith('ALTER TABLE') === true ? 'ddl' : 'report');
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    const state = kinds.get(input.QueryExecutionId) === 'ddl' ? 'SUCCEEDED' : reportState;
    return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DML', Status: { State: state, ...(reason === undefined ? {} : { StateChangeReason: reason }) }, Statistics: { DataScannedInBytes: 5_000_000_000 } } };
  });
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
  athena.on(StopQueryExecutionCommand).resolves({});
}

beforeEach(() => {
  athena.reset();
  glue.reset();
  sns.reset();
  glue.on(GetTableCommand).resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }] } });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
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
  it('when the workgroup cancels queries at its bytes-scanned cutoff, each is listed as failed by the cutoff and the report is still published', async () => {
    // Prepare
    athenaAnswers('CANCELLED', 'Query cancelled! : Bytes scanned limit was exceeded');
    // Act
    const summary: Summary = await handler()({ date: '2026-11-20' }, context(120_000));
    // Assess
    const failed = summary.queries.filter((q) => q.status === 'failed');
    expect(failed).toHaveLength(summary.queries.length);
    for (const q of failed) expect(q.error).toMatch(/cancelled by the bytes-scanned limit of workgroup flowlog after scanning 5000000000 bytes/);
    expect(summary.notifications).toEqual([{ channel: 'sns', status: 'sent', messageId: 'msg-1' }]);
    expect(failed.map((q) => q.name)).toContain('rollup-build 2026-11-13,2026-11-14,2026-11-15,2026-11-16,2026-11-17,2026-11-18,2026-11-19,2026-11-20');
    expect(summary.window.rawDays).toHaveLength(8);
    // 12: ten saved queries, the baseline-days query and the rollup build.
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: expect.stringMatching(/12 queries failed/) });
  });

  it('when queries are still running as the Lambda nears its deadline, each is stopped, listed as failed with the reason, and the report is still published', async () => {
    // Prepare
    athenaAnswers('RUNNING');
    // Act
    const summary: Summary = await handler()({ date: '2026-11-20' }, context(4_500));
    // Assess
    const started = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString ?? '');
    const reportQueries = started.filter((sql) => !sql.startsWith('ALTER TABLE')).length;
    const stopped = athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionId);
    expect(reportQueries).toBeGreaterThan(0);
    expect(stopped).toHaveLength(reportQueries);
    expect(new Set(stopped).size).toBe(reportQueries);
    const failed = summary.queries.filter((q) => q.status === 'failed');
    expect(failed).toHaveLength(summary.queries.length);
    for (const q of failed) expect(q.error).toMatch(/before the deadline/);
    expect(failed.filter((q) => /it was stopped \(StopQueryExecution\)/.test(q.error ?? ''))).toHaveLength(reportQueries);
    expect(failed.filter((q) => /nothing was started/.test(q.error ?? ''))).toHaveLength(summary.queries.length - reportQueries);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(summary.notifications[0]).toMatchObject({ channel: 'sns', status: 'sent' });
  });
});
