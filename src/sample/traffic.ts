import type { Rng } from './prng.js';
import { OFFICE_NETWORK, POOL_NOISE, POOL_SERVERS, POOL_WEB_CLIENTS, publicAddress, type Host, type SourceWorld } from './world.js';

export type LogStatus = 'OK' | 'NODATA' | 'SKIPDATA';
export type Action = 'ACCEPT' | 'REJECT';

/**
 * One flow-log record, reused between records so that generating millions of them allocates
 * almost nothing. `host` is the interface the record belongs to.
 */
export interface FlowRecord {
  host: Host;
  srcaddr: string;
  dstaddr: string;
  srcport: number;
  dstport: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: Action;
  status: LogStatus;
  tcpFlags: number;
  /** The other end is on the internet (traffic-path 8 when leaving). */
  publicPeer: boolean;
}

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
/** AWS tcp-flags: the OR of the flags seen in the window (SYN 2, SYN-ACK 18, FIN 1, RST 4). */
export const FLAGS_CLIENT = 3;
export const FLAGS_SERVER = 19;
export const FLAGS_SYN = 2;
export const AGGREGATION_SECONDS = 600;

/** Ports internet scanners knock on all day; always rejected by the security groups. */
const NOISE_TCP_PORTS = [22, 23, 3389, 445, 139, 135, 25, 21, 1433, 3306, 5900, 8080, 8443, 6379, 9200, 2375, 5432, 27017, 7547, 8888, 81, 10000, 5985, 11211];
const NOISE_UDP_PORTS = [161, 123, 1900, 5060, 53, 137];

/** The one record object a generator refills for every line (no allocation per record). */
export function emptyRecord(host: Host): FlowRecord {
  return {
    host,
    srcaddr: '-',
    dstaddr: '-',
    srcport: 0,
    dstport: 0,
    protocol: TCP,
    packets: 0,
    bytes: 0,
    start: 0,
    end: 0,
    action: 'ACCEPT',
    status: 'OK',
    tcpFlags: 0,
    publicPeer: false,
  };
}

/** Linux's ephemeral range (32768-60999): never one of the admin ports the reports watch. */
function linuxPort(rng: Rng): number {
  return rng.between(32768, 60999);
}

/** Internet clients: Linux, macOS and Windows pick from different ephemeral ranges. */
function clientPort(rng: Rng): number {
  return rng.chance(0.5) ? rng.between(49152, 65535) : linuxPort(rng);
}

function placeInHour(rec: FlowRecord, rng: Rng, hourStartSec: number): void {
  const offset = rng.below(3600);
  const windowEnd = hourStartSec + (Math.floor(offset / AGGREGATION_SECONDS) + 1) * AGGREGATION_SECONDS;
  rec.start = hourStartSec + offset;
  const longest = windowEnd - rec.start;
  rec.end = rec.start + (rng.chance(0.15) ? longest : Math.min(longest, rng.below(75)));
}

function sized(rec: FlowRecord, rng: Rng, minPackets: number, maxPackets: number, minPacketBytes: number, maxPacketBytes: number): void {
  rec.packets = rng.between(minPackets, maxPackets);
  rec.bytes = rec.packets * rng.between(minPacketBytes, maxPacketBytes);
}

function flow(rec: FlowRecord, host: Host, src: string, srcport: number, dst: string, dstport: number, protocol: number, publicPeer: boolean): void {
  rec.host = host;
  rec.srcaddr = src;
  rec.srcport = srcport;
  rec.dstaddr = dst;
  rec.dstport = dstport;
  rec.protocol = protocol;
  rec.publicPeer = publicPeer;
  rec.status = 'OK';
}

type Fill = (rec: FlowRecord, rng: Rng, world: SourceWorld) => void;

const webRequest: Fill = (rec, rng, world) => {
  const host = rng.pick(world.webHosts);
  const client = publicAddress(world.poolKey, POOL_WEB_CLIENTS, rng.below(world.pools.webClients));
  flow(rec, host, client, clientPort(rng), host.ip, rng.chance(0.85) ? 443 : 80, TCP, true);
  accept(rec, FLAGS_CLIENT);
  sized(rec, rng, 3, 24, 60, 700);
};

const webResponse: Fill = (rec, rng, world) => {
  const host = rng.pick(world.webHosts);
  const client = publicAddress(world.poolKey, POOL_WEB_CLIENTS, rng.below(world.pools.webClients));
  flow(rec, host, host.ip, rng.chance(0.85) ? 443 : 80, client, clientPort(rng), TCP, true);
  accept(rec, FLAGS_SERVER);
  sized(rec, rng, 4, 60, 200, 1400);
};

const httpsOut: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  const server = publicAddress(world.poolKey, POOL_SERVERS, rng.below(world.pools.servers));
  flow(rec, host, host.ip, linuxPort(rng), server, rng.chance(0.9) ? 443 : 80, TCP, true);
  accept(rec, FLAGS_CLIENT);
  sized(rec, rng, 3, 30, 60, 900);
};

const httpsIn: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  const server = publicAddress(world.poolKey, POOL_SERVERS, rng.below(world.pools.servers));
  flow(rec, host, server, rng.chance(0.9) ? 443 : 80, host.ip, linuxPort(rng), TCP, true);
  accept(rec, FLAGS_SERVER);
  sized(rec, rng, 4, 120, 400, 1400);
};

const dns: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  if (rng.chance(0.5)) flow(rec, host, host.ip, linuxPort(rng), world.resolverIp, 53, UDP, false);
  else flow(rec, host, world.resolverIp, 53, host.ip, linuxPort(rng), UDP, false);
  accept(rec, 0);
  sized(rec, rng, 1, 4, 60, 300);
};

const mysql: Fill = (rec, rng, world) => {
  const app = rng.pick(world.appHosts);
  const db = rng.pick(world.dbHosts);
  const port = linuxPort(rng);
  // Both ends are in the VPC: the record is logged on either interface.
  const host = rng.chance(0.5) ? app : db;
  if (rng.chance(0.5)) {
    flow(rec, host, app.ip, port, db.ip, 3306, TCP, false);
    accept(rec, FLAGS_CLIENT);
    sized(rec, rng, 4, 40, 80, 600);
  } else {
    flow(rec, host, db.ip, 3306, app.ip, port, TCP, false);
    accept(rec, FLAGS_SERVER);
    sized(rec, rng, 4, 80, 200, 1400);
  }
};

const officeSsh: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  const office = `${OFFICE_NETWORK}.${rng.between(10, 60)}`;
  if (rng.chance(0.5)) flow(rec, host, office, clientPort(rng), host.ip, 22, TCP, false);
  else flow(rec, host, host.ip, 22, office, clientPort(rng), TCP, false);
  accept(rec, rec.dstport === 22 ? FLAGS_CLIENT : FLAGS_SERVER);
  sized(rec, rng, 10, 200, 60, 400);
};

const internetNoise: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  const scanner = publicAddress(world.poolKey, POOL_NOISE, rng.below(world.pools.noise));
  if (rng.chance(0.85)) flow(rec, host, scanner, clientPort(rng), host.ip, rng.pick(NOISE_TCP_PORTS), TCP, true);
  else flow(rec, host, scanner, clientPort(rng), host.ip, rng.pick(NOISE_UDP_PORTS), UDP, true);
  reject(rec, rec.protocol === TCP ? FLAGS_SYN : 0);
  sized(rec, rng, 1, 3, 40, 80);
};

const ntp: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  const server = publicAddress(world.poolKey, POOL_SERVERS, rng.below(world.pools.servers));
  flow(rec, host, host.ip, 123, server, 123, UDP, true);
  accept(rec, 0);
  sized(rec, rng, 1, 2, 76, 76);
};

const icmp: Fill = (rec, rng, world) => {
  const host = rng.pick(world.hosts);
  if (rng.chance(0.5)) {
    const scanner = publicAddress(world.poolKey, POOL_NOISE, rng.below(world.pools.noise));
    flow(rec, host, scanner, 0, host.ip, 0, ICMP, true);
    reject(rec, 0);
  } else {
    const peer = rng.pick(world.hosts);
    flow(rec, host, peer.ip, 0, host.ip, 0, ICMP, false);
    accept(rec, 0);
  }
  sized(rec, rng, 1, 4, 84, 84);
};

const internalRejected: Fill = (rec, rng, world) => {
  const app = rng.pick(world.appHosts);
  const target = rng.pick(world.hosts);
  flow(rec, target, app.ip, linuxPort(rng), target.ip, rng.chance(0.5) ? 5432 : 8080, TCP, false);
  reject(rec, FLAGS_SYN);
  sized(rec, rng, 1, 3, 60, 60);
};

const appToApp: Fill = (rec, rng, world) => {
  const from = rng.pick(world.appHosts);
  const to = rng.pick(world.appHosts);
  flow(rec, rng.chance(0.5) ? from : to, from.ip, linuxPort(rng), to.ip, 8080, TCP, false);
  accept(rec, FLAGS_CLIENT);
  sized(rec, rng, 4, 60, 100, 1200);
};

/** The mix of a quiet day, by share of records; about 9% are rejected. */
const TRAFFIC: readonly (readonly [share: number, fill: Fill])[] = [
  [0.17, webRequest],
  [0.17, webResponse],
  [0.14, httpsOut],
  [0.14, httpsIn],
  [0.1, dns],
  [0.12, mysql],
  [0.02, officeSsh],
  [0.075, internetNoise],
  [0.01, ntp],
  [0.01, icmp],
  [0.01, internalRejected],
  [0.035, appToApp],
];
const CUMULATIVE = TRAFFIC.map((_, i) => TRAFFIC.slice(0, i + 1).reduce((sum, [share]) => sum + share, 0));

/**
 * Fills `rec` with one record of a quiet day: web traffic, outbound HTTPS, DNS, database, SSH
 * from the office, and the constant trickle of rejected internet noise. None of it reaches a
 * detection threshold: admin ports are only ever accepted from private addresses, and each
 * public address appears about 20 times a day. `connection`, when given, draws everything but
 * the time (a long-lived connection's generator, the same for each of its records).
 */
export function fillNormal(rec: FlowRecord, rng: Rng, world: SourceWorld, hourStartSec: number, connection: Rng = rng): void {
  placeInHour(rec, rng, hourStartSec);
  const roll = connection.next() * (CUMULATIVE[CUMULATIVE.length - 1] as number);
  let kind = 0;
  while (kind < TRAFFIC.length - 1 && roll >= (CUMULATIVE[kind] as number)) kind++;
  (TRAFFIC[kind] as (typeof TRAFFIC)[number])[1](rec, connection, world);
}

function accept(rec: FlowRecord, tcpFlags: number): void {
  rec.action = 'ACCEPT';
  rec.tcpFlags = rec.protocol === TCP ? tcpFlags : 0;
}

function reject(rec: FlowRecord, tcpFlags: number): void {
  rec.action = 'REJECT';
  rec.tcpFlags = rec.protocol === TCP ? tcpFlags : 0;
}

/**
 * A NODATA (no traffic on the interface during the window) or SKIPDATA (records lost to a
 * capacity limit) record: only the interface and the window are known, as AWS writes them.
 */
export function fillStatusOnly(rec: FlowRecord, rng: Rng, world: SourceWorld, hourStartSec: number, status: 'NODATA' | 'SKIPDATA'): void {
  const window = rng.below(6);
  rec.host = rng.pick(world.hosts);
  rec.status = status;
  rec.start = hourStartSec + window * AGGREGATION_SECONDS + rng.below(30);
  rec.end = hourStartSec + (window + 1) * AGGREGATION_SECONDS;
  rec.publicPeer = false;
}

/** True when the record is bytes leaving a private address for the internet (the egress rule's measure). */
export function isEgressToInternet(rec: FlowRecord): boolean {
  return rec.status === 'OK' && rec.publicPeer && rec.srcaddr === rec.host.ip;
}
