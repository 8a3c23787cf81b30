import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { QueryEngine, QueryResult, Row } from '../../../src/lib/ports.js';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';
const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

export interface Flow {
  readonly src: string;
  readonly dst: string;
  readonly dstPort: number;
  /** Epoch seconds. */
  readonly start: number;
  readonly srcPort?: number;
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
    writeFileSync(join(folder, name), gzipSync(`${HEADER}\n${lines.join('\n')}\n`));
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
        const all: Row[] = reader.getRowObjectsJS().map((row) =>
          Object.fromEntries(names.map((n) => [n, typeof row[n] === 'bigint' ? Number(row[n]) : (row[n] as string | number | null)])),
        );
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
