import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_FORMAT, headerLine, type FlowLogField } from '../../src/lib/flowlog/format.js';

/** One record, by AWS field name (`srcaddr`, `log-status`); a field left out is written as `-`. */
export type FlowRecord = Readonly<Record<string, string | number>>;

export const ACCOUNT = '012345678901';
export const REGION = 'ap-northeast-1';
export const INTERFACE = 'eni-0123456789abcdef0';

/** A plausible ACCEPTed TCP flow; override any field. */
export function flow(overrides: FlowRecord = {}): FlowRecord {
  return {
    version: 2,
    'account-id': ACCOUNT,
    'interface-id': INTERFACE,
    srcaddr: '10.0.1.5',
    dstaddr: '10.0.2.9',
    srcport: 44321,
    dstport: 443,
    protocol: 6,
    packets: 10,
    bytes: 840,
    start: 1_793_491_200,
    end: 1_793_491_260,
    action: 'ACCEPT',
    'log-status': 'OK',
    ...overrides,
  };
}

/** A window with no traffic: `-` in the address, port, protocol, packet and byte fields. */
export function nodata(overrides: FlowRecord = {}): FlowRecord {
  return { version: 2, 'account-id': ACCOUNT, 'interface-id': INTERFACE, start: 1_793_491_200, end: 1_793_491_800, 'log-status': 'NODATA', ...overrides };
}

/** Records AWS could not capture: `-` fields like NODATA, status SKIPDATA. */
export function skipdata(overrides: FlowRecord = {}): FlowRecord {
  return { ...nodata(overrides), 'log-status': 'SKIPDATA', ...overrides };
}

export interface FlowLogFileSpec {
  readonly dataDir: string;
  /** `YYYY-MM-DD` (UTC): the day folder. */
  readonly day: string;
  readonly records: readonly FlowRecord[];
  readonly fields?: readonly FlowLogField[];
  readonly account?: string;
  readonly region?: string;
  readonly prefix?: string;
  /** Distinguishes several files of one day. */
  readonly name?: string;
}

export function dayFolder(dataDir: string, day: string, account = ACCOUNT, region = REGION, prefix = ''): string {
  return join(dataDir, prefix, 'AWSLogs', account, 'vpcflowlogs', region, ...day.split('-'));
}

/** The text of a log file: the header line AWS writes, then one line per record. */
export function flowLogText(records: readonly FlowRecord[], fields: readonly FlowLogField[] = DEFAULT_FORMAT): string {
  const lines = records.map((r) => fields.map((f) => String(r[f.name] ?? '-')).join(' '));
  return `${[headerLine(fields), ...lines].join('\n')}\n`;
}

/** Writes a gzip log file where AWS would deliver it; returns its path. */
export async function writeFlowLogFile(spec: FlowLogFileSpec): Promise<string> {
  const account = spec.account ?? ACCOUNT;
  const region = spec.region ?? REGION;
  const folder = dayFolder(spec.dataDir, spec.day, account, region, spec.prefix);
  await mkdir(folder, { recursive: true });
  const stamp = `${spec.day.replaceAll('-', '')}T0000Z`;
  const path = join(folder, `${account}_vpcflowlogs_${region}_fl-0123456789abcdef0_${stamp}_${spec.name ?? 'a1b2c3d4'}.log.gz`);
  await writeFile(path, gzipSync(flowLogText(spec.records, spec.fields ?? DEFAULT_FORMAT)));
  return path;
}

/** Cuts a gzip file short (its end and trailer lost), as an interrupted copy leaves it. */
export async function truncateFile(path: string, keepFraction = 0.6): Promise<void> {
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * keepFraction)));
}

/** Replaces a file with bytes that are not gzip at all. */
export async function garbleFile(path: string): Promise<void> {
  await writeFile(path, Buffer.from('this is not gzip data\n'));
}

/** Many different records (distinct ports and addresses), for files big enough to truncate mid-stream. */
export function manyFlows(count: number, overrides: FlowRecord = {}): FlowRecord[] {
  return Array.from({ length: count }, (_, i) =>
    flow({ srcaddr: `10.0.${(i >> 8) & 255}.${i & 255}`, srcport: 1024 + (i % 60_000), bytes: 100 + ((i * 7919) % 100_003), ...overrides }),
  );
}

export interface TempDirs {
  readonly root: string;
  readonly dataDir: string;
  readonly stateDir: string;
  remove(): Promise<void>;
}

export async function tempDirs(): Promise<TempDirs> {
  const root = await mkdtemp(join(tmpdir(), 'flowlog-pilot-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  return { root, dataDir, stateDir: join(root, 'state'), remove: () => rm(root, { recursive: true, force: true }) };
}
