import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/lib/errors.js';
import {
  DEFAULT_FORMAT,
  FIELDS,
  columnName,
  detectColumns,
  withNaming,
  formatString,
  formatVersion,
  headerLine,
  mapFileToTable,
  parseFormatString,
  parseHeaderLine,
} from '../../src/lib/flowlog/format.js';

describe('flow-log format model', () => {
  it('when the default format is used, it has the 14 version 2 fields with the columns users already have', () => {
    expect(DEFAULT_FORMAT.map((f) => f.column)).toEqual([
      'version',
      'account',
      'interfaceid',
      'sourceaddress',
      'destinationaddress',
      'sourceport',
      'destinationport',
      'protocol',
      'numpackets',
      'numbytes',
      'starttime',
      'endtime',
      'action',
      'logstatus',
    ]);
    expect(headerLine(DEFAULT_FORMAT)).toBe('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status');
    expect(DEFAULT_FORMAT.find((f) => f.column === 'account')?.type).toBe('string');
    expect(DEFAULT_FORMAT.find((f) => f.column === 'numbytes')?.type).toBe('bigint');
  });

  it('when listing every field up to version 8, it gives unique snake_case columns to the later fields', () => {
    const columns = FIELDS.map((f) => f.column);
    expect(new Set(columns).size).toBe(columns.length);
    expect(FIELDS).toHaveLength(14 + 7 + 4 + 4 + 10 + 1);
    for (const f of FIELDS.filter((x) => x.version > 2)) expect(f.column).toBe(f.name.replaceAll('-', '_'));
    expect(FIELDS.find((f) => f.name === 'tcp-flags')).toMatchObject({ column: 'tcp_flags', type: 'int', version: 3 });
    expect(FIELDS.find((f) => f.name === 'reject-reason')).toMatchObject({ column: 'reject_reason', version: 8 });
  });

  it('when given a custom format string, it keeps its order and reports its version', () => {
    const fields = parseFormatString('${version} ${vpc-id} ${srcaddr} ${dstaddr} ${flow-direction} ${action}');
    expect(fields.map((f) => f.column)).toEqual(['version', 'vpc_id', 'sourceaddress', 'destinationaddress', 'flow_direction', 'action']);
    expect(formatVersion(fields)).toBe(5);
    expect(formatString(fields)).toBe('${version} ${vpc-id} ${srcaddr} ${dstaddr} ${flow-direction} ${action}');
  });

  it.each([
    ['${version} ${no-such-field}', 'unknown flow-log field "no-such-field"'],
    ['${version} vpc-id', 'expected fields written as ${field-name}, got "vpc-id"'],
    ['${srcaddr} ${srcaddr}', 'field "srcaddr" appears twice'],
  ])('when the format string is %j, it refuses it: %s', (format, message) => {
    expect(() => parseFormatString(format, 'FLOWLOG_FORMAT')).toThrow(ValidationError);
    expect(() => parseFormatString(format, 'FLOWLOG_FORMAT')).toThrow(`FLOWLOG_FORMAT: ${message}`);
  });

  it('when a file header differs from the table, it maps by name: missing fields are NULL, extra ones ignored', () => {
    const file = parseHeaderLine('version interface-id srcaddr dstaddr vpc-id action log-status');
    const mapping = mapFileToTable(DEFAULT_FORMAT, file);
    expect(mapping.find((m) => m.column === 'sourceaddress')?.source?.name).toBe('srcaddr');
    expect(mapping.find((m) => m.column === 'account')?.source).toBeUndefined();
    expect(mapping.map((m) => m.column)).toEqual(DEFAULT_FORMAT.map((f) => f.column));
  });

  it('when a header line names an unknown field, it names it', () => {
    expect(() => parseHeaderLine('version bogus srcaddr')).toThrow('header: unknown flow-log field "bogus"');
  });
});

describe('column namings', () => {
  it("when fields are given AWS's naming, version 2 columns take AWS's DDL names and later fields keep their snake_case names", () => {
    expect(withNaming(DEFAULT_FORMAT, 'aws').map((f) => f.column)).toEqual([
      'version',
      'account_id',
      'interface_id',
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'protocol',
      'packets',
      'bytes',
      'start',
      'end',
      'action',
      'log_status',
    ]);
    for (const f of FIELDS.filter((x) => x.version > 2)) expect(columnName(f, 'aws')).toBe(columnName(f, 'walkthrough'));
    expect(withNaming(DEFAULT_FORMAT, 'walkthrough')).toBe(DEFAULT_FORMAT);
  });

  it.each([
    [
      ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'start', 'end', 'log_status', 'vpc_id'],
      'aws',
      ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'start', 'end', 'log-status', 'vpc-id'],
    ],
    [
      ['version', 'account', 'interfaceid', 'sourceaddress', 'numbytes', 'starttime', 'my_note'],
      'walkthrough',
      ['version', 'account-id', 'interface-id', 'srcaddr', 'bytes', 'start'],
    ],
    [['SRCADDR', 'Bytes'], 'aws', ['srcaddr', 'bytes']],
  ])('when a table has columns %j, it is %s-named with fields %j', (columns, naming, names) => {
    const detected = detectColumns(columns);
    expect(detected.naming).toBe(naming);
    expect(detected.fields.map((f) => f.name)).toEqual(names);
  });

  it('when a table mixes both namings or has neither, it is refused naming what it has', () => {
    expect(() => detectColumns(['srcaddr', 'sourceaddress'], 'db.t')).toThrow(
      'db.t: has columns named both as the walkthrough does (sourceaddress) and as AWS does (srcaddr); use one naming',
    );
    expect(() => detectColumns(['message', 'version'], 'db.t')).toThrow('db.t: has columns message, version: no flow-log columns');
    expect(() => detectColumns([], 'db.t')).toThrow('db.t: has no columns');
  });
});
