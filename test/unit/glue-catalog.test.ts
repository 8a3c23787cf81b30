import 'aws-sdk-client-mock-vitest/extend';
import { EntityNotFoundException, GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GlueCatalog } from '../../src/lib/glue/glue-catalog.js';
import { systemTiming } from '../../src/lib/retry.js';
import { parseRange, type DayRange } from '../../src/lib/dates.js';
import { NotFoundError } from '../../src/lib/errors.js';

const glue = mockClient(GlueClient);
const ROOT = 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/';

function catalog(): GlueCatalog {
  return new GlueCatalog({ client: new GlueClient({ region: 'ap-northeast-1' }), database: 'flowlogs', table: 'vpc_flow_logs', timing: { ...systemTiming, random: () => 0.5 } });
}

const gluePartition = (dt: string) => ({ Values: [dt], StorageDescriptor: { Location: `${ROOT}${dt}/` } });

async function onFakeTime<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return settled;
}

beforeEach(() => {
  glue.reset();
  vi.useFakeTimers();
  glue.on(GetTableCommand).resolves({
    Table: {
      Name: 'vpc_flow_logs',
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      StorageDescriptor: { Location: ROOT, Columns: [{ Name: 'version', Type: 'int' }] },
    },
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Glue catalog', () => {
  it.each([
    [{ 'projection.enabled': 'true' }, true],
    [{ 'projection.enabled': 'TRUE' }, true],
    [{ 'projection.enabled': 'false' }, false],
    [{}, false],
  ])('when the table parameters are %j, the description says projected %s', async (parameters, projected) => {
    // Prepare
    glue.on(GetTableCommand).resolves({ Table: { Name: 'vpc_flow_logs', Parameters: parameters, PartitionKeys: [{ Name: 'dt' }], StorageDescriptor: { Location: ROOT } } });
    // Act
    const description = await catalog().describeTable();
    // Assess
    expect(description.projected).toBe(projected);
  });

  it('when partitions come in two pages, it lists every one with its values and location, filtered by a dt expression', async () => {
    // Prepare
    glue.on(GetPartitionsCommand).resolves({ Partitions: [gluePartition('2026/11/01'), gluePartition('2026/11/02')], NextToken: 'more' });
    glue.on(GetPartitionsCommand, { NextToken: 'more' }).resolves({ Partitions: [gluePartition('2026/11/03')] });

    // Act
    const partitions = await catalog().listPartitions(parseRange('2026-11-01', '2026-11-03'));

    // Assess
    expect(partitions).toEqual([
      { values: { dt: '2026/11/01' }, location: `${ROOT}2026/11/01/` },
      { values: { dt: '2026/11/02' }, location: `${ROOT}2026/11/02/` },
      { values: { dt: '2026/11/03' }, location: `${ROOT}2026/11/03/` },
    ]);
    expect(glue).toHaveReceivedCommandTimes(GetPartitionsCommand, 2);
    expect(glue).toHaveReceivedNthCommandWith(GetPartitionsCommand, 1, {
      DatabaseName: 'flowlogs',
      TableName: 'vpc_flow_logs',
      Expression: "dt >= '2026/11/01' AND dt <= '2026/11/03'",
      ExcludeColumnSchema: true,
    });
    expect(glue).toHaveReceivedNthCommandWith(GetPartitionsCommand, 2, { NextToken: 'more' });
  });

  it('when the table has account and region keys too, it maps every value to its key', async () => {
    glue
      .on(GetTableCommand)
      .resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'aws_account' }, { Name: 'aws_region' }, { Name: 'dt' }], StorageDescriptor: {} } });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [{ Values: ['123456789012', 'us-east-1', '2026/11/01'], StorageDescriptor: { Location: 's3://b/x/' } }] });

    const partitions = await catalog().listPartitions(parseRange('2026-11-01', '2026-11-01'));

    expect(partitions).toEqual([{ values: { aws_account: '123456789012', aws_region: 'us-east-1', dt: '2026/11/01' }, location: 's3://b/x/' }]);
  });

  it('when the range holds a hostile string instead of a date, it refuses before calling Glue', async () => {
    const hostile = { from: "2026-11-01' OR 'x'='x", to: '2026-11-02' } as unknown as DayRange;

    await expect(catalog().listPartitions(hostile)).rejects.toThrow(/from: expected a date as YYYY-MM-DD/);
    expect(glue).not.toHaveReceivedCommand(GetPartitionsCommand);
  });

  it('when the table does not exist, it throws a NotFoundError naming database.table and what to do', async () => {
    glue.on(GetTableCommand).rejects(new EntityNotFoundException({ message: 'Table vpc_flow_logs not found.', $metadata: {} }));

    const error = await catalog()
      .describeTable()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('flowlogs.vpc_flow_logs');
    expect((error as Error).message).toContain('FLOWLOG_TABLE_MODE=create');
    expect((error as Error).message).toContain('FLOWLOG_DATABASE and FLOWLOG_TABLE');
  });

  it('when Glue throttles, it retries with backoff and returns the partitions', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    glue
      .on(GetPartitionsCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ Partitions: [gluePartition('2026/11/01')] });

    const { value } = await onFakeTime(catalog().listPartitions(parseRange('2026-11-01', '2026-11-01')));

    expect(value).toHaveLength(1);
    expect(glue).toHaveReceivedCommandTimes(GetPartitionsCommand, 3);
  });

  it('when Glue keeps throttling, it gives up after a bounded number of tries', async () => {
    glue.on(GetPartitionsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const { error } = await onFakeTime(catalog().listPartitions(parseRange('2026-11-01', '2026-11-01')));

    expect((error as Error).message).toContain('Glue GetPartitions failed for flowlogs.vpc_flow_logs: ThrottlingException');
    expect(glue).toHaveReceivedCommandTimes(GetPartitionsCommand, 6);
  });
});
