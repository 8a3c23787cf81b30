import type { SourceId } from '../lib/config.js';
import { mix32, rngFor } from './prng.js';

export type HostRole = 'web' | 'app' | 'db';

/** One network interface of the sample VPC and the instance behind it. */
export interface Host {
  readonly index: number;
  readonly eni: string;
  readonly ip: string;
  readonly role: HostRole;
  readonly subnetId: string;
  readonly instanceId: string;
  readonly azId: string;
}

/** The fixed cast of one source (account and region): its interfaces and the outside world it talks to. */
export interface SourceWorld {
  readonly account: string;
  readonly region: string;
  readonly flowLogId: string;
  readonly vpcId: string;
  readonly hosts: readonly Host[];
  readonly webHosts: readonly Host[];
  readonly appHosts: readonly Host[];
  readonly dbHosts: readonly Host[];
  /** The VPC's DNS resolver, the network base + 2. */
  readonly resolverIp: string;
  /** A stable word that, mixed with an index, names a public address of a pool. */
  readonly poolKey: number;
  readonly pools: PublicPools;
}

/**
 * Sizes of the public address pools. They grow with the volume so that no single outside address
 * reaches a detection threshold in normal traffic (about 20 records per address and day).
 */
export interface PublicPools {
  readonly webClients: number;
  readonly servers: number;
  readonly noise: number;
}

/** Normal records per interface and day: bigger samples get more interfaces, as bigger fleets do. */
const RECORDS_PER_HOST = 20_000;
const MIN_HOSTS = 6;
/** VPC networks by source: the three private ranges all show up once there are three sources. */
const VPC_NETWORKS = ['10.0', '172.31', '10.1'];
/** The office network, reached over a VPN: SSH comes from here, never from the internet. */
export const OFFICE_NETWORK = '192.168.100';
/** First octets of globally routed, non-reserved IPv4 blocks (cloud providers, ISPs). */
const PUBLIC_FIRST_OCTETS = [3, 13, 18, 20, 23, 34, 35, 40, 44, 45, 52, 54, 62, 66, 80, 91, 103, 104, 121, 133, 142, 151, 157, 160, 176, 185, 188, 202, 210, 219];

export const POOL_WEB_CLIENTS = 1;
export const POOL_SERVERS = 2;
export const POOL_NOISE = 3;
export const POOL_SPIKE = 4;

/**
 * Builds a source's interfaces and outside pools from the seed alone, so every day of a sample
 * sees the same hosts (a host's usual egress is what the egress rule compares against).
 */
export function buildWorld(seed: string, source: SourceId, sourceIndex: number, recordsPerDay: number): SourceWorld {
  const rng = rngFor(seed, 'world', source.account, source.region);
  const network = VPC_NETWORKS[sourceIndex] ?? `10.${sourceIndex - 1}`;
  const count = Math.max(MIN_HOSTS, Math.ceil(recordsPerDay / RECORDS_PER_HOST));
  const subnetIds = new Map<number, string>();
  const roles: readonly HostRole[] = ['web', 'app', 'db'];
  const hosts: Host[] = Array.from({ length: count }, (_, index) => {
    const third = 1 + Math.floor(index / 250);
    let subnetId = subnetIds.get(third);
    if (subnetId === undefined) {
      subnetId = `subnet-${rng.hex(17)}`;
      subnetIds.set(third, subnetId);
    }
    return Object.freeze({
      index,
      eni: `eni-${rng.hex(17)}`,
      ip: `${network}.${third}.${4 + (index % 250)}`,
      role: roles[index % 3] as HostRole,
      subnetId,
      instanceId: `i-${rng.hex(17)}`,
      azId: `${azPrefix(source.region)}-az${1 + (third % 3)}`,
    });
  });
  return Object.freeze({
    account: source.account,
    region: source.region,
    flowLogId: `fl-${rng.hex(17)}`,
    vpcId: `vpc-${rng.hex(17)}`,
    hosts,
    webHosts: hosts.filter((h) => h.role === 'web'),
    appHosts: hosts.filter((h) => h.role === 'app'),
    dbHosts: hosts.filter((h) => h.role === 'db'),
    resolverIp: `${network}.0.2`,
    poolKey: rng.uint32(),
    pools: Object.freeze({
      webClients: Math.max(500, Math.ceil(recordsPerDay / 15)),
      servers: Math.max(200, Math.ceil(recordsPerDay / 80)),
      noise: Math.max(200, Math.ceil(recordsPerDay / 50)),
    }),
  });
}

/** A plausible public address, the same for the same pool and index on every day. */
export function publicAddress(poolKey: number, pool: number, index: number): string {
  const h1 = mix32(poolKey ^ Math.imul(pool, 0x27d4eb2f) ^ Math.imul(index + 1, 0x9e3779b1));
  const h2 = mix32(h1 ^ 0x5bd1e995);
  const first = PUBLIC_FIRST_OCTETS[h1 % PUBLIC_FIRST_OCTETS.length] as number;
  return `${first}.${h2 & 255}.${(h2 >>> 8) & 255}.${1 + ((h2 >>> 16) % 254)}`;
}

/** AWS zone ids abbreviate the region: ap-northeast-1 -> apne1, us-east-1 -> use1. */
export function azPrefix(region: string): string {
  const parts = region.split('-');
  const area = parts[0] ?? '';
  const number = parts[parts.length - 1] ?? '';
  const words = parts.slice(1, -1).map((word) => {
    const compass = /^(north|south)?(east|west)?$/.exec(word);
    if (compass && word !== '') return `${compass[1]?.[0] ?? ''}${compass[2]?.[0] ?? ''}`;
    return word[0] ?? '';
  });
  return `${area}${words.join('')}${number}`;
}

/** RFC 1918 ranges: the only addresses normal traffic may use to reach admin ports. */
export function isPrivateAddress(ip: string): boolean {
  if (ip.startsWith('10.') || ip.startsWith('192.168.')) return true;
  const match = /^172\.(\d{1,3})\./.exec(ip);
  return match !== null && Number(match[1]) >= 16 && Number(match[1]) <= 31;
}
