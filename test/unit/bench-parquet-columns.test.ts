/**
 * The benchmark's estimate of Athena's bytes for Parquet rests on which of the table's columns a
 * statement reads: derived from the statement the Athena jobs render, never listed by hand.
 */
import { describe, expect, it } from 'vitest';
import { parquetBuildStatement, parquetColumnsRead } from '../../bench/parquet-bytes.js';

describe('parquetColumnsRead', () => {
  it('when the rollup build over a Parquet (AWS-named) table is rendered, it reads the 11 columns it groups or sums and not version, account_id or srcport', () => {
    // Act
    const columns = parquetColumnsRead(parquetBuildStatement('2026-11-20'));

    // Assess
    expect([...columns].sort()).toEqual(['action', 'bytes', 'dstaddr', 'dstport', 'end', 'interface_id', 'log_status', 'packets', 'protocol', 'srcaddr', 'start']);
  });

  it('when a renamed column is named only in a comment or as part of a longer name, it is not counted as read', () => {
    // Prepare
    const sql = [
      '-- sums sourceport per account',
      'SELECT sum(numbytes), max(sourceport_bucket), "action" FROM (SELECT CAST("bytes" AS bigint) AS numbytes, CAST("srcport" AS integer) AS sourceport, CAST("account_id" AS varchar) AS account, CAST("action" AS varchar) AS action, "dt" FROM t)',
    ].join('\n');

    // Act and assess: a quoted identifier ("action") is a reference all the same
    expect(parquetColumnsRead(sql)).toEqual(['bytes', 'action']);
  });

  it('when a statement reads the table without a renaming relation, it refuses to guess the Parquet columns', () => {
    expect(() => parquetColumnsRead('SELECT sum(numbytes) FROM flowlogs.vpc_flow_logs')).toThrow(/no renaming relation/);
  });
});
