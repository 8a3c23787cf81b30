import 'aws-sdk-client-mock-vitest/extend';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AthenaEngine, DEFAULT_ANSWER_RESERVE_MS, DEFAULT_DEADLINE_MARGIN_MS, DEFAULT_STOP_TIMEOUT_MS, RESULT_PAGE_SIZE } from '../../src/lib/athena/athena-engine.js';
import { systemTiming } from '../../src/lib/retry.js';
import { DeadlineError, QueryError } from '../../src/lib/errors.js';

const athena = mockClient(AthenaClient);
const START_MS = Date.parse('2026-11-05T00:10:00Z');
const TOKEN = 'a'.repeat(64);

function engine(): AthenaEngine {
  return new AthenaEngine({
    client: new AthenaClient({ region: 'ap-northeast-1' }),
    workgroup: 'flowlog',
    database: 'flowlogs',
    outputLocation: 's3://results-bucket/athena/',
    timing: { ...systemTiming, random: () => 0.5 },
  });
}

/** Runs the engine on fake time: every sleep ends at once, and the outcome is kept either way. */
async function onFakeTime<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return settled;
}

function execution(state: string, extra: QueryExecution = {}): { QueryExecution: QueryExecution } {
  return {
    QueryExecution: {
      QueryExecutionId: 'q-1',
      StatementType: 'DML',
      Statistics: { DataScannedInBytes: 2_048, TotalExecutionTimeInMillis: 1_234 },
      ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/q-1.csv' },
      ...extra,
      Status: { State: state as 'RUNNING', ...extra.Status },
    },
  };
}

const text = (...values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });

function page(rows: ReturnType<typeof text>[], nextToken?: string): Partial<GetQueryResultsCommandOutput> {
  return {
    ResultSet: {
      ResultSetMetadata: {
        ColumnInfo: [
          { Name: 'srcaddr', Label: 'srcaddr', Type: 'varchar' },
          { Name: 'flows', Label: 'flows', Type: 'bigint' },
        ],
      },
      Rows: rows,
    },
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  };
}

function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  athena.reset();
  vi.useFakeTimers();
  vi.setSystemTime(START_MS);
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(StopQueryExecutionCommand).resolves({});
  athena.on(GetQueryResultsCommand).resolves(page([]));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Athena engine', () => {
  it('when a SELECT spans two pages, it drops the header row of the first page only and normalises the values', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolvesOnce(execution('QUEUED')).resolvesOnce(execution('RUNNING')).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(page([text('srcaddr', 'flows'), text('10.0.0.1', '42')], 'page-2'));
    athena.on(GetQueryResultsCommand, { NextToken: 'page-2' }).resolves(page([text('10.0.0.2', undefined)]));

    // Act
    const { value, error } = await onFakeTime(engine().execute('SELECT 1', { label: 'top-talkers', requestToken: TOKEN }));

    // Assess
    expect(error).toBeUndefined();
    expect(value?.columns).toEqual([
      { name: 'srcaddr', type: 'varchar' },
      { name: 'flows', type: 'bigint' },
    ]);
    expect(value?.rows).toEqual([
      { srcaddr: '10.0.0.1', flows: 42 },
      { srcaddr: '10.0.0.2', flows: null },
    ]);
    expect(value).toMatchObject({ queryId: 'q-1', rowsLeftOut: 0, bytesScanned: 2_048, durationMs: 1_234, outputLocation: 's3://results-bucket/athena/q-1.csv' });
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: 'SELECT 1',
      WorkGroup: 'flowlog',
      QueryExecutionContext: { Database: 'flowlogs' },
      ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/' },
      ClientRequestToken: TOKEN,
    });
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 3);
    expect(athena).toHaveReceivedNthCommandWith(GetQueryResultsCommand, 1, { QueryExecutionId: 'q-1', MaxResults: RESULT_PAGE_SIZE });
    expect(athena).toHaveReceivedNthCommandWith(GetQueryResultsCommand, 2, { QueryExecutionId: 'q-1', MaxResults: RESULT_PAGE_SIZE, NextToken: 'page-2' });
  });

  it('when a DDL statement returns rows, it keeps the first row as data', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'partition', Type: 'string' }] }, Rows: [text('dt=2026/11/01'), text('dt=2026/11/02')] },
    });

    const { value } = await onFakeTime(engine().execute('SHOW PARTITIONS flowlogs.vpc_flow_logs'));

    expect(value?.rows).toEqual([{ partition: 'dt=2026/11/01' }, { partition: 'dt=2026/11/02' }]);
  });

  it('when maxRows is smaller than the result, it keeps that many and counts the rest in rowsLeftOut', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(page([text('srcaddr', 'flows'), text('10.0.0.1', '3'), text('10.0.0.2', '2'), text('10.0.0.3', '1')]));

    const { value } = await onFakeTime(engine().execute('SELECT 1', { maxRows: 1 }));

    expect(value?.rows).toEqual([{ srcaddr: '10.0.0.1', flows: 3 }]);
    expect(value?.rowsLeftOut).toBe(2);
  });

  it('when StartQueryExecution and GetQueryExecution are throttled once each, it waits and succeeds with one query', async () => {
    athena.on(StartQueryExecutionCommand).rejectsOnce(throttling()).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).rejectsOnce(throttling()).resolves(execution('SUCCEEDED'));

    const { value, error } = await onFakeTime(engine().execute('SELECT 1'));

    expect(error).toBeUndefined();
    expect(value?.queryId).toBe('q-1');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 2);
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 2);
    expect(athena).not.toHaveReceivedCommand(StopQueryExecutionCommand);
  });

  it('when too many queries are running, it retries the start and succeeds once a slot frees', async () => {
    const busy = new TooManyRequestsException({ message: 'Too many queries', $metadata: {}, Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' });
    athena.on(StartQueryExecutionCommand).rejectsOnce(busy).rejectsOnce(busy).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));

    const { value } = await onFakeTime(engine().execute('SELECT 1'));

    expect(value?.queryId).toBe('q-1');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 3);
  });

  it('when too many queries stay running, it gives up after a bounded number of starts with a QueryError naming the reason', async () => {
    athena.on(StartQueryExecutionCommand).rejects(new TooManyRequestsException({ message: 'Too many queries', $metadata: {}, Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' }));

    const { error } = await onFakeTime(engine().execute('SELECT 1'));

    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain('CONCURRENT_QUERY_LIMIT_EXCEEDED');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 6);
  });

  it("when the query FAILED, it throws a QueryError with Athena's reason and does not start it again", async () => {
    athena.on(GetQueryExecutionCommand).resolves(
      execution('FAILED', {
        Status: {
          State: 'FAILED',
          StateChangeReason: 'SYNTAX_ERROR',
          AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false, ErrorMessage: "Table 'flowlogs.nope' does not exist" },
        },
      }),
    );

    const { error } = await onFakeTime(engine().execute('SELECT * FROM nope', { label: 'rejects' }));

    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toBe("Athena query q-1 (rejects) failed: Table 'flowlogs.nope' does not exist");
    expect((error as QueryError).queryId).toBe('q-1');
    expect((error as QueryError).context).toMatchObject({ category: 'user', retryable: false });
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 1);
  });

  it('when the query FAILED with a retryable error, it starts it again with its own request token and returns the second result', async () => {
    athena.on(StartQueryExecutionCommand).resolvesOnce({ QueryExecutionId: 'q-1' }).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-1' })
      .resolves(execution('FAILED', { Status: { State: 'FAILED', AthenaError: { ErrorCategory: 1, Retryable: true, ErrorMessage: 'Internal error' } } }));
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-2' }).resolves(execution('SUCCEEDED', { QueryExecutionId: 'q-2' }));

    const { value } = await onFakeTime(engine().execute('SELECT 1', { requestToken: TOKEN }));

    expect(value?.queryId).toBe('q-2');
    expect(value?.warnings.join(' ')).toContain('Internal error');
    expect(athena).toHaveReceivedNthCommandWith(StartQueryExecutionCommand, 1, { ClientRequestToken: TOKEN });
    expect(athena).toHaveReceivedNthCommandWith(StartQueryExecutionCommand, 2, { ClientRequestToken: `${TOKEN}-restart-1` });
  });

  it('when a retryable failure keeps coming, it stops after a bounded number of starts', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolves(execution('FAILED', { Status: { State: 'FAILED', AthenaError: { ErrorCategory: 1, Retryable: true, ErrorMessage: 'Internal error' } } }));

    const { error } = await onFakeTime(engine().execute('SELECT 1'));

    expect((error as Error).message).toContain('after 3 starts: Internal error');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 3);
  });

  it('when the query is CANCELLED, it throws a QueryError with the reason', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('CANCELLED', { Status: { State: 'CANCELLED', StateChangeReason: 'Query was cancelled by user' } }));

    const { error } = await onFakeTime(engine().execute('SELECT 1'));

    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).message).toBe('Athena query q-1 was cancelled: Query was cancelled by user');
    expect((error as QueryError).state).toBe('CANCELLED');
  });

  it("when the workgroup's bytes-scanned cutoff cancelled the query, it says so and what to change", async () => {
    athena.on(GetQueryExecutionCommand).resolves(
      execution('CANCELLED', {
        Status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded' },
        Statistics: { DataScannedInBytes: 10_485_760 },
      }),
    );

    const { error } = await onFakeTime(engine().execute('SELECT 1'));

    expect((error as QueryError).message).toContain('cancelled by the bytes-scanned limit of workgroup flowlog after scanning 10485760 bytes');
    expect((error as QueryError).message).toContain('BytesScannedCutoffPerQuery');
    expect((error as QueryError).context).toMatchObject({ bytesCutoff: true });
  });

  it('when the deadline comes before the query finishes, it stops the query and throws a DeadlineError naming it', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    const deadlineMs = START_MS + 20_000;

    const { error } = await onFakeTime(engine().execute('SELECT 1', { deadlineMs }));

    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toContain('q-1');
    expect((error as Error).message).toContain('stopped');
    expect(athena).toHaveReceivedCommandExactlyOnceWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-1' });
    expect(Date.now()).toBeLessThanOrEqual(deadlineMs - DEFAULT_DEADLINE_MARGIN_MS);
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  });

  it('when there is no time left before the start, it starts nothing', async () => {
    const { error } = await onFakeTime(engine().execute('SELECT 1', { deadlineMs: START_MS + 1_000 }));

    expect(error).toBeInstanceOf(DeadlineError);
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });

  it('when GetQueryExecution fails with a non-throttling error, it stops the query rather than leave it running', async () => {
    athena.on(GetQueryExecutionCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    const { error } = await onFakeTime(engine().execute('SELECT 1'));

    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain('AccessDeniedException');
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-1' });
  });
});

/** An Athena call that never answers: a connection accepted and left hanging. */
const never = () => new Promise<never>(() => {});

describe('Athena engine: stalled calls and the deadline', () => {
  it('when its deadline margins are read, 3 s are kept before the deadline, 2 s of them for the stop, 1 s to answer after results', () => {
    expect(DEFAULT_DEADLINE_MARGIN_MS).toBe(3_000);
    expect(DEFAULT_STOP_TIMEOUT_MS).toBe(2_000);
    expect(DEFAULT_ANSWER_RESERVE_MS).toBe(1_000);
  });

  it('when GetQueryExecution never answers, the poll is given up at the margin, the query is stopped, and a DeadlineError names both', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).callsFake(never);
    const deadlineMs = START_MS + 60_000;
    // Act
    const { error } = await onFakeTime(engine().execute('SELECT 1', { label: 'port-scan', deadlineMs }));
    // Assess
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(
      /^Athena GetQueryExecution for the query \(port-scan\) got no answer before the deadline \(waited 57000 ms\); Athena query q-1 \(port-scan\): it was stopped \(StopQueryExecution\)$/,
    );
    expect(athena).toHaveReceivedCommandExactlyOnceWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-1' });
    expect(Date.now()).toBe(deadlineMs - 3_000);
  });

  it('when StopQueryExecution never answers either, it gives up after 2 s, before the deadline, and says how to stop the query by hand', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).callsFake(never);
    const deadlineMs = START_MS + 20_000;

    const { error } = await onFakeTime(engine().execute('SELECT 1', { deadlineMs }));

    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toContain(
      'stopping it failed too (StopQueryExecution got no answer within 2000 ms): stop it by hand with aws athena stop-query-execution --query-execution-id q-1',
    );
    expect(Date.now()).toBeLessThanOrEqual(deadlineMs - 1_000);
  });

  it('when StartQueryExecution never answers and the start has a request token, the same token finds the query and it is stopped', async () => {
    // Prepare: Athena answers a repeated token with the query it already started.
    athena.on(StartQueryExecutionCommand).callsFakeOnce(never).resolves({ QueryExecutionId: 'q-7' });
    const deadlineMs = START_MS + 30_000;
    // Act
    const { error } = await onFakeTime(engine().execute('SELECT 1', { requestToken: TOKEN, deadlineMs }));
    // Assess
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toContain(
      'StartQueryExecution for the query got no answer before the deadline (waited 27000 ms); Athena query q-7: it was stopped (StopQueryExecution)',
    );
    expect(athena).toHaveReceivedNthCommandWith(StartQueryExecutionCommand, 2, { ClientRequestToken: TOKEN });
    expect(athena).toHaveReceivedCommandExactlyOnceWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-7' });
    expect(Date.now()).toBeLessThanOrEqual(deadlineMs - 1_000);
  });

  it('when StartQueryExecution never answers and there is no request token, it says the query may have started', async () => {
    athena.on(StartQueryExecutionCommand).callsFake(never);

    const { error } = await onFakeTime(engine().execute('SELECT 1', { deadlineMs: START_MS + 10_000 }));

    expect((error as Error).message).toMatch(/got no answer before the deadline \(waited 7000 ms\); it may have started/);
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 1);
    expect(athena).not.toHaveReceivedCommand(StopQueryExecutionCommand);
  });

  it('when GetQueryResults never answers, it is given up 1 s before the deadline', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).callsFake(never);
    const deadlineMs = START_MS + 40_000;

    const { error } = await onFakeTime(engine().execute('SELECT 1', { deadlineMs }));

    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toContain('GetQueryResults');
    expect(Date.now()).toBe(deadlineMs - 1_000);
  });
});
