import { describe, expect, it } from 'vitest';
import { classifyQueryExecution } from '../../src/lib/athena/query-state.js';
import { cellOf, columnsOf, isHeaderRow, rowOf } from '../../src/lib/athena/result-rows.js';

describe('query state classification', () => {
  it('when Athena says SUCCEEDED, it is succeeded', () => {
    expect(classifyQueryExecution({ Status: { State: 'SUCCEEDED' } })).toEqual({ kind: 'succeeded' });
  });

  it('when the status is QUEUED, RUNNING or not filled in yet, it is still running', () => {
    expect(classifyQueryExecution({ Status: { State: 'QUEUED' } })).toEqual({ kind: 'running', state: 'QUEUED' });
    expect(classifyQueryExecution({ Status: { State: 'RUNNING' } })).toEqual({ kind: 'running', state: 'RUNNING' });
    expect(classifyQueryExecution({})).toEqual({ kind: 'running', state: 'QUEUED' });
    expect(classifyQueryExecution(undefined)).toEqual({ kind: 'running', state: 'QUEUED' });
  });

  it("when the query FAILED, it carries Athena's own message, category and retryable flag", () => {
    const state = classifyQueryExecution({
      Status: {
        State: 'FAILED',
        StateChangeReason: 'line 1:8: mismatched input',
        AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false, ErrorMessage: "line 1:8: Table 'flowlogs.nope' does not exist" },
      },
    });
    expect(state).toEqual({ kind: 'failed', reason: "line 1:8: Table 'flowlogs.nope' does not exist", retryable: false, category: 'user', errorType: 1301 });
  });

  it('when a FAILED status has no AthenaError, it falls back to StateChangeReason and is not retryable', () => {
    const state = classifyQueryExecution({ Status: { State: 'FAILED', StateChangeReason: 'HIVE_METASTORE_ERROR: missing SerDe info' } });
    expect(state).toMatchObject({ kind: 'failed', reason: 'HIVE_METASTORE_ERROR: missing SerDe info', retryable: false, category: 'unknown' });
  });

  it('when Athena marks a system failure retryable, it says so', () => {
    const state = classifyQueryExecution({ Status: { State: 'FAILED', AthenaError: { ErrorCategory: 1, Retryable: true, ErrorMessage: 'Internal error' } } });
    expect(state).toMatchObject({ kind: 'failed', retryable: true, category: 'system' });
  });

  it('when a person cancelled the query, it is cancelled with no bytes cutoff', () => {
    const state = classifyQueryExecution({ Status: { State: 'CANCELLED', StateChangeReason: 'Query was cancelled by user' } });
    expect(state).toEqual({ kind: 'cancelled', reason: 'Query was cancelled by user', bytesCutoff: false, bytesScanned: undefined });
  });

  it("when the workgroup's bytes-scanned limit cancelled the query, it reports the cutoff and the bytes scanned", () => {
    const state = classifyQueryExecution({
      Status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded' },
      Statistics: { DataScannedInBytes: 10_485_760 },
    });
    expect(state).toMatchObject({ kind: 'cancelled', bytesCutoff: true, bytesScanned: 10_485_760 });
  });
});

describe('result rows', () => {
  const columns = columnsOf([
    { Name: 'srcaddr', Label: 'srcaddr', Type: 'varchar' },
    { Name: 'flows', Label: 'flows', Type: 'BIGINT' },
    { Name: 'ratio', Label: 'ratio', Type: 'double' },
  ]);

  it('when a column type comes in upper case, it is lowercased', () => {
    expect(columns.map((c) => c.type)).toEqual(['varchar', 'bigint', 'double']);
  });

  it('when a cell is numeric it becomes a number, and a missing VarCharValue becomes null', () => {
    const row = rowOf(columns, { Data: [{ VarCharValue: '10.0.0.1' }, { VarCharValue: '42' }, {}] });
    expect(row).toEqual({ srcaddr: '10.0.0.1', flows: 42, ratio: null });
    expect(cellOf('decimal', '12.50')).toBe(12.5);
    expect(cellOf('varchar', '007')).toBe('007');
  });

  it('when the statement is DML, the first row is the header; when DDL, it is data', () => {
    const first = { Data: [{ VarCharValue: 'srcaddr' }, { VarCharValue: 'flows' }, { VarCharValue: 'ratio' }] };
    expect(isHeaderRow('DML', first, columns)).toBe(true);
    expect(isHeaderRow('DDL', first, columns)).toBe(false);
  });

  it('when the statement type is not known, the first row is a header only if it repeats the labels', () => {
    const header = { Data: [{ VarCharValue: 'srcaddr' }, { VarCharValue: 'flows' }, { VarCharValue: 'ratio' }] };
    const data = { Data: [{ VarCharValue: '10.0.0.1' }, { VarCharValue: '3' }, { VarCharValue: '0.5' }] };
    expect(isHeaderRow(undefined, header, columns)).toBe(true);
    expect(isHeaderRow('UTILITY', data, columns)).toBe(false);
  });
});
