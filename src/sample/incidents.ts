import { startOfDayMs, type UtcDay } from '../lib/dates.js';
import { cidrContains, parseCidr } from '../lib/report/cidr.js';
import type { Rng } from './prng.js';
import { AGGREGATION_SECONDS, FLAGS_CLIENT, FLAGS_SERVER, FLAGS_SYN, TCP, type Action, type FlowRecord } from './traffic.js';
import { POOL_SPIKE, publicAddress, type Host, type SourceWorld } from './world.js';

/** The report rules the incidents are made to trigger, by rule id. */
export type IncidentRule = 'port-scan' | 'admin-port-exposure' | 'admin-port-brute-force' | 'reject-spike' | 'egress-spike' | 'watchlist';

/** What was injected, with the values a report must find. */
export interface IncidentSummary {
  readonly rule: IncidentRule;
  readonly day: UtcDay;
  readonly account: string;
  readonly region: string;
  readonly records: number;
  readonly rejected: number;
  readonly bytes: number;
  /** The one outside (or, for egress, inside) address behind it; absent when many are (reject-spike). */
  readonly sourceAddress?: string;
  readonly destinationAddress?: string;
  readonly interfaceId?: string;
  /** Destination ports, ascending. */
  readonly ports: readonly number[];
  /** The earlier days' mean of what the rule compares (REJECT records, or bytes sent out). */
  readonly baselinePerDay?: number;
  readonly description: string;
  /** Expected traffic a suppressions file should silence (a vendor's scanner), with the reason to give. */
  readonly knownReason?: string;
  /** The watchlist label its address carries (SAMPLE_WATCHLIST). */
  readonly label?: string;
  /** Earlier days of the sample with the same traffic (an ongoing case); absent when it is new on its day. */
  readonly earlierDays?: number;
}

/** An incident that could not be placed, and why (a spike needs earlier days to compare with). */
export interface SkippedIncident {
  readonly rule: IncidentRule;
  readonly reason: string;
}

/** How an incident adds its records to the hourly files of the last day. */
export interface IncidentPlan {
  readonly summary: IncidentSummary;
  /** Records per UTC hour, 24 entries. */
  readonly perHour: readonly number[];
  fill(rec: FlowRecord, rng: Rng, hourStartSec: number, indexInHour: number): void;
}

/** What the earlier (quiet) days of one source looked like. */
export interface Baseline {
  /** REJECT records of each earlier day. */
  readonly rejectsPerDay: readonly number[];
  /** Bytes each host sent to the internet, summed over the earlier days. */
  readonly egressBytesByHost: readonly number[];
}

/** Ports the reject spike knocks on: none is an admin port, so it cannot look like brute force. */
const SPIKE_PORTS = [23, 25, 445, 139, 135, 8080, 8443, 5060, 3128, 1080, 9200, 2375, 8888, 81, 7547, 5555, 111, 11211, 10000, 4444];

const PORT_SCAN_SOURCE = '203.0.113.66';
const PORT_SCAN_PORTS = 200;
const BRUTE_FORCE_SOURCE = '203.0.113.200';
const BRUTE_FORCE_FLOWS = 180;
const SSH_EXPOSURE_SOURCE = '198.51.100.23';
const RDP_EXPOSURE_SOURCE = '192.0.2.45';
const EGRESS_DESTINATION = '192.0.2.200';
/**
 * The sample's watchlist (a threat-intelligence export would look alike): blocks in documentation
 * ranges no other traffic of the sample uses, so only the watchlist incidents match them.
 */
export const SAMPLE_WATCHLIST: readonly { readonly cidr: string; readonly label: string }[] = Object.freeze([
  Object.freeze({ cidr: '192.0.2.128/26', label: 'known C2 (abuse feed)' }),
  Object.freeze({ cidr: '198.51.100.64/27', label: 'bulletproof hosting' }),
]);
/** An app host's malware beaconing to a listed C2 address every 2 hours, every day of the sample: accepted and ongoing. */
const BEACON_DESTINATION = '192.0.2.150';
const BEACON_HOURS = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21];
/** A web host trying to reach a listed address, refused by the network ACL: only rejected, new on the last day. */
const BLOCKED_DESTINATION = '198.51.100.70';
const BLOCKED_ATTEMPTS = 12;
/** A security vendor's weekly external scan: a real port scan that people expect and suppress. */
const KNOWN_SCANNER_SOURCE = '198.51.100.250';
const KNOWN_SCANNER_PORTS = 150;
/** Comfortably over the rule's 1 GB floor and at least 2 GB, as the demo promises. */
const EGRESS_MIN_BYTES = 2.5e9;
/** The rule asks for 5x the host's own average; 12x leaves no doubt. */
const EGRESS_BASELINE_FACTOR = 12;
/** The rule asks for 2x the earlier mean; 3.2x more on top of a normal day gives over 4x. */
const REJECT_SPIKE_FACTOR = 3.2;
/** Incidents happen between 01:00 and 14:00 UTC: inside that UTC day and inside the same Asia/Tokyo day. */
const SPIKE_FIRST_HOUR = 1;
const SPIKE_LAST_HOUR = 13;

interface FixedRecord {
  readonly host: Host;
  readonly srcaddr: string;
  readonly srcport: number;
  readonly dstaddr: string;
  readonly dstport: number;
  readonly packets: number;
  readonly bytes: number;
  /** Seconds after the start of the day. */
  readonly offsetSec: number;
  readonly durationSec: number;
  readonly action: Action;
  readonly tcpFlags: number;
  readonly publicPeer: boolean;
}

/**
 * Plans the incidents of the last day for one source. Spikes need earlier days: without them
 * there is no "usual level" and they are reported as skipped instead.
 */
export function planIncidents(world: SourceWorld, day: UtcDay, baseline: Baseline, rng: Rng): { plans: IncidentPlan[]; skipped: SkippedIncident[] } {
  const context = { day, account: world.account, region: world.region };
  const target = world.webHosts[0] as Host;
  // The known scanner and the watchlist cases draw nothing from rng, so every other record stays as it was without them.
  const plans: IncidentPlan[] = [portScan(context, target, rng), ...adminExposure(context, target, rng), bruteForce(context, target, rng), knownScanner(context, target)];
  const skipped: SkippedIncident[] = [];
  const earlierDays = baseline.rejectsPerDay.length;
  if (earlierDays === 0) {
    const reason = 'needs earlier days to compare with (generate 2 or more days)';
    skipped.push({ rule: 'reject-spike', reason }, { rule: 'egress-spike', reason });
  } else {
    const meanRejects = baseline.rejectsPerDay.reduce((a, b) => a + b, 0) / earlierDays;
    plans.push(rejectSpike(context, world, Math.max(100, Math.ceil(meanRejects * REJECT_SPIKE_FACTOR)), meanRejects));
    const sender = world.appHosts[0] as Host;
    const meanEgress = (baseline.egressBytesByHost[sender.index] ?? 0) / earlierDays;
    plans.push(egressSpike(context, sender, Math.max(EGRESS_MIN_BYTES, Math.ceil(meanEgress * EGRESS_BASELINE_FACTOR)), meanEgress));
  }
  plans.push(beacon(context, world, earlierDays), blockedAttempt(context, world));
  return { plans, skipped };
}

/** The incidents of an earlier day: only the ongoing beacon, so the last day's report says on how many days it was seen. */
export function planOngoing(world: SourceWorld, day: UtcDay): IncidentPlan[] {
  return [beacon({ day, account: world.account, region: world.region }, world, 0)];
}

function beacon(context: Context, world: SourceWorld, earlierDays: number): IncidentPlan {
  // Not the egress spike's sender (appHosts[0]): its usual level stays as it was.
  const host = (world.appHosts[1] ?? world.appHosts[0]) as Host;
  const records = BEACON_HOURS.map((hour, i): FixedRecord => ({
    host,
    srcaddr: host.ip,
    srcport: 51000 + i,
    dstaddr: BEACON_DESTINATION,
    dstport: 443,
    packets: 9,
    bytes: 1830,
    offsetSec: hour * 3600 + 17 * 60,
    durationSec: 4,
    action: 'ACCEPT',
    tcpFlags: FLAGS_CLIENT,
    publicPeer: true,
  }));
  const label = labelOf(BEACON_DESTINATION);
  const plan = fixed(
    context,
    'watchlist',
    records,
    `${host.ip} (${host.eni}) called ${BEACON_DESTINATION}:443 (watchlist: ${label}) every 2 hours, accepted${earlierDays > 0 ? `, as on the ${earlierDays} days before` : ''}`,
  );
  return { ...plan, summary: Object.freeze({ ...plan.summary, label, ...(earlierDays > 0 ? { earlierDays } : {}) }) };
}

function blockedAttempt(context: Context, world: SourceWorld): IncidentPlan {
  const host = world.webHosts[1] ?? (world.webHosts[0] as Host);
  const records = Array.from({ length: BLOCKED_ATTEMPTS }, (_, i): FixedRecord => ({
    host,
    srcaddr: host.ip,
    srcport: 47000 + i,
    dstaddr: BLOCKED_DESTINATION,
    dstport: 8443,
    packets: 1,
    bytes: 60,
    offsetSec: 10 * 3600 + i * 45,
    durationSec: 0,
    action: 'REJECT',
    tcpFlags: FLAGS_SYN,
    publicPeer: true,
  }));
  const label = labelOf(BLOCKED_DESTINATION);
  const plan = fixed(context, 'watchlist', records, `${host.ip} (${host.eni}) tried ${BLOCKED_DESTINATION}:8443 (watchlist: ${label}) ${BLOCKED_ATTEMPTS} times, all rejected`);
  return { ...plan, summary: Object.freeze({ ...plan.summary, label }) };
}

function labelOf(address: string): string {
  return SAMPLE_WATCHLIST.find((e) => cidrContains(parseCidr(e.cidr), address))?.label ?? '';
}

type Context = Pick<IncidentSummary, 'day' | 'account' | 'region'>;

function portScan(context: Context, target: Host, rng: Rng): IncidentPlan {
  const open = [80, 443];
  const candidates = Array.from({ length: 1024 }, (_, i) => i + 1).filter((p) => !open.includes(p));
  shuffle(candidates, rng);
  const ports = [...open, ...candidates.slice(0, PORT_SCAN_PORTS - open.length)];
  shuffle(ports, rng);
  const start = 3 * 3600 + 10 * 60;
  const records = ports.map((port, i): FixedRecord => {
    const accepted = open.includes(port);
    return {
      host: target,
      srcaddr: PORT_SCAN_SOURCE,
      srcport: rng.between(40000, 60999),
      dstaddr: target.ip,
      dstport: port,
      packets: accepted ? 3 : 1,
      bytes: accepted ? 164 : 44,
      offsetSec: start + i * 6,
      durationSec: accepted ? 2 : 0,
      action: accepted ? 'ACCEPT' : 'REJECT',
      tcpFlags: accepted ? FLAGS_CLIENT : FLAGS_SYN,
      publicPeer: true,
    };
  });
  return fixed(context, 'port-scan', records, `${PORT_SCAN_SOURCE} probed ${ports.length} ports of ${target.eni} (${target.ip}); ${ports.length - 2} rejected`);
}

function knownScanner(context: Context, target: Host): IncidentPlan {
  const start = 11 * 3600;
  const records = Array.from({ length: KNOWN_SCANNER_PORTS }, (_, i): FixedRecord => ({
    host: target,
    srcaddr: KNOWN_SCANNER_SOURCE,
    srcport: 45000 + i,
    dstaddr: target.ip,
    dstport: 1000 + i,
    packets: 1,
    bytes: 44,
    offsetSec: start + i * 10,
    durationSec: 0,
    action: 'REJECT',
    tcpFlags: FLAGS_SYN,
    publicPeer: true,
  }));
  const plan = fixed(
    context,
    'port-scan',
    records,
    `${KNOWN_SCANNER_SOURCE} (the security vendor's weekly scan) probed ${KNOWN_SCANNER_PORTS} ports of ${target.eni} (${target.ip})`,
  );
  return { ...plan, summary: Object.freeze({ ...plan.summary, knownReason: 'Weekly external scan by the security vendor' }) };
}

function adminExposure(context: Context, target: Host, rng: Rng): IncidentPlan[] {
  const sessions = (source: string, port: number, count: number, fromSec: number): FixedRecord[] =>
    Array.from({ length: count }, (_, i) => {
      const packets = rng.between(20, 90);
      return {
        host: target,
        srcaddr: source,
        srcport: rng.between(49152, 65535),
        dstaddr: target.ip,
        dstport: port,
        packets,
        bytes: packets * rng.between(80, 400),
        offsetSec: fromSec + i * AGGREGATION_SECONDS + rng.between(5, 60),
        durationSec: rng.between(30, 400),
        action: 'ACCEPT',
        tcpFlags: FLAGS_CLIENT,
        publicPeer: true,
      };
    });
  return [
    fixed(context, 'admin-port-exposure', sessions(SSH_EXPOSURE_SOURCE, 22, 6, 7 * 3600), `${SSH_EXPOSURE_SOURCE} opened SSH sessions (port 22) to ${target.eni} (${target.ip})`),
    fixed(
      context,
      'admin-port-exposure',
      sessions(RDP_EXPOSURE_SOURCE, 3389, 4, 8 * 3600),
      `${RDP_EXPOSURE_SOURCE} opened RDP sessions (port 3389) to ${target.eni} (${target.ip})`,
    ),
  ];
}

function bruteForce(context: Context, target: Host, rng: Rng): IncidentPlan {
  const start = 5 * 3600;
  const records = Array.from({ length: BRUTE_FORCE_FLOWS }, (_, i): FixedRecord => ({
    host: target,
    srcaddr: BRUTE_FORCE_SOURCE,
    srcport: rng.between(32768, 60999),
    dstaddr: target.ip,
    dstport: 22,
    packets: rng.between(1, 3),
    bytes: 60 * rng.between(1, 3),
    offsetSec: start + i * 30,
    durationSec: rng.between(0, 5),
    action: 'REJECT',
    tcpFlags: FLAGS_SYN,
    publicPeer: true,
  }));
  return fixed(context, 'admin-port-brute-force', records, `${BRUTE_FORCE_SOURCE} made ${BRUTE_FORCE_FLOWS} rejected SSH attempts on ${target.eni} (${target.ip})`);
}

function egressSpike(context: Context, sender: Host, totalBytes: number, meanEgress: number): IncidentPlan {
  const windows = Math.min(36, Math.max(30, Math.ceil(totalBytes / 400e6)));
  const each = Math.floor(totalBytes / windows);
  const records = Array.from({ length: windows }, (_, i): FixedRecord => {
    const bytes = i === windows - 1 ? totalBytes - each * (windows - 1) : each;
    return {
      host: sender,
      srcaddr: sender.ip,
      srcport: 40000 + i,
      dstaddr: EGRESS_DESTINATION,
      dstport: 443,
      packets: Math.ceil(bytes / 1400),
      bytes,
      offsetSec: 9 * 3600 + i * AGGREGATION_SECONDS + 2,
      durationSec: AGGREGATION_SECONDS - 3,
      action: 'ACCEPT',
      tcpFlags: FLAGS_SERVER,
      publicPeer: true,
    };
  });
  const gb = (totalBytes / 1e9).toFixed(2);
  return fixed(
    context,
    'egress-spike',
    records,
    `${sender.ip} (${sender.eni}) sent ${gb} GB to ${EGRESS_DESTINATION}:443, ${Math.round(meanEgress).toLocaleString('en-US')} bytes a day before`,
    meanEgress,
  );
}

function rejectSpike(context: Context, world: SourceWorld, count: number, meanRejects: number): IncidentPlan {
  const hours = SPIKE_LAST_HOUR - SPIKE_FIRST_HOUR + 1;
  const perHour = Array.from({ length: 24 }, (_, h) => {
    if (h < SPIKE_FIRST_HOUR || h > SPIKE_LAST_HOUR) return 0;
    const i = h - SPIKE_FIRST_HOUR;
    return Math.floor((count * (i + 1)) / hours) - Math.floor((count * i) / hours);
  });
  const sources = Math.max(50, Math.ceil(count / 20));
  return {
    summary: Object.freeze({
      rule: 'reject-spike',
      ...context,
      records: count,
      rejected: count,
      bytes: 0,
      ports: [...SPIKE_PORTS].sort((a, b) => a - b),
      baselinePerDay: meanRejects,
      description: `${count.toLocaleString('en-US')} extra rejected connections from ${sources.toLocaleString('en-US')} internet addresses (earlier days: ${Math.round(meanRejects).toLocaleString('en-US')} REJECT records a day)`,
    }),
    perHour,
    fill(rec, rng, hourStartSec) {
      const host = rng.pick(world.hosts);
      rec.host = host;
      rec.srcaddr = publicAddress(world.poolKey, POOL_SPIKE, rng.below(sources));
      rec.srcport = rng.between(32768, 65535);
      rec.dstaddr = host.ip;
      rec.dstport = rng.pick(SPIKE_PORTS);
      rec.protocol = TCP;
      rec.packets = rng.between(1, 2);
      rec.bytes = rec.packets * 44;
      rec.start = hourStartSec + rng.below(3600);
      rec.end = Math.min(rec.start + rng.below(3), windowEnd(rec.start));
      rec.action = 'REJECT';
      rec.status = 'OK';
      rec.tcpFlags = FLAGS_SYN;
      rec.publicPeer = true;
    },
  };
}

function fixed(context: Context, rule: IncidentRule, records: readonly FixedRecord[], description: string, baselinePerDay?: number): IncidentPlan {
  const first = records[0] as FixedRecord;
  const dayStartSec = startOfDayMs(context.day) / 1000;
  const byHour: FixedRecord[][] = Array.from({ length: 24 }, () => []);
  for (const r of records) byHour[Math.floor(r.offsetSec / 3600)]?.push(r);
  const summary: IncidentSummary = {
    rule,
    ...context,
    records: records.length,
    rejected: records.filter((r) => r.action === 'REJECT').length,
    bytes: records.reduce((sum, r) => sum + r.bytes, 0),
    sourceAddress: first.srcaddr,
    destinationAddress: first.dstaddr,
    interfaceId: first.host.eni,
    ports: [...new Set(records.map((r) => r.dstport))].sort((a, b) => a - b),
    ...(baselinePerDay === undefined ? {} : { baselinePerDay }),
    description,
  };
  return {
    summary: Object.freeze(summary),
    perHour: byHour.map((list) => list.length),
    fill(rec, _rng, hourStartSec, indexInHour) {
      const r = byHour[Math.floor((hourStartSec - dayStartSec) / 3600)]?.[indexInHour] as FixedRecord;
      rec.host = r.host;
      rec.srcaddr = r.srcaddr;
      rec.srcport = r.srcport;
      rec.dstaddr = r.dstaddr;
      rec.dstport = r.dstport;
      rec.protocol = TCP;
      rec.packets = r.packets;
      rec.bytes = r.bytes;
      rec.start = dayStartSec + r.offsetSec;
      rec.end = Math.min(rec.start + r.durationSec, windowEnd(rec.start));
      rec.action = r.action;
      rec.status = 'OK';
      rec.tcpFlags = r.tcpFlags;
      rec.publicPeer = r.publicPeer;
    },
  };
}

function windowEnd(startSec: number): number {
  return (Math.floor(startSec / AGGREGATION_SECONDS) + 1) * AGGREGATION_SECONDS;
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
