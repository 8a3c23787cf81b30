import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type ColumnInfo, type Row as AthenaRow } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaEngine } from '../../src/lib/athena/athena-engine.js';
import { describeQueryEngineContract } from '../contract/query-engine.contract.js';

/**
 * A scripted Athena: each statement of the contract answered as Athena answers it on the wire
 * (every value a string, types in the result metadata, the header as the first row), so the
 * adapter's own conversion is what the contract checks.
 */
interface Scripted {
  readonly columns?: readonly ColumnInfo[];
  readonly rows?: readonly (string | undefined)[][];
  readonly failure?: string;
}

const column = (Name: string, Type: string): ColumnInfo => ({ Name, Label: Name, Type });
const SCRIPT: Readonly<Record<string, Scripted>> = {
  "SELECT CAST(1 AS INTEGER) AS i, CAST(2 AS BIGINT) AS b, 1.5 AS d, 'x' AS s, NULL AS n": {
    columns: [column('i', 'integer'), column('b', 'bigint'), column('d', 'decimal'), column('s', 'varchar'), column('n', 'unknown')],
    rows: [['1', '2', '1.5', 'x', undefined]],
  },
  'SELECT x FROM (VALUES (1), (2), (3), (4), (5)) AS t (x) ORDER BY x': { columns: [column('x', 'integer')], rows: [['1'], ['2'], ['3'], ['4'], ['5']] },
  'SELECT 1 AS one': { columns: [column('one', 'integer')], rows: [['1']] },
  'SELEC nothing FROM': { failure: "line 1:1: mismatched input 'SELEC'" },
};

function scriptedAthena(): AthenaClient {
  const athena = mockClient(AthenaClient);
  const started = new Map<string, Scripted>();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    const id = `q-${started.size + 1}`;
    const script = SCRIPT[input.QueryString];
    if (script === undefined) throw new Error(`the scripted Athena has no answer for ${input.QueryString}`);
    started.set(id, script);
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    const script = started.get(input.QueryExecutionId);
    const failed = script?.failure !== undefined;
    return {
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        StatementType: 'DML',
        Status: failed
          ? { State: 'FAILED', StateChangeReason: script.failure, AthenaError: { ErrorCategory: 2, ErrorType: 1300, Retryable: false, ErrorMessage: script.failure } }
          : { State: 'SUCCEEDED' },
        Statistics: { DataScannedInBytes: 0, TotalExecutionTimeInMillis: 120 },
        ResultConfiguration: { OutputLocation: `s3://results/athena/${input.QueryExecutionId}.csv` },
      },
    };
  });
  athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => {
    const script = started.get(input.QueryExecutionId) ?? {};
    const columns = script.columns ?? [];
    const header: AthenaRow = { Data: columns.map((c) => ({ VarCharValue: c.Name })) };
    const rows: AthenaRow[] = (script.rows ?? []).map((values) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) }));
    return { ResultSet: { ResultSetMetadata: { ColumnInfo: [...columns] }, Rows: [header, ...rows] } };
  });
  return new AthenaClient({ region: 'ap-northeast-1' });
}

describeQueryEngineContract('Athena (scripted wire answers)', async () => ({
  engine: new AthenaEngine({
    client: scriptedAthena(),
    workgroup: 'flowlog',
    database: 'flowlogs',
    initialPollMs: 1,
    maxPollMs: 1,
  }),
  async cleanup() {},
}));
