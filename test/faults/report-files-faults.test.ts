/**
 * The report's files when S3 refuses them (aws-sdk-client-mock at the AWS edge, the report Lambda
 * on Athena): the notification still goes, says which files were not saved and carries no link
 * to them; ReportFilesFailed counts them and the invocation succeeds.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { S3ArtifactStore } from '../../src/lib/s3/s3-artifact-store.js';
import { reportArtifacts } from '../../src/lib/render/artifacts.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { METRICS_NAMESPACE, REPORT_METRICS, REPORT_SERVICE } from '../../src/lib/report/report-metrics.js';
import { createReportHandler } from '../../src/handlers/report.js';
import { awsReportDeps } from '../../src/lib/wiring/aws.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const SETTINGS = {
  FLOWLOG_BUCKET: 'logs-bucket',
  FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
  FLOWLOG_WORKGROUP: 'flowlog',
  FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports',
  FLOWLOG_REPORT_BUCKET: 'flowlog-results',
  AWS_REGION: 'ap-northeast-1',
};
const clients = { athena: new AthenaClient({ region: 'ap-northeast-1' }), glue: new GlueClient({ region: 'ap-northeast-1' }) };
const context = { awsRequestId: 'req-1', functionName: 'flowlog-pilot-prod-report', getRemainingTimeInMillis: () => 120_000 } as unknown as Context;

let stdout: string[] = [];
const metricValues = (): Record<string, unknown> => {
  const line = stdout.flatMap((c) => c.split('\n')).find((l) => l.includes('"CloudWatchMetrics"'));
  return line === undefined ? {} : (JSON.parse(line) as Record<string, unknown>);
};
const published = () => JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as { email: string; lambda: string };

// Powertools' own switch (read when its logger is built): quiet logs.
beforeAll(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
  for (const mock of [athena, glue, sns, s3]) mock.reset();
  glue.on(GetTableCommand).resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }] } });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
  let n = 0;
  athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${(n += 1)}` }));
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1_000 } },
  }));
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});
afterEach(() => vi.mocked(process.stdout.write).mockRestore());

describe('report Lambda: S3 refuses the report files', () => {
  it('when every PutObject is refused (AccessDenied), the report is still published with a warning and no link, and ReportFilesFailed counts every file', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
    const handler = createReportHandler(awsReportDeps(SETTINGS, clients));

    // Act
    const summary = await handler({ date: '2026-11-20' }, context);

    // Assess
    expect(summary.notifications).toEqual([{ channel: 'sns', status: 'sent', messageId: 'msg-1' }]);
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls.every((input) => input.Bucket === 'flowlog-results' && input.Key!.startsWith('reports/2026-11-20/'))).toBe(true);
    const report = parseReport(published().lambda);
    expect(report.files).toBeUndefined();
    expect(report.warnings.at(-1)).toMatch(
      /report files could not be saved under reports\/2026-11-20\/ .*first error: s3:\/\/flowlog-results\/reports\/2026-11-20\/[a-z.-]+ could not be written: AccessDenied: Access Denied/,
    );
    expect(published().email).toContain('report files could not be saved');
    expect(published().email).not.toContain('console.aws.amazon.com/s3');
    expect(metricValues().ReportFilesFailed).toBe(calls.length);
    // Every file was tried once: the page, the text, the JSON, the totals and each query's CSV.
    const keys = calls.map((input) => input.Key!.slice('reports/2026-11-20/'.length));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['report.txt', 'report.json', 'report.html', 'totals.csv']));
    expect(keys.length).toBeGreaterThan(reportArtifacts(report).filter((a) => !a.name.endsWith('.csv')).length);
  });

  it('when a run ends, it publishes every report metric the alarms and the dashboard name, with the service and function dimensions', async () => {
    s3.on(PutObjectCommand).resolves({});
    const handler = createReportHandler(awsReportDeps(SETTINGS, clients));

    const summary = await handler({ date: '2026-11-20' }, context);

    const emf = metricValues() as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } } & Record<
      string,
      unknown
    >;
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive!.Dimensions).toEqual([['service', 'FunctionName']]);
    expect(directive!.Metrics.map((m) => m.Name).sort()).toEqual(Object.values(REPORT_METRICS).sort());
    expect(directive!.Metrics.find((m) => m.Name === REPORT_METRICS.bytesScanned)?.Unit).toBe('Bytes');
    expect(emf).toMatchObject({
      service: REPORT_SERVICE,
      FunctionName: 'flowlog-pilot-prod-report',
      ReportRuns: 1,
      FindingsHigh: 0,
      ReportFilesFailed: 0,
      BytesScanned: summary.bytesScanned,
    });
    expect(summary.bytesScanned).toBeGreaterThan(0);
  });

  it('when only one CSV is refused, the report links to the folder and its main file and warns about that one file', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    s3.on(PutObjectCommand, { Key: 'reports/2026-11-20/totals.csv' }).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }),
    );
    const handler = createReportHandler(awsReportDeps(SETTINGS, clients));

    // Act
    await handler({ date: '2026-11-20' }, context);

    // Assess
    const report = parseReport(published().lambda);
    expect(report.files?.location).toBe('s3://flowlog-results/reports/2026-11-20/');
    expect(report.files?.mainUrl).toContain('prefix=reports%2F2026-11-20%2Freport.html');
    expect(report.warnings.at(-1)).toMatch(/^1 of \d+ report files could not be saved under reports\/2026-11-20\/ \(totals\.csv\)/);
    expect(metricValues().ReportFilesFailed).toBe(1);
  });

  it('when PutObject never answers, the write gives up at the deadline with a DeliveryError naming the key', async () => {
    // Prepare: S3 accepts the request and never answers.
    s3.on(PutObjectCommand).callsFake(() => new Promise(() => {}));
    const store = new S3ArtifactStore(new S3Client({ region: 'ap-northeast-1' }), 'flowlog-results', 'ap-northeast-1');
    const startedMs = Date.now();

    // Act
    const write = store.put('reports/2026-11-20/report.txt', 'text', 'text/plain; charset=utf-8', { deadlineMs: startedMs + 200 });

    // Assess
    await expect(write).rejects.toMatchObject({
      name: 'DeliveryError',
      message: expect.stringMatching(/^s3:\/\/flowlog-results\/reports\/2026-11-20\/report\.txt was not written before the deadline/),
    });
    expect(Date.now() - startedMs).toBeLessThan(5_000);
  });
});
