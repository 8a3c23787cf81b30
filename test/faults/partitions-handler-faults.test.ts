/**
 * The partitions Lambda (aws-sdk-client-mock at the AWS edge, Glue state kept by parsing the DDL
 * Athena is asked to run): bad events start nothing; repeated, overlapping and retried runs add
 * each partition once and issue no duplicate DDL.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient, type Partition as GluePartition } from '@aws-sdk/client-glue';
import type { Context } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { answerLedgerCalls } from '../support/ledger-s3.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePartitionStatement } from '../../src/lib/local/partition-statements.js';
import type { PartitionsAnswer } from '../../src/lib/partitions/answer.js';
import { createPartitionsHandler } from '../../src/handlers/partitions.js';
import { awsPartitionsDeps } from '../../src/lib/wiring/aws.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
// The rollup ledger lists day folders and keeps records in S3 (answered here, never sent).
const s3 = mockClient(S3Client);
type Handler = (event: unknown, context: Context) => Promise<PartitionsAnswer>;
let handler: Handler;

beforeAll(() => {
  // Powertools' own switches (read when its logger and metrics are built): quiet, no metrics flushed.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  handler = createPartitionsHandler(
    awsPartitionsDeps({ FLOWLOG_BUCKET: 'logs-bucket', FLOWLOG_SOURCES: '123456789012:ap-northeast-1', FLOWLOG_WORKGROUP: 'flowlog' }),
  ) as unknown as Handler;
});
afterAll(() => vi.unstubAllEnvs());

const context = (requestId: string) => ({ awsRequestId: requestId, functionName: 'partitions', getRemainingTimeInMillis: () => 300_000 }) as unknown as Context;
const scheduled = (time: string) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time });

/** Glue's partitions of the table, filled only when a DDL statement "runs"; tokens deduplicated as Athena does. */
let catalog: Map<string, string>;
let ddlRuns: number;
function statefulAws(): void {
  catalog = new Map();
  ddlRuns = 0;
  const byToken = new Map<string, string>();
  athena.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
    const known = input.ClientRequestToken === undefined ? undefined : byToken.get(input.ClientRequestToken);
    if (known !== undefined) return { QueryExecutionId: known };
    ddlRuns += 1;
    const id = `q-${ddlRuns}`;
    if (input.ClientRequestToken !== undefined) byToken.set(input.ClientRequestToken, id);
    const statement = parsePartitionStatement(input.QueryString ?? '');
    if (statement.kind !== 'add') throw new Error('only ADD expected');
    for (const p of statement.partitions) {
      const dt = p.values.dt ?? '';
      if (catalog.has(dt) && !statement.ifNotExists) throw Object.assign(new Error('AlreadyExistsException'), { name: 'InvalidRequestException' });
      if (!catalog.has(dt)) catalog.set(dt, p.location ?? '');
    }
    return { QueryExecutionId: id };
  });
  athena
    .on(GetQueryExecutionCommand)
    .callsFake((input: { QueryExecutionId: string }) => ({ QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DDL', Status: { State: 'SUCCEEDED' } } }));
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
  glue.on(GetTableCommand).resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }] } });
  glue.on(GetPartitionsCommand).callsFake((input: { Expression?: string }) => {
    const [, from = '', to = ''] = /dt >= '([^']+)' AND dt <= '([^']+)'/.exec(input.Expression ?? '') ?? [];
    const partitions: GluePartition[] = [...catalog]
      .filter(([dt]) => dt >= from && dt <= to)
      .map(([dt, location]) => ({ Values: [dt], StorageDescriptor: { Location: location } }));
    return { Partitions: partitions };
  });
}

beforeEach(() => {
  athena.reset();
  glue.reset();
  s3.reset();
  answerLedgerCalls(s3);
  statefulAws();
});

describe('partitions Lambda: bad input starts nothing', () => {
  it.each([
    [{ from: "2026-01-01'; DROP TABLE x; --", to: '2026-01-02' }, 'from'],
    [{ from: '2026-01-01', to: '2026-13-01' }, 'to'],
    [{ date: '2026-02-29' }, 'date'],
    [{ date: '２０２６-01-01' }, 'date'],
    [{ from: '2026-02-01', to: '2026-01-01' }, 'to'],
    [{ from: '2000-01-01', to: '2026-01-01' }, 'to'],
    [{ from: '2026-01-01' }, 'to'],
    [{ date: 20260101 }, 'date'],
    [{ date: ['2026-01-01'] }, 'date'],
    [{ date: '2026-01-01', dryRun: 'yes' }, 'dryRun'],
    [{ date: '2026-01-01', table: 'x' }, 'table'],
    [{ 'detail-type': 'Scheduled Event', source: 'aws.events', time: "2026-01-01T00:00:00Z'; --" }, 'time'],
    [{ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2026-01-01T00:00:00Z' }, 'source'],
    [null, 'event'],
    ['2026-01-01', 'event'],
  ])('when the event is %j, it fails naming %s and calls neither Glue nor Athena', async (event, field) => {
    // Act
    const outcome = handler(event, context('bad-1'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(new RegExp(`^${field}: `)) });
    expect(glue.calls()).toHaveLength(0);
    expect(athena.calls()).toHaveLength(0);
  });
});

describe('partitions Lambda: idempotency', () => {
  it('when the schedule runs twice on the same day, the second run adds nothing and starts no DDL', async () => {
    // Act
    const first = await handler(scheduled('2026-11-05T23:00:00Z'), context('run-1'));
    const second = await handler(scheduled('2026-11-05T23:00:00Z'), context('run-2'));
    // Assess
    expect(first.added).toHaveLength(5);
    expect(second.added).toEqual([]);
    expect(second.existing).toHaveLength(5);
    expect(ddlRuns).toBe(1);
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 1);
  });

  it('when manual ranges overlap, each day is added once and neither run fails', async () => {
    // Act
    const first = await handler({ from: '2026-10-01', to: '2026-10-20' }, context('m-1'));
    const second = await handler({ from: '2026-10-15', to: '2026-11-04' }, context('m-2'));
    const third = await handler({ date: '2026-10-17' }, context('m-3'));
    // Assess
    expect(first.added).toHaveLength(20);
    expect(second.added).toHaveLength(15);
    expect(second.existing).toHaveLength(6);
    expect(third.added).toEqual([]);
    expect(catalog.size).toBe(35);
    expect(ddlRuns).toBe(2);
  });

  it('when an invocation is retried with the same request id before Glue shows its partitions, the same token is sent and no second DDL runs', async () => {
    // Prepare: Glue lags behind the first run (the retry sees none of its partitions yet)
    const lagging = new Map<string, string>();
    glue.on(GetPartitionsCommand).callsFake(() => ({ Partitions: [...lagging].map(([dt, location]) => ({ Values: [dt], StorageDescriptor: { Location: location } })) }));
    // Act
    const first = await handler({ from: '2026-09-01', to: '2026-09-10' }, context('same-request'));
    const retry = await handler({ from: '2026-09-01', to: '2026-09-10' }, context('same-request'));
    // Assess
    const tokens = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[1]).toBe(tokens[0]);
    expect(retry.queryIds).toEqual(first.queryIds);
    expect(ddlRuns).toBe(1);
    expect(catalog.size).toBe(10);
  });
});

describe('partitions Lambda: a rollup backfill that Athena cancels', () => {
  it('when the rollup build is cancelled, the partitions stay registered and the invoke fails naming the days and the reason', async () => {
    // Prepare: partition DDL succeeds; the INSERT of the rollup build is cancelled by the bytes cutoff.
    const insertIds = new Set<string>();
    athena.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
      ddlRuns += 1;
      const id = `q-${ddlRuns}`;
      const sql = input.QueryString ?? '';
      if (sql.startsWith('INSERT INTO')) {
        insertIds.add(id);
        return { QueryExecutionId: id };
      }
      const statement = parsePartitionStatement(sql);
      if (statement.kind === 'add') for (const p of statement.partitions) catalog.set(p.values.dt ?? '', p.location ?? '');
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        StatementType: insertIds.has(input.QueryExecutionId) ? 'DML' : 'DDL',
        Status: insertIds.has(input.QueryExecutionId) ? { State: 'CANCELLED', StateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded' } : { State: 'SUCCEEDED' },
        Statistics: { DataScannedInBytes: 0 },
      },
    }));

    glue.on(GetPartitionsCommand, { TableName: 'vpc_flow_logs_rollup' }).resolves({ Partitions: [] });
    glue
      .on(GetTableCommand, { Name: 'vpc_flow_logs_rollup' })
      .resolves({ Table: { Name: 'vpc_flow_logs_rollup', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: 's3://results/rollup/' } } });

    // Act
    const failure = await handler({ from: '2026-11-01', to: '2026-11-02', rollup: true }, context('req-rollup')).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/the rollup of 2026-11-01, 2026-11-02 could not be built: .*bytes-scanned limit.*; invoke again to retry/);
    expect([...catalog.keys()].sort()).toEqual(['2026/11/01', '2026/11/02']);
    // One build per day: with no build measured yet, each is sized to one day.
    expect(insertIds.size).toBe(2);
  });
});
