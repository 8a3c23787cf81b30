import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import type { PartitionCatalog, QueryEngine, QueryResult, RollupLedger, SourceFile, StagedRowsRecord } from '../../src/lib/ports.js';
import { wantedRollupPartitions } from '../../src/lib/rollup/plan.js';
import { buildRollupReusingStagedSql } from '../../src/lib/rollup/statements.js';
import { ensureRollups } from '../../src/lib/use-cases/ensure-rollups.js';

// Athena's query string limit (Athena service quotas: "query string length 262,144 bytes").
const ATHENA_QUERY_LIMIT_BYTES = 262_144;
const DAY = '2026-11-21' as UtcDay;
const layout = layoutFor([{ account: '123456789012', region: 'ap-northeast-1', root: sourceRoot('s3://logs', '', '123456789012', 'ap-northeast-1') }]);
const rollupCatalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs_rollup', partitionKeys: ['dt'], columns: [], location: 's3://results/rollup/' }),
  listPartitions: async () => [],
};
const ok: QueryResult = { queryId: 'q', columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 1000, durationMs: 1, warnings: [] };
const NOW = new Date('2026-11-22T09:30:00Z');
const BUILD_ID = '20261122T093000000Z';
const tables = { database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', keys: layout.keys };

function recordOf(files: readonly SourceFile[]): StagedRowsRecord {
  return {
    day: DAY,
    build: 'early-20261121T093000000Z',
    stagedAt: '2026-11-21T09:30:00.000Z',
    files,
    partitions: [{ values: { build: 'early-20261121T093000000Z', dt: '2026/11/21' }, location: 's3://results/rollup/builds/early-20261121T093000000Z/dt=2026%2F11%2F21/' }],
  };
}

/** Staged files whose build statement is exactly `bytes` long (the last path padded to fit). */
function filesForStatementOf(bytes: number): SourceFile[] {
  const file = (i: number, pad = 0): SourceFile => ({
    path: `s3://logs/AWSLogs/123456789012/vpcflowlogs/ap-northeast-1/2026/11/21/${'x'.repeat(pad)}f${String(i).padStart(6, '0')}.log.gz`,
    sizeBytes: 1,
    version: '"e"',
  });
  const size = (files: readonly SourceFile[]) =>
    Buffer.byteLength(buildRollupReusingStagedSql(tables, 'athena', [DAY], wantedRollupPartitions(layout, [DAY]), BUILD_ID, [recordOf(files)]), 'utf8');
  // Each file adds the same bytes (equal-length names), so the count is computed, then the last name padded.
  const one = size([file(0)]);
  const each = size([file(0), file(1)]) - one;
  const files = Array.from({ length: 1 + Math.floor((bytes - one) / each) }, (_, i) => file(i));
  const last = files.length - 1;
  files[last] = file(last, bytes - size(files));
  return files;
}

function run(files: readonly SourceFile[], ledgerFaults: { forget?: Error } = {}) {
  const sql: string[] = [];
  const forgotten: UtcDay[] = [];
  const engine: QueryEngine = {
    kind: 'athena',
    execute: async (text) => {
      sql.push(text);
      return ok;
    },
  };
  const ledger: RollupLedger = {
    filesOf: async (days) => new Map(days.map((d) => [d, d === DAY ? files : []])),
    recorded: async () => new Map(),
    record: async () => {},
    stagedRows: async (days) => new Map(days.includes(DAY) ? [[DAY, recordOf(files)]] : []),
    keepStagedRows: async () => {},
    forgetStagedRows: async (days) => {
      if (ledgerFaults.forget !== undefined) throw ledgerFaults.forget;
      forgotten.push(...days);
    },
  };
  const deps = { engine, rollupCatalog, layout, database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', settleMinutes: 30, now: () => NOW, ledger };
  return { sql, forgotten, result: ensureRollups(deps, { days: [DAY] }) };
}

describe('ensureRollups with staged early rows', () => {
  it('when naming the staged files makes a build statement of exactly 262,144 bytes, it reuses the staged rows', async () => {
    const files = filesForStatementOf(ATHENA_QUERY_LIMIT_BYTES);
    const { sql, result } = run(files);
    const done = await result;
    const build = sql.find((s) => s.startsWith('INSERT')) ?? '';
    expect(Buffer.byteLength(build, 'utf8')).toBe(ATHENA_QUERY_LIMIT_BYTES);
    expect(build).toContain('"$path" NOT IN');
    expect(done.statements.find((s) => s.kind === 'build')?.reusedStaged).toEqual([DAY]);
  });

  it('when it would make one of 262,145 bytes, the build reads every file and says why', async () => {
    const files = filesForStatementOf(ATHENA_QUERY_LIMIT_BYTES + 1);
    const { sql, result } = run(files);
    const done = await result;
    const build = sql.find((s) => s.startsWith('INSERT')) ?? '';
    expect(build).not.toContain('NOT IN');
    expect(done.ledgerWarnings).toEqual([
      `the early rows staged for ${DAY} were not reused: naming their files makes a statement of 262145 bytes, over Athena's 262144; the build read every file`,
    ]);
  });

  it('when the build was switched in, the record is let go before the staged partition is dropped', async () => {
    const files = filesForStatementOf(10_000);
    const { sql, forgotten, result } = run(files);
    const done = await result;
    expect(forgotten).toEqual([DAY]);
    expect(sql[sql.length - 1]).toBe("ALTER TABLE flowlogs.vpc_flow_logs_rollup_builds DROP IF EXISTS PARTITION (build = 'early-20261121T093000000Z', dt = '2026/11/21')");
    expect(done.rollupDays).toEqual([DAY]);
  });

  it('when the ledger cannot let the staged rows go, they are not dropped (a record never names rows that are gone) and a warning says so', async () => {
    const files = filesForStatementOf(10_000);
    const { sql, result } = run(files, { forget: new Error('S3 PutObject failed: SlowDown') });
    const done = await result;
    expect(sql.filter((s) => s.includes('early-20261121T093000000Z') && s.includes('DROP'))).toEqual([]);
    expect(done.ledgerWarnings).toEqual([
      `the early rows staged for ${DAY} could not be forgotten in the rollup ledger (unexpected error: S3 PutObject failed: SlowDown); they stay until the lifecycle rule expires them`,
    ]);
    expect(done.rollupDays).toEqual([DAY]);
  });
});
