import { DEFAULT_FORMAT, formatVersion, type FlowLogField } from '../lib/flowlog/format.js';
import { isPrivateAddress } from './world.js';
import type { FlowRecord } from './traffic.js';

export type LineWriter = (rec: FlowRecord) => string;

interface LogContext {
  readonly account: string;
  readonly region: string;
  readonly vpcId: string;
}

type FieldWriter = (rec: FlowRecord) => string | number;

/** Fields AWS fills on NODATA and SKIPDATA records; every other field is `-`. */
const STATUS_ONLY_FIELDS = new Set(['version', 'account-id', 'interface-id', 'start', 'end', 'log-status']);

function writers(context: LogContext, version: number): Record<string, FieldWriter> {
  return {
    version: () => version,
    'account-id': () => context.account,
    'interface-id': (r) => r.host.eni,
    srcaddr: (r) => r.srcaddr,
    dstaddr: (r) => r.dstaddr,
    srcport: (r) => r.srcport,
    dstport: (r) => r.dstport,
    protocol: (r) => r.protocol,
    packets: (r) => r.packets,
    bytes: (r) => r.bytes,
    start: (r) => r.start,
    end: (r) => r.end,
    action: (r) => r.action,
    'log-status': (r) => r.status,
    'vpc-id': () => context.vpcId,
    'subnet-id': (r) => r.host.subnetId,
    'instance-id': (r) => r.host.instanceId,
    'tcp-flags': (r) => r.tcpFlags,
    type: () => 'IPv4',
    'pkt-srcaddr': (r) => r.srcaddr,
    'pkt-dstaddr': (r) => r.dstaddr,
    region: () => context.region,
    'az-id': (r) => r.host.azId,
    'flow-direction': (r) => (r.srcaddr === r.host.ip ? 'egress' : 'ingress'),
    'traffic-path': (r) => (r.srcaddr !== r.host.ip ? '-' : isPrivateAddress(r.dstaddr) ? 1 : 8),
  };
}

/**
 * Builds the function that prints a record in the chosen format. The default format gets a
 * template of its own because it is what benchmarks generate by the million; custom formats
 * look each field up once here, not per record.
 */
export function lineWriter(fields: readonly FlowLogField[], context: LogContext): LineWriter {
  const version = formatVersion(fields);
  if (fields.length === DEFAULT_FORMAT.length && fields.every((f, i) => f.name === DEFAULT_FORMAT[i]?.name)) {
    const prefix = `${version} ${context.account} `;
    return (r) =>
      r.status === 'OK'
        ? `${prefix}${r.host.eni} ${r.srcaddr} ${r.dstaddr} ${r.srcport} ${r.dstport} ${r.protocol} ${r.packets} ${r.bytes} ${r.start} ${r.end} ${r.action} OK`
        : `${prefix}${r.host.eni} - - - - - - - ${r.start} ${r.end} - ${r.status}`;
  }
  const table = writers(context, version);
  const dash = (): string => '-';
  const ok = fields.map((f) => table[f.name] ?? dash);
  const statusOnly = fields.map((f) => (STATUS_ONLY_FIELDS.has(f.name) ? (table[f.name] ?? dash) : dash));
  return (r) => (r.status === 'OK' ? ok : statusOnly).map((write) => write(r)).join(' ');
}
