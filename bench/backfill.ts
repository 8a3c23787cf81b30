import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaEngine } from '../src/lib/athena/athena-engine.js';
import { GlueCatalog } from '../src/lib/glue/glue-catalog.js';
import { addDays, parseDay, type UtcDay } from '../src/lib/dates.js';
import { layoutFor, sourceRoot, type Source } from '../src/lib/partitions/layout.js';
import { ensurePartitions } from '../src/lib/use-cases/ensure-partitions.js';

export interface BackfillCount {
  readonly days: number;
  readonly sources: number;
  readonly partitionsAdded: number;
  readonly athenaStatements: number;
  readonly athenaCalls: Readonly<Record<string, number>>;
  readonly glueCalls: Readonly<Record<string, number>>;
}

const DAY_COUNTS = [1, 31, 365] as const;
const SOURCE_COUNTS = [1, 4] as const;
const LAST_DAY = parseDay('2026-11-20');
const REGIONS = ['ap-northeast-1', 'ap-northeast-3', 'us-east-1', 'eu-west-1'] as const;
const BUCKET_ROOT = 's3://flowlog-bench-bucket/';

/**
 * Counts the AWS calls a backfill makes against mocked Athena and Glue clients, for 1, 31 and
 * 365 days of one and of four sources, with nothing registered yet (the worst case).
 */
export async function countBackfillCalls(): Promise<BackfillCount[]> {
  const counts: BackfillCount[] = [];
  for (const sourceCount of SOURCE_COUNTS) {
    for (const days of DAY_COUNTS) counts.push(await countOne(days, sourceCount));
  }
  return counts;
}

async function countOne(days: number, sourceCount: number): Promise<BackfillCount> {
  const athenaClient = new AthenaClient({ region: 'ap-northeast-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const glueClient = new GlueClient({ region: 'ap-northeast-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const athena = mockClient(athenaClient);
  const glue = mockClient(glueClient);
  try {
    const sources: Source[] = REGIONS.slice(0, sourceCount).map((region, i) => {
      const account = String(123456789012 + i);
      return { account, region, root: sourceRoot(BUCKET_ROOT, '', account, region) };
    });
    const layout = layoutFor(sources);
    glue.on(GetTableCommand).resolves({
      Table: { Name: 'vpc_flow_logs', PartitionKeys: layout.keys.map((Name) => ({ Name, Type: 'string' })), StorageDescriptor: { Location: BUCKET_ROOT, Columns: [] } },
    });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
    let started = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `bench-${(started += 1)}` }));
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId?: string }) => ({
      QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DDL', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } },
    }));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
    const engine = new AthenaEngine({ client: athenaClient, workgroup: 'flowlog-pilot', database: 'flowlogs', initialPollMs: 1, maxPollMs: 1 });
    const catalog = new GlueCatalog({ client: glueClient, database: 'flowlogs', table: 'vpc_flow_logs' });
    const range = { from: addDays(LAST_DAY, -(days - 1)) as UtcDay, to: LAST_DAY };
    const result = await ensurePartitions({ catalog, engine, database: 'flowlogs', table: 'vpc_flow_logs', layout }, { range });
    const athenaCalls = {
      StartQueryExecution: athena.commandCalls(StartQueryExecutionCommand).length,
      GetQueryExecution: athena.commandCalls(GetQueryExecutionCommand).length,
      GetQueryResults: athena.commandCalls(GetQueryResultsCommand).length,
    };
    const glueCalls = { GetTable: glue.commandCalls(GetTableCommand).length, GetPartitions: glue.commandCalls(GetPartitionsCommand).length };
    return { days, sources: sourceCount, partitionsAdded: result.added.length, athenaStatements: athenaCalls.StartQueryExecution, athenaCalls, glueCalls };
  } finally {
    athena.restore();
    glue.restore();
  }
}
