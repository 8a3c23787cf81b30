/**
 * Faults at the S3 edge of the rollup ledger (aws-sdk-client-mock): a listing refused or never
 * answered, a record that cannot be read or kept. The report still runs: stored days are read as
 * they are, and the report says what could not be checked and why.
 */
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LEDGER_CALL_TIMEOUT_MS, S3RollupLedger } from '../../src/lib/s3/s3-rollup-ledger.js';
import { daysOf, type UtcDay } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog, QueryEngine, QueryOptions, QueryResult } from '../../src/lib/ports.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { createAwsClients } from '../../src/lib/aws/clients.js';
import { loadCoreConfig } from '../../src/lib/config.js';
import { athenaOpener } from '../../src/lib/wiring/aws.js';

const ROOT = sourceRoot('s3://logs', '', '123456789012', 'ap-northeast-1');
const layout = layoutFor([{ account: '123456789012', region: 'ap-northeast-1', root: ROOT }]);
const DAY = '2026-11-18' as UtcDay;
const KEY = 'AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/18/a.log.gz';
const rawCatalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: ROOT }),
  listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
};
/** Every complete day is already built: the rollup has its partitions. */
const builtRollup: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs_rollup', partitionKeys: ['dt'], columns: [], location: 's3://results/rollup/' }),
  listPartitions: async (range) => daysOf(range).map((day) => ({ values: { dt: day.replaceAll('-', '/') }, location: `s3://results/rollup/builds/b0/dt=${day}/` })),
};

class RecordingEngine implements QueryEngine {
  readonly kind = 'athena' as const;
  readonly sql: string[] = [];
  async execute(sql: string, _options?: QueryOptions): Promise<QueryResult> {
    this.sql.push(sql);
    return { queryId: 'q', columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 1000, durationMs: 1, warnings: [] };
  }
}

function refused(name: string, status = 403): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: `${name} (stand-in)` });
}

/** The record of every day, saying it was built from the one file that the listing also shows. */
function recordOf(day: string): { Body: never } {
  const body = JSON.stringify({ day, files: [{ path: `s3://logs/${KEY.replace('2026/11/18', day.replaceAll('-', '/'))}`, sizeBytes: 10, version: '"e1"' }], skipped: [] });
  // The SDK's body stream offers transformToString; the ledger reads nothing else of it.
  return { Body: { transformToString: async () => body } as never };
}

async function report(ledger: S3RollupLedger, engine = new RecordingEngine()) {
  const deps = {
    engine,
    catalog: rawCatalog,
    layout,
    database: 'flowlogs',
    table: 'vpc_flow_logs',
    config: loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: 'UTC' }),
    now: () => new Date('2026-11-20T12:00:00Z'),
    rollup: { table: 'vpc_flow_logs_rollup', catalog: builtRollup, settleMinutes: 30, ledger },
  };
  // The rollup builds' INSERTs; the one staging the next folder's early rows (build 'early-...') builds no day.
  return { report: await runReport(deps, { date: '2026-11-19' }), inserts: engine.sql.filter((s) => s.startsWith('INSERT') && !s.includes("'early-")) };
}

describe('S3 rollup ledger faults', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => {
    s3.reset();
  });
  const ledger = (callTimeoutMs?: number) =>
    new S3RollupLedger({
      client: new S3Client({ region: 'ap-northeast-1' }),
      raw: rawCatalog,
      folder: 's3://results/rollup/ledger/vpc_flow_logs_rollup/',
      ...(callTimeoutMs === undefined ? {} : { callTimeoutMs }),
    });

  it('when ListObjectsV2 is refused, the report reads the stored rollup as it is, builds nothing, and warns naming the refusal', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).rejects(refused('AccessDenied'));
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => recordOf(/(\d{4}-\d{2}-\d{2})\.json$/.exec(input.Key)?.[1] ?? ''));

    // Act
    const { report: answer, inserts } = await report(ledger());

    // Assess
    expect(inserts).toEqual([]);
    expect(answer.window.rollupDays).toContain(DAY);
    const warning = answer.warnings.find((w) => w.startsWith('the files of '));
    expect(warning).toMatch(
      /^the files of 2026-11-1\d(, 2026-11-\d\d)* could not be listed or compared with those the rollup was built from \(S3 ListObjectsV2 s3:\/\/logs\/AWSLogs\/123456789012\/vpcflowlogs\/ap-northeast-1\/2026\/11\/\d\d\/ failed: AccessDenied: AccessDenied \(stand-in\)\): their stored rollup is read as it is, and a file added, changed or removed since is not seen this time$/,
    );
    expect(warning).toContain(DAY);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('when ListObjectsV2 never answers, the listing gives up at its per-call timeout and the report degrades the same way', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).callsFake(() => new Promise(() => {}));

    // Act
    const { report: answer, inserts } = await report(ledger(50));

    // Assess
    expect(LEDGER_CALL_TIMEOUT_MS).toBe(10_000);
    expect(inserts).toEqual([]);
    expect(answer.warnings.find((w) => w.startsWith('the files of '))).toContain('got no answer within 50 ms');
  });

  it('when the record of a day cannot be read (not a missing one), the stored rollup is read as it is and the report says why', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
    s3.on(GetObjectCommand).rejects(refused('InternalError', 500));

    // Act
    const { report: answer, inserts } = await report(ledger());

    // Assess
    expect(inserts).toEqual([]);
    expect(answer.warnings.find((w) => w.startsWith('the files of '))).toContain('InternalError');
  });

  it('when a built day has no record (NoSuchKey), it is built again once and its record is written after the switch', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [{ Key: `${input.Prefix}a.log.gz`, Size: 10, ETag: '"e1"' }], IsTruncated: false }));
    s3.on(GetObjectCommand).rejects(refused('NoSuchKey', 404));
    s3.on(PutObjectCommand).resolves({});

    // Act
    const { report: answer, inserts } = await report(ledger());

    // Assess
    expect(inserts.length).toBeGreaterThan(0);
    expect(answer.warnings).toContain(`the rollup of ${DAY} was built again before this report: it had no record of the files it was built from`);
    const written = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const ofDay = written.find((w) => w.Key === `rollup/ledger/vpc_flow_logs_rollup/${DAY}.json`);
    expect(ofDay?.Bucket).toBe('results');
    expect(JSON.parse(String(ofDay?.Body))).toEqual({ day: DAY, files: [{ path: `s3://logs/${KEY}`, sizeBytes: 10, version: '"e1"' }], skipped: [] });
  });

  it('when PutObject of a record is refused after the build, the day is still read from its new rollup and the report says it will be built again', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [{ Key: `${input.Prefix}a.log.gz`, Size: 10, ETag: '"e1"' }], IsTruncated: false }));
    s3.on(GetObjectCommand).rejects(refused('NoSuchKey', 404));
    s3.on(PutObjectCommand).rejects(refused('AccessDenied'));

    // Act
    const { report: answer } = await report(ledger());

    // Assess
    expect(answer.window.rollupDays).toContain(DAY);
    expect(answer.warnings.find((w) => w.startsWith('the record of the files of '))).toMatch(
      /could not be kept \(S3 PutObject s3:\/\/results\/rollup\/ledger\/vpc_flow_logs_rollup\/2026-11-\d\d\.json failed: AccessDenied: AccessDenied \(stand-in\)\): the next report builds (it|them) again$/,
    );
  });

  it("when the AWS wiring opens the Athena engine, its ledger keeps each day's record under ledger/<rollup table>/ of the rollup table's LOCATION, on the wiring's S3 client", async () => {
    // Prepare
    const glue = mockClient(GlueClient);
    glue.on(GetTableCommand).resolves({
      Table: { Name: 'vpc_flow_logs_rollup', DatabaseName: 'flowlogs', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: 's3://results/rollup/' } },
    });
    s3.on(PutObjectCommand).resolves({});
    const config = loadCoreConfig({
      FLOWLOG_ENGINE: 'athena',
      FLOWLOG_DATABASE: 'flowlogs',
      FLOWLOG_TABLE: 'vpc_flow_logs',
      FLOWLOG_BUCKET: 'flow-log-bucket',
      FLOWLOG_WORKGROUP: 'flowlog',
      FLOWLOG_OUTPUT_LOCATION: 's3://results/athena/',
      FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
    });

    // Act
    const handle = await athenaOpener(config, createAwsClients())();
    await handle.rollupLedger?.record([{ day: DAY, files: [], skipped: [] }]);

    // Assess
    glue.restore();
    expect(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key])).toEqual([['results', `rollup/ledger/${config.rollup.table}/${DAY}.json`]]);
  });
});
