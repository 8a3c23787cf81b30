import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_FORMAT, headerLine, type FlowLogField } from '../../src/lib/flowlog/format.js';
import type { QueryEngine, QueryResult, Row } from '../../src/lib/ports.js';

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

/*
 * Line-based records and a small in-memory DuckDB over a folder of real gz files, for the rule
 * and report tests.
 */

export interface Flow {
  readonly src: string;
  readonly dst: string;
  /** `-` (here and in srcPort) for a record without ports. */
  readonly dstPort: number | '-';
  /** Epoch seconds. */
  readonly start: number;
  readonly srcPort?: number | '-';
  readonly protocol?: number;
  readonly bytes?: number;
  readonly packets?: number;
  readonly action?: 'ACCEPT' | 'REJECT';
  readonly eni?: string;
}

/** A flow-log line in the default (v2) format. */
export function flowLine(flow: Flow): string {
  const f = { srcPort: 49152, protocol: 6, bytes: 600, packets: 10, action: 'ACCEPT', eni: 'eni-0a1b2c3d4e5f60718', ...flow };
  return `2 ${ACCOUNT} ${f.eni} ${f.src} ${f.dst} ${f.srcPort} ${f.dstPort} ${f.protocol} ${f.packets} ${f.bytes} ${f.start} ${f.start + 60} ${f.action} OK`;
}

/** A NODATA or SKIPDATA record: only the interface, times and status are given. */
export function statusLine(status: 'NODATA' | 'SKIPDATA', start: number, eni = 'eni-0a1b2c3d4e5f60718'): string {
  return `2 ${ACCOUNT} ${eni} - - - - - - - ${start} ${start + 600} - ${status}`;
}

/** The UTC folder a record is delivered to: the day of its start time. */
export function dtOfEpoch(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10).replaceAll('-', '/');
}

/**
 * A local copy of a flow-log bucket: gz files in the AWS folder layout, loaded into an
 * in-memory DuckDB table `flowlogs.vpc_flow_logs` with `dt` taken from the folder, and a small
 * engine over it. Every file is real gzip text as AWS writes it, header line included.
 */
export class FlowBucket {
  readonly dir = mkdtempSync(join(tmpdir(), 'flowlog-report-'));
  #files = 0;

  /** Writes the lines into the UTC day folders of their start times (one file per day per call). */
  write(lines: readonly string[]): this {
    const byDt = new Map<string, string[]>();
    for (const line of lines) {
      const dt = dtOfEpoch(Number(line.split(' ')[10]));
      byDt.set(dt, [...(byDt.get(dt) ?? []), line]);
    }
    for (const [dt, dayLines] of byDt) this.writeDay(dt, dayLines);
    return this;
  }

  /** Writes the lines into one day folder whatever their start times (late delivery). */
  writeDay(dt: string, lines: readonly string[]): this {
    const folder = join(this.dir, 'AWSLogs', ACCOUNT, 'vpcflowlogs', REGION, dt);
    mkdirSync(folder, { recursive: true });
    const name = `${ACCOUNT}_vpcflowlogs_${REGION}_fl-0123456789abcdef0_${dt.replaceAll('/', '')}T0000Z_${String(this.#files++).padStart(8, '0')}.log.gz`;
    writeFileSync(join(folder, name), gzipSync(`${headerLine(DEFAULT_FORMAT)}\n${lines.join('\n')}\n`));
    return this;
  }

  async open(): Promise<TestEngine> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)');
    await connection.run('CREATE SCHEMA flowlogs');
    // Like the local engine: the table, and a view of it with Athena's "$path" pseudo-column.
    await connection.run(`CREATE TABLE flowlogs.vpc_flow_logs_with_path AS
      SELECT * EXCLUDE (filename), regexp_extract(filename, '(\\d{4}/\\d{2}/\\d{2})/[^/]*$', 1) AS dt, filename AS "$path"
      FROM read_csv('${this.dir}/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz', delim=' ', header=true, nullstr='-', quote='', escape='', filename=true,
        columns={'version': 'INTEGER', 'account': 'VARCHAR', 'interfaceid': 'VARCHAR', 'sourceaddress': 'VARCHAR', 'destinationaddress': 'VARCHAR',
          'sourceport': 'INTEGER', 'destinationport': 'INTEGER', 'protocol': 'INTEGER', 'numpackets': 'BIGINT', 'numbytes': 'BIGINT',
          'starttime': 'BIGINT', 'endtime': 'BIGINT', 'action': 'VARCHAR', 'logstatus': 'VARCHAR'})`);
    await connection.run('CREATE VIEW flowlogs.vpc_flow_logs AS SELECT * EXCLUDE ("$path") FROM flowlogs.vpc_flow_logs_with_path');
    const executed: string[] = [];
    const engine: QueryEngine = {
      kind: 'local',
      async execute(sql, options): Promise<QueryResult> {
        executed.push(sql);
        const startedMs = Date.now();
        const reader = await connection.runAndReadAll(sql);
        const names = reader.columnNames();
        const types = reader.columnTypes().map((t) => t.toString().toLowerCase());
        const all: Row[] = reader
          .getRowObjectsJS()
          .map((row) => Object.fromEntries(names.map((n) => [n, typeof row[n] === 'bigint' ? Number(row[n]) : (row[n] as string | number | null)])));
        const keep = options?.maxRows ?? all.length;
        return {
          queryId: `local-${executed.length}`,
          columns: names.map((name, i) => ({ name, type: types[i] ?? 'varchar' })),
          rows: all.slice(0, keep),
          rowsLeftOut: Math.max(0, all.length - keep),
          bytesScanned: 0,
          durationMs: Date.now() - startedMs,
          warnings: [],
        };
      },
    };
    return {
      engine,
      executed,
      close: () => {
        connection.closeSync();
        instance.closeSync();
        rmSync(this.dir, { recursive: true, force: true });
      },
    };
  }
}

export interface TestEngine {
  readonly engine: QueryEngine;
  /** Every statement run, in order. */
  readonly executed: string[];
  close(): void;
}
