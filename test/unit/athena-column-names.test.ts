/**
 * The report Lambda on Athena over a table with AWS's column names (aws-sdk-client-mock at the AWS
 * edge, every statement recorded): the naming comes from the adopted table's Glue columns, or from
 * FLOWLOG_COLUMN_NAMES for a created one, and every statement that reads the raw table reads it
 * through the renaming relation; a walkthrough-named table gets the statements it always got.
 */
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReportHandler } from '../../src/handlers/report.js';
import { awsReportDeps } from '../../src/lib/wiring/aws.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const clients = { athena: new AthenaClient({ region: 'ap-northeast-1' }), glue: new GlueClient({ region: 'ap-northeast-1' }) };
const SETTINGS = { POWERTOOLS_LOG_LEVEL: 'SILENT', FLOWLOG_BUCKET: 'logs-bucket', FLOWLOG_SOURCES: '123456789012:ap-northeast-1', FLOWLOG_WORKGROUP: 'flowlog' };
const LOCATION = 's3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/';

/** AWS's documentation DDL for flow logs (versions 2 to 5), as Glue lists it. */
const AWS_DDL_COLUMNS = [
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
  ['vpc_id', 'string'],
  ['subnet_id', 'string'],
  ['instance_id', 'string'],
  ['tcp_flags', 'int'],
  ['type', 'string'],
  ['pkt_srcaddr', 'string'],
  ['pkt_dstaddr', 'string'],
  ['region', 'string'],
  ['az_id', 'string'],
  ['sublocation_type', 'string'],
  ['sublocation_id', 'string'],
  ['pkt_src_aws_service', 'string'],
  ['pkt_dst_aws_service', 'string'],
  ['flow_direction', 'string'],
  ['traffic_path', 'int'],
].map(([Name, Type]) => ({ Name: Name as string, Type: Type as string }));
const WALKTHROUGH_COLUMNS = [
  ['version', 'int'],
  ['account', 'string'],
  ['interfaceid', 'string'],
  ['sourceaddress', 'string'],
  ['destinationaddress', 'string'],
  ['sourceport', 'int'],
  ['destinationport', 'int'],
  ['protocol', 'int'],
  ['numpackets', 'int'],
  ['numbytes', 'bigint'],
  ['starttime', 'int'],
  ['endtime', 'int'],
  ['action', 'string'],
  ['logstatus', 'string'],
].map(([Name, Type]) => ({ Name: Name as string, Type: Type as string }));

// Powertools' own switch (read when its logger is built): quiet logs.
beforeAll(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterAll(() => vi.unstubAllEnvs());

const context = { awsRequestId: 'req-1', functionName: 'report', getRemainingTimeInMillis: () => 120_000 } as unknown as Context;
let statements: string[];

beforeEach(() => {
  athena.reset();
  glue.reset();
  statements = [];
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    statements.push(input.QueryString);
    return { QueryExecutionId: `q-${statements.length}` };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DML', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1_000 } },
  }));
  athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
});

function glueTable(columns: readonly { Name: string; Type: string }[]): void {
  glue
    .on(GetTableCommand, { Name: 'vpc_flow_logs' })
    .resolves({ Table: { Name: 'vpc_flow_logs', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Columns: [...columns], Location: LOCATION } } });
  glue
    .on(GetTableCommand, { Name: 'vpc_flow_logs_rollup' })
    .resolves({ Table: { Name: 'vpc_flow_logs_rollup', PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: 's3://results/rollup/' } } });
}

async function report(settings: Record<string, string>) {
  const handler = createReportHandler(awsReportDeps({ ...SETTINGS, ...settings }, clients));
  return handler({ date: '2026-11-20' }, context);
}

/** The raw table read directly by its own column names (what an AWS-named table cannot answer). */
const DIRECT_READ = /FROM flowlogs\.vpc_flow_logs\s*\n\s*WHERE/;
const RENAMED =
  /\(SELECT CAST\("version" AS integer\) AS version, CAST\("account_id" AS varchar\) AS account, CAST\("interface_id" AS varchar\) AS interfaceid, CAST\("srcaddr" AS varchar\) AS sourceaddress, CAST\("dstaddr" AS varchar\) AS destinationaddress, CAST\("srcport" AS integer\) AS sourceport, CAST\("dstport" AS integer\) AS destinationport, CAST\("protocol" AS integer\) AS protocol, CAST\("packets" AS bigint\) AS numpackets, CAST\("bytes" AS bigint\) AS numbytes, CAST\("start" AS bigint\) AS starttime, CAST\("end" AS bigint\) AS endtime, CAST\("action" AS varchar\) AS action, CAST\("log_status" AS varchar\) AS logstatus, .*"dt"(, "\$path")? FROM flowlogs\.vpc_flow_logs\)/;

describe('report Lambda on a table with AWS column names', () => {
  it('when the adopted table has the columns of AWS documentation DDL, every raw read goes through the renaming relation and every query runs', async () => {
    // Prepare
    glueTable(AWS_DDL_COLUMNS);

    // Act
    const summary = await report({ FLOWLOG_TABLE_MODE: 'adopt' });

    // Assess
    expect(summary.queries.filter((q) => q.status === 'failed')).toEqual([]);
    // The rollup builds of the complete days (the first of one day, to measure it, then the rest)
    // and the report queries over the rollup: no statement reads the raw table by its own names.
    const build = statements.filter((s) => s.startsWith('INSERT INTO flowlogs.vpc_flow_logs_rollup'));
    expect(build).toHaveLength(2);
    for (const sql of build) {
      expect(sql).toMatch(RENAMED);
      expect(sql).toContain('"traffic_path"');
    }
    for (const sql of statements.filter((s) => !s.startsWith('ALTER TABLE'))) expect(sql).not.toMatch(DIRECT_READ);
  });

  it('when the rollup is not used (its build fails), the report queries read the raw table through the renaming relation', async () => {
    // Prepare: the rollup build fails, so every day is read from the raw table.
    glueTable(AWS_DDL_COLUMNS);
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
      const sql = statements[Number(input.QueryExecutionId.slice(2)) - 1] ?? '';
      const failed = sql.startsWith('INSERT INTO');
      return {
        QueryExecution: {
          QueryExecutionId: input.QueryExecutionId,
          StatementType: 'DML',
          Status: failed ? { State: 'FAILED', StateChangeReason: 'denied' } : { State: 'SUCCEEDED' },
          Statistics: { DataScannedInBytes: 1_000 },
        },
      };
    });

    // Act
    const summary = await report({ FLOWLOG_TABLE_MODE: 'adopt' });

    // Assess
    const reportQueries = statements.filter((s) => s.startsWith('WITH flows AS'));
    expect(reportQueries.length).toBeGreaterThanOrEqual(10);
    for (const sql of reportQueries) {
      expect(sql).toMatch(RENAMED);
      expect(sql).not.toMatch(DIRECT_READ);
    }
    const failed = summary.queries.filter((q) => q.status === 'failed').map((q) => q.name);
    expect(failed.length).toBeGreaterThan(0);
    // Every INSERT fails: the rollup builds and the staging of the next folder's early rows (read raw instead).
    for (const name of failed) expect(name).toMatch(/^(rollup-build|early-rows) /);
  });

  it('when the stack created the table with columnNames aws, the statements are the same as for an adopted AWS-named table', async () => {
    // Prepare
    glueTable(AWS_DDL_COLUMNS);
    await report({
      FLOWLOG_TABLE_MODE: 'adopt',
      FLOWLOG_FORMAT:
        '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
    });
    const adopted = statements.filter((s) => s.startsWith('INSERT INTO'));
    statements = [];

    // Act
    await report({ FLOWLOG_COLUMN_NAMES: 'aws' });

    // Assess: the created table has the 14 default fields; the adopted one had 29, so compare the default part.
    const created = statements.filter((s) => s.startsWith('INSERT INTO'));
    expect(created).toHaveLength(2);
    expect(created[0]).toMatch(RENAMED);
    expect(created[0]).toContain('CAST("log_status" AS varchar) AS logstatus, "dt" FROM flowlogs.vpc_flow_logs)');
    expect(adopted[0]).toMatch(RENAMED);
  });

  it('when the adopted table has the walkthrough names, the statements read the table itself, as before', async () => {
    // Prepare
    glueTable(WALKTHROUGH_COLUMNS);

    // Act
    await report({ FLOWLOG_TABLE_MODE: 'adopt' });

    // Assess
    const build = statements.filter((s) => s.startsWith('INSERT INTO'));
    expect(build).toHaveLength(2);
    for (const sql of build) {
      expect(sql).toMatch(DIRECT_READ);
      expect(sql).not.toContain('CAST("');
    }
  });

  it('when the adopted table has no flow-log columns it knows, the report fails naming the table and its columns, and runs no query', async () => {
    // Prepare
    glueTable([{ Name: 'message', Type: 'string' }]);

    // Act
    const outcome = report({ FLOWLOG_TABLE_MODE: 'adopt' });

    // Assess
    await expect(outcome).rejects.toThrow(/flowlogs\.vpc_flow_logs: has columns message: no flow-log columns such as sourceaddress .* or srcaddr/);
    expect(statements).toEqual([]);
  });
});
