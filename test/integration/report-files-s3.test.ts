/**
 * The report's files in S3: the real SDK S3 client against moto_server on 127.0.0.1. The report
 * Lambda, run on the local engine over real flow-log lines, writes its files under
 * reports/<date>/ of the results bucket and the notification it sends links to them.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ArtifactStore } from '../../src/lib/s3/s3-artifact-store.js';
import { daysOf } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { Notifier, PartitionCatalog } from '../../src/lib/ports.js';
import { reportArtifacts } from '../../src/lib/render/artifacts.js';
import type { Report } from '../../src/lib/report/model.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { reportFolder, saveReport } from '../../src/lib/use-cases/save-report.js';
import { createReportHandler } from '../../src/handlers/report.js';
import { loadReportJobConfig } from '../../src/lib/report/report-config.js';
import { richReport } from '../support/report-fixture.js';
import { startMotoS3, type MotoS3 } from '../support/moto-s3.js';
import { ACCOUNT, FlowBucket, flowLine, REGION, type TestEngine } from '../support/flow-log-files.js';

const BUCKET = 'flowlog-pilot-ci-results';
let moto: MotoS3;

beforeAll(async () => {
  moto = await startMotoS3(REGION);
  await moto.createBucket(BUCKET);
  // Powertools' own switch (read when its logger is built): quiet logs.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

async function objectsUnder(prefix: string): Promise<Map<string, { body: string; contentType: string | undefined }>> {
  const s3 = moto.client();
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  const found = new Map<string, { body: string; contentType: string | undefined }>();
  for (const { Key } of listed.Contents ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: Key! }));
    found.set(Key!, { body: await object.Body!.transformToString(), contentType: object.ContentType });
  }
  return found;
}

describe('S3 artifact store', () => {
  it('when a report is saved, every artifact is in the bucket under reports/<date>/ with its body and content type, and the report links to them', async () => {
    // Prepare
    const report = richReport();
    const store = new S3ArtifactStore(moto.client(), BUCKET, REGION);

    // Act
    const saved = await saveReport(store, report);

    // Assess
    const folder = reportFolder(report.window.date);
    expect(folder).toBe('reports/2026-11-25/');
    const stored = await objectsUnder(folder);
    const expected = reportArtifacts(report);
    expect([...stored.keys()].sort()).toEqual(expected.map((a) => `${folder}${a.name}`).sort());
    for (const artifact of expected) expect(stored.get(`${folder}${artifact.name}`)).toEqual({ body: artifact.body, contentType: artifact.contentType });
    expect(saved.failed).toEqual([]);
    expect(saved.report.warnings).toEqual(report.warnings);
    expect(saved.report.files).toEqual({
      location: `s3://${BUCKET}/reports/2026-11-25/`,
      folderUrl: `https://${REGION}.console.aws.amazon.com/s3/buckets/${BUCKET}?region=${REGION}&bucketType=general&prefix=reports%2F2026-11-25%2F&showversions=false`,
      main: 'report.html',
      mainUrl: `https://${REGION}.console.aws.amazon.com/s3/object/${BUCKET}?region=${REGION}&bucketType=general&prefix=reports%2F2026-11-25%2Freport.html`,
    });
  });

  it('when the bucket does not exist, no file is saved: the report says so in a warning and carries no link', async () => {
    const store = new S3ArtifactStore(moto.client(), 'no-such-bucket-here', REGION);

    const saved = await saveReport(store, richReport());

    expect(saved.written).toEqual([]);
    expect(saved.failed.length).toBe(reportArtifacts(richReport()).length);
    expect(saved.failed[0]?.error).toMatch(/^s3:\/\/no-such-bucket-here\/reports\/2026-11-25\/report\.txt could not be written: NoSuchBucket/);
    expect(saved.report.files).toBeUndefined();
    expect(saved.report.warnings.at(-1)).toMatch(
      /^\d+ of \d+ report files could not be saved under reports\/2026-11-25\/ \(report\.txt, report\.json, report\.html, \.\.\.\); first error: /,
    );
  });
});

describe('report Lambda with a results bucket', () => {
  const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('/data', '', ACCOUNT, REGION) }]);
  const catalog: PartitionCatalog = {
    describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
    listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
  };
  const dayStart = Date.parse('2026-11-20T00:00:00Z') / 1000;
  const lines = [
    ...Array.from({ length: 24 }, (_, i) => flowLine({ src: '198.51.100.4', dst: '10.0.1.10', dstPort: 443, start: dayStart + i * 3600 })),
    ...Array.from({ length: 120 }, (_, i) => flowLine({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: 2000 + i, action: 'REJECT', start: dayStart + 3600 + i })),
  ];
  let opened: TestEngine[] = [];
  afterEach(() => {
    for (const o of opened) o.close();
    opened = [];
  });

  it('when the report runs, its files are written under reports/<date>/ before the notification, which links to them', async () => {
    // Prepare
    const sent: Report[] = [];
    const notifier: Notifier = { channel: 'sns', notify: async (report) => (sent.push(report), { channel: 'sns', messageId: 'm-1', truncated: false }) };
    const settings = {
      FLOWLOG_ENGINE: 'local',
      FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports',
      FLOWLOG_REPORT_BUCKET: BUCKET,
      AWS_REGION: REGION,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    const job = loadReportJobConfig(settings);
    const open = async () => {
      const local = await new FlowBucket().write(lines).open();
      opened.push(local);
      // The report's files go to the bucket of the settings (job.report.files), on moto.
      const files = job.report.files!;
      return {
        config: job.core,
        engine: local.engine,
        catalog,
        layout,
        notifiers: [notifier],
        artifacts: new S3ArtifactStore(moto.client(), files.bucket, files.region),
        close: async () => {},
      };
    };
    const handler = createReportHandler({ job, open, now: () => new Date('2026-11-21T09:30:00Z') });
    const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 120_000, functionName: 'flowlog-pilot-ci-report' } as unknown as Context;

    // Act
    const summary = await handler({ date: '2026-11-20' }, context);

    // Assess
    expect(summary.findings).toEqual([{ rule: 'port-scan', severity: 'high', count: 1 }]);
    const stored = await objectsUnder('reports/2026-11-20/');
    const json = JSON.parse(stored.get('reports/2026-11-20/report.json')!.body) as Report;
    expect(json.findings.map((f) => f.rule)).toEqual(['port-scan']);
    expect(stored.get('reports/2026-11-20/port-scan.csv')?.body).toContain('"203.0.113.5"');
    expect(stored.get('reports/2026-11-20/report.txt')?.contentType).toBe('text/plain; charset=utf-8');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.files?.location).toBe(`s3://${BUCKET}/reports/2026-11-20/`);
    expect(renderText(sent[0]!)).toContain(sent[0]!.files!.mainUrl);
  }, 60_000);
});
