import { describe, expect, it } from 'vitest';
import { QueryError, ValidationError } from '../../src/lib/errors.js';
import { localLocation } from '../../src/lib/local/local-partitions.js';
import { isPartitionStatement, parsePartitionStatement } from '../../src/lib/local/partition-statements.js';

describe('parsing Athena partition statements', () => {
  it('when several partitions are added with IF NOT EXISTS, it reads each spec and location in order', () => {
    // Act
    const parsed = parsePartitionStatement(
      "ALTER TABLE flowlogs.vpc_flow_logs ADD IF NOT EXISTS\nPARTITION (dt = '2026/11/01') LOCATION 's3://b/AWSLogs/1/'\npartition (dt='2026/11/02') location 's3://b/x/';",
    );

    // Assess
    expect(parsed).toEqual({
      kind: 'add',
      table: { database: 'flowlogs', table: 'vpc_flow_logs' },
      ifNotExists: true,
      partitions: [
        { values: { dt: '2026/11/01' }, location: 's3://b/AWSLogs/1/' },
        { values: { dt: '2026/11/02' }, location: 's3://b/x/' },
      ],
    });
  });

  it('when a value holds a hostile string, it stays one literal value', () => {
    // Act
    const parsed = parsePartitionStatement("ALTER TABLE t ADD PARTITION (dt = '''; DROP TABLE x; --') LOCATION '/d/'");

    // Assess
    expect(parsed.kind === 'add' && parsed.partitions[0]?.values).toEqual({ dt: "'; DROP TABLE x; --" });
  });

  it('when partitions are dropped or shown, it reads the table and specs', () => {
    // Act
    const drop = parsePartitionStatement("ALTER TABLE t DROP IF EXISTS PARTITION (aws_account = '1', dt = '2026/11/01'), PARTITION (aws_account = '2', dt = '2026/11/01')");
    const show = parsePartitionStatement('SHOW PARTITIONS db.t');

    // Assess
    expect(drop).toMatchObject({ kind: 'drop', ifExists: true, partitions: [{ values: { aws_account: '1' } }, { values: { aws_account: '2' } }] });
    expect(show).toEqual({ kind: 'show', table: { database: 'db', table: 't' } });
  });

  it.each([
    ["ALTER TABLE t ADD PARTITION (dt = '2026/11/01' LOCATION '/x/'", /expected ',' or '\)' after the value of dt, got "LOCATION"/],
    ["ALTER TABLE t ADD PARTITION (dt = 2026) LOCATION '/x/'", /quoted string/],
    ["ALTER TABLE t ADD PARTITION (dt = 'a', dt = 'b') LOCATION '/x/'", /given twice/],
    ["ALTER TABLE t ADD PARTITION (dt = 'a') LOCATION '/x/'; DROP TABLE t", /one statement at a time/],
    ["ALTER TABLE t ADD PARTITION (dt = 'a) LOCATION '/x/'", /unexpected character "\/"/],
    ["ALTER TABLE t ADD PARTITION (dt = 'a') LOCATION '/x/", /a string is not closed/],
    ['ALTER TABLE t RENAME TO u', /only ALTER TABLE \.\.\. ADD PARTITION, DROP PARTITION and PARTITION \(\.\.\.\) SET LOCATION/],
    ['ALTER TABLE t ADD', /PARTITION/],
  ])('when the statement is %j, it fails with a QueryError naming the problem', (sql, problem) => {
    // Act
    const failure = (() => {
      try {
        parsePartitionStatement(sql);
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(failure).toBeInstanceOf(QueryError);
    expect((failure as Error).message).toMatch(problem);
  });

  it('when a statement starts with comments, it is still recognised; a SELECT is not', () => {
    expect(isPartitionStatement("-- add\n  alter table t add partition (dt='a') location '/x/'")).toBe(true);
    expect(isPartitionStatement('SELECT * FROM t')).toBe(false);
  });
});

describe('mapping a LOCATION onto the data folder', () => {
  it('when it is an s3:// location, the bucket is dropped and the key lies under the data folder', () => {
    expect(localLocation('s3://any-bucket/AWSLogs/012345678901/vpcflowlogs/ap-northeast-1/2026/11/01/', '/data')).toBe(
      'AWSLogs/012345678901/vpcflowlogs/ap-northeast-1/2026/11/01/',
    );
    expect(localLocation('/data/AWSLogs/1/', '/data')).toBe('AWSLogs/1/');
  });

  it('when it escapes the data folder, it is a ValidationError', () => {
    expect(() => localLocation('s3://b/../../etc/', '/data')).toThrow(ValidationError);
    expect(() => localLocation('/etc/', '/data')).toThrow(/outside the data folder/);
  });
});

describe('parsing a partition location change', () => {
  it('when a partition is pointed at a new folder, the statement carries its values and location', () => {
    expect(parsePartitionStatement("ALTER TABLE flowlogs.r PARTITION (dt = '2026/11/20') SET LOCATION 's3://b/rollup/x/'")).toEqual({
      kind: 'set-location',
      table: { database: 'flowlogs', table: 'r' },
      partition: { values: { dt: '2026/11/20' }, location: 's3://b/rollup/x/' },
    });
  });
});
