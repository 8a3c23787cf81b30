import { describe, expect, it } from 'vitest';
import { cidrContains, parseAddress, parseCidr } from '../../src/lib/report/cidr.js';

const inBlock = (cidr: string, address: string | null) => cidrContains(parseCidr(cidr), address);

describe('CIDR blocks (IPv4 and IPv6)', () => {
  it('when an IPv4 /24 is given, its first and last address are in and the neighbours on both sides are not', () => {
    expect(inBlock('192.0.2.0/24', '192.0.2.0')).toBe(true);
    expect(inBlock('192.0.2.0/24', '192.0.2.255')).toBe(true);
    expect(inBlock('192.0.2.0/24', '192.0.1.255')).toBe(false);
    expect(inBlock('192.0.2.0/24', '192.0.3.0')).toBe(false);
  });

  it('when the block has host bits set, a bare address or /0 is given, it matches as the network, the one address, or everything', () => {
    expect(inBlock('10.1.2.3/8', '10.255.0.1')).toBe(true);
    expect(inBlock('203.0.113.66', '203.0.113.66')).toBe(true);
    expect(inBlock('203.0.113.66', '203.0.113.67')).toBe(false);
    expect(inBlock('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inBlock('::/0', '2001:db8::1')).toBe(true);
  });

  it('when an IPv6 /32 is given, compressed, expanded and upper-case forms inside match and the next /32 does not', () => {
    expect(inBlock('2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(inBlock('2001:db8::/32', '2001:0DB8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(inBlock('2001:db8::/32', '2001:db9::')).toBe(false);
    expect(inBlock('fe80::/10', 'febf::1')).toBe(true);
    expect(inBlock('fe80::/10', 'fec0::1')).toBe(false);
    expect(inBlock('::ffff:192.0.2.0/120', '::ffff:192.0.2.77')).toBe(true);
  });

  it('when the versions differ or the cell is not an address (NULL for NODATA), it never matches', () => {
    expect(inBlock('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(inBlock('::/0', '10.0.0.1')).toBe(false);
    expect(inBlock('0.0.0.0/0', null)).toBe(false);
    expect(inBlock('0.0.0.0/0', '-')).toBe(false);
  });

  it('when a block is malformed, it is refused naming the field: prefix 33 or 129, octet 256, a leading zero, too many groups', () => {
    expect(parseCidr('10.0.0.0/32').prefix).toBe(32);
    expect(() => parseCidr('10.0.0.0/33', 'source')).toThrow(/source: "10.0.0.0\/33": the prefix length must be 0 to 32/);
    expect(parseCidr('2001:db8::/128').prefix).toBe(128);
    expect(() => parseCidr('2001:db8::/129', 'source')).toThrow(/the prefix length must be 0 to 128/);
    expect(() => parseCidr('10.0.0.256/8', 'destination')).toThrow(/destination: "10.0.0.256\/8" is not an IPv4 or IPv6 CIDR block/);
    expect(parseAddress('10.0.0.01')).toBeUndefined();
    expect(parseAddress('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseAddress('1::2::3')).toBeUndefined();
    expect(() => parseCidr('', 'source')).toThrow(/expected a CIDR block/);
  });
});
