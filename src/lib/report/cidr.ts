/**
 * CIDR blocks and address matching for IPv4 and IPv6, without a library: addresses become
 * BigInts (32 or 128 bits), a block is its first address and prefix length. Pure; used by
 * suppressions on the rows of findings.
 */
import { ValidationError } from '../errors.js';

export interface Cidr {
  readonly version: 4 | 6;
  /** The block's first address, host bits cleared. */
  readonly base: bigint;
  readonly prefix: number;
  /** As written, for messages. */
  readonly text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 or IPv6 address as a number, or undefined when the text is not one. */
export function parseAddress(text: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = IPV4.exec(text);
  if (v4 !== null) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255) || v4.slice(1).some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return { version: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':') || text.includes('%')) return undefined;
  let body = text.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const tail = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(body);
  if (tail !== null) {
    const v4 = parseAddress(tail[2] as string);
    if (v4 === undefined || v4.version !== 4) return undefined;
    body = `${tail[1]}${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...rest];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); throws naming `field`. */
export function parseCidr(text: unknown, field = 'cidr'): Cidr {
  if (typeof text !== 'string' || text.trim() === '') throw new ValidationError(field, `expected a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, got ${JSON.stringify(text)}`);
  const [addressText = '', prefixText, extra] = text.trim().split('/');
  const address = parseAddress(addressText);
  if (address === undefined || extra !== undefined) throw new ValidationError(field, `${JSON.stringify(text)} is not an IPv4 or IPv6 CIDR block`);
  const bits = address.version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new ValidationError(field, `${JSON.stringify(text)}: the prefix length must be 0 to ${bits}`);
  const hostBits = BigInt(bits - prefix);
  return { version: address.version, base: (address.value >> hostBits) << hostBits, prefix, text: text.trim() };
}

/** True when `address` (text from a flow log) lies in the block; false for other versions and non-addresses. */
export function cidrContains(cidr: Cidr, address: string | null | undefined): boolean {
  if (typeof address !== 'string') return false;
  const parsed = parseAddress(address);
  if (parsed === undefined || parsed.version !== cidr.version) return false;
  const hostBits = BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefix);
  return (parsed.value >> hostBits) << hostBits === cidr.base;
}
