import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateAddressPattern } from '../../src/lib/report/saved-queries.js';
import { renderQuery, stringLiteral } from '../../src/lib/sql/sql.js';

/*
 * The one private-address pattern (src/queries/fragments/private-address.sql), run on DuckDB with
 * the local engine's regexp_like shim, at both edges of every range and just outside them.
 * Ranges: RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 6598 (100.64/10), RFC 1122 (127/8),
 * RFC 3927 (169.254/16), RFC 4193 (fc00::/7), RFC 4291 (fe80::/10, ::1).
 */
const PRIVATE = [
  '10.0.0.0',
  '10.255.255.255',
  '127.0.0.0',
  '127.255.255.255',
  '169.254.0.0',
  '169.254.255.255',
  '192.168.0.0',
  '192.168.255.255',
  '172.16.0.0',
  '172.31.255.255',
  '100.64.0.0',
  '100.127.255.255',
  'fc00::',
  'fdff:ffff:ffff:ffff::1',
  'FD12:3456::1',
  'fe80::',
  'fe9f::1',
  'fea0::1',
  'febf:ffff::1',
  'FEBF::1',
  '::1',
];
const PUBLIC = [
  '9.255.255.255',
  '11.0.0.0',
  '110.0.0.1',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '192.167.255.255',
  '192.169.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '1.100.64.1',
  'fbff:ffff::1',
  'fe00::1',
  'fe7f:ffff::1',
  'fec0::1',
  '::2',
  '::10',
  '2001:db8::1',
];

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(renderQuery('local/shims/regexp_like', {}));
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function matches(address: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(`SELECT regexp_like(${stringLiteral(address)}, ${privateAddressPattern()}) AS private`);
  return reader.getRowObjectsJS()[0]?.private === true;
}

describe('the private-address pattern on DuckDB', () => {
  it('when an address is at either edge of a private or special-use range, it matches', async () => {
    const missed = [];
    for (const address of PRIVATE) if (!(await matches(address))) missed.push(address);

    expect(missed).toEqual([]);
  });

  it('when an address is just outside a range (or public), it does not match', async () => {
    const matched = [];
    for (const address of PUBLIC) if (await matches(address)) matched.push(address);

    expect(matched).toEqual([]);
  });

  it('when rendered, it is one SQL string literal with no comment left in it', () => {
    const text = String(privateAddressPattern());

    expect(text).toMatch(/^'\^\(10\\\..*\)'$/);
    expect(text).not.toContain('--');
  });
});
