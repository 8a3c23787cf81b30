/**
 * The rollup ledger on S3: the real SDK S3 client against moto_server on 127.0.0.1. The files of a
 * day are listed from its raw folders (every ListObjectsV2 page), each day's record is a JSON
 * object beside the rollup, and a report on the Athena path (a recording engine) builds a day
 * again when an object was added under its folder since its build, and says which.
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RollupLedger } from '../../src/lib/s3/s3-rollup-ledger.js';
import { daysOf, type UtcDay } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor, type Partition } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog, QueryEngine, QueryOptions, QueryResult } from '../../src/lib/ports.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { startMotoS3, type MotoS3 } from '../support/moto-s3.js';

const REGION = 'ap-northeast-1';
const ACCOUNT = '123456789012';
const LOGS = 'flowlog-pilot-ci-logs';
const RESULTS = 'flowlog-pilot-ci-results';
const ROOT = sourceRoot(`s3://${LOGS}`, '', ACCOUNT, REGION);
const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: ROOT }]);
const dayKey = (day: string, name: string) => `${ROOT.slice(`s3://${LOGS}/`.length)}${day.replaceAll('-', '/')}/${name}`;

let moto: MotoS3;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMotoS3(REGION);
  s3 = moto.client();
  await moto.createBucket(LOGS);
  await moto.createBucket(RESULTS);
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

async function put(bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** The raw table's partitions: every day of the range, at its folder of the log bucket (Glue would return the same). */
const rawCatalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: ROOT }),
  listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
};

describe('S3 rollup ledger (moto_server)', () => {
  it(
    'when a day folder holds 1,001 objects, they are all listed over two ListObjectsV2 pages with size and ETag, and a sibling folder whose name starts alike is not',
    { timeout: 120_000 },
    async () => {
      // Prepare: S3 returns at most 1,000 keys per ListObjectsV2 page (Amazon S3 API Reference, ListObjectsV2 MaxKeys).
      const day = '2026-10-01' as UtcDay;
      const names = Array.from({ length: 1001 }, (_, i) => `f-${String(i).padStart(4, '0')}.log.gz`);
      for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => put(LOGS, dayKey(day, n), n)));
      await put(LOGS, `${dayKey(day, '').slice(0, -1)}0/other.log.gz`, 'sibling');
      const ledger = new S3RollupLedger({ client: s3, raw: rawCatalog, folder: `s3://${RESULTS}/rollup/ledger/t/` });
      let calls = 0;
      s3.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'ListObjectsV2Command') calls++;
          return next(args);
        },
        { step: 'initialize', name: 'countLists' },
      );

      // Act
      const files = (await ledger.filesOf([day])).get(day) ?? [];

      // Assess
      s3.middlewareStack.remove('countLists');
      expect(calls).toBe(2);
      expect(files).toHaveLength(1001);
      expect(files.map((f) => f.path)).toEqual(names.map((n) => `s3://${LOGS}/${dayKey(day, n)}`));
      const head = await s3.send(new HeadObjectCommand({ Bucket: LOGS, Key: dayKey(day, names[7] as string) }));
      expect(files[7]).toEqual({ path: `s3://${LOGS}/${dayKey(day, names[7] as string)}`, sizeBytes: (names[7] as string).length, version: head.ETag });
    },
  );

  it('when a record is kept, it is read back as written from <folder><day>.json, and a day without one has no record', async () => {
    // Prepare
    const ledger = new S3RollupLedger({ client: s3, raw: rawCatalog, folder: `s3://${RESULTS}/rollup/ledger/vpc_flow_logs_rollup/` });
    const record = {
      day: '2026-10-02' as UtcDay,
      files: [{ path: `s3://${LOGS}/a.log.gz`, sizeBytes: 12, version: '"abc"' }],
      skipped: [{ kind: 'skipped-line' as const, file: `s3://${LOGS}/a.log.gz`, line: 4, reason: 'dstport is not a number' }],
    };

    // Act
    await ledger.record([record]);
    const read = await ledger.recorded(['2026-10-02' as UtcDay, '2026-10-03' as UtcDay]);

    // Assess
    expect([...read.keys()]).toEqual(['2026-10-02']);
    expect(read.get('2026-10-02' as UtcDay)).toEqual(record);
    const head = await s3.send(new HeadObjectCommand({ Bucket: RESULTS, Key: 'rollup/ledger/vpc_flow_logs_rollup/2026-10-02.json' }));
    expect(head.ContentType).toBe('application/json');
  });
});

/** Records every statement; answers each with no rows (the report's findings are not the point here). */
class RecordingEngine implements QueryEngine {
  readonly kind = 'athena' as const;
  readonly statements: { sql: string; label: string | undefined }[] = [];
  async execute(sql: string, options?: QueryOptions): Promise<QueryResult> {
    this.statements.push({ sql, label: options?.label });
    return { queryId: `q-${this.statements.length}`, columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 1000, durationMs: 1, warnings: [] };
  }
}

/** The rollup table's partitions as Glue keeps them: the switch statements the engine ran add or move them. */
function rollupCatalogFollowing(engine: RecordingEngine): PartitionCatalog {
  return {
    describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs_rollup', partitionKeys: ['dt'], columns: [], location: `s3://${RESULTS}/rollup/` }),
    listPartitions: async () => {
      const present = new Map<string, Partition>();
      for (const { sql } of engine.statements) {
        if (!/^ALTER TABLE flowlogs\.vpc_flow_logs_rollup\s/.test(sql)) continue;
        for (const m of sql.matchAll(/dt = '(\d{4}\/\d{2}\/\d{2})'\)\s*(?:SET )?LOCATION '([^']+)'/g))
          present.set(m[1] as string, { values: { dt: m[1] as string }, location: m[2] as string });
      }
      return [...present.values()];
    },
  };
}

describe('a report on the Athena path with the S3 ledger (moto_server)', () => {
  it(
    "when an object is added under a built day's folder, the next report builds that day again and warns naming the key; the report after that builds nothing",
    { timeout: 60_000 },
    async () => {
      // Prepare: a week of logs; the first report builds every complete day and records its files.
      const days = daysOf({ from: '2026-11-10' as UtcDay, to: '2026-11-20' as UtcDay });
      await Promise.all(days.map((day) => put(LOGS, dayKey(day, 'first.log.gz'), `logs of ${day}`)));
      const engine = new RecordingEngine();
      const ledger = new S3RollupLedger({ client: s3, raw: rawCatalog, folder: `s3://${RESULTS}/rollup/ledger/vpc_flow_logs_rollup/` });
      const deps = {
        engine,
        catalog: rawCatalog,
        layout,
        database: 'flowlogs',
        table: 'vpc_flow_logs',
        config: loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: 'UTC' }),
        now: () => new Date('2026-11-20T12:00:00Z'),
        rollup: { table: 'vpc_flow_logs_rollup', catalog: rollupCatalogFollowing(engine), settleMinutes: 30, ledger },
      };
      // Rollup builds only: the staging of the next folder's early rows (label early-rows) is an INSERT too.
      const builds = (from: number, to?: number) =>
        engine.statements
          .slice(from, to)
          .filter((s) => /^INSERT INTO/.test(s.sql) && !(s.label ?? '').startsWith('early-rows'))
          .map((s) => [...new Set(s.sql.match(/'\d{4}\/\d{2}\/\d{2}'/g))].join(','));
      await runReport(deps, { date: '2026-11-19' });
      const builtDay = '2026-11-18';
      expect((await ledger.recorded([builtDay as UtcDay])).get(builtDay as UtcDay)?.files.map((f) => f.path)).toEqual([`s3://${LOGS}/${dayKey(builtDay, 'first.log.gz')}`]);

      // Act
      const added = dayKey(builtDay, 'late.log.gz');
      await put(LOGS, added, 'a file delivered after the build');
      const before = engine.statements.length;
      const second = await runReport(deps, { date: '2026-11-19' });
      const afterSecond = engine.statements.length;
      const third = await runReport(deps, { date: '2026-11-19' });

      // Assess
      expect(builds(before, afterSecond)).toEqual(["'2026/11/18'"]);
      expect(second.warnings).toContain(`the rollup of ${builtDay} was built again before this report: files changed since it was built: 1 added (s3://${LOGS}/${added})`);
      expect(builds(afterSecond)).toEqual([]);
      expect(third.warnings.filter((w) => w.includes(builtDay))).toEqual([]);
    },
  );
});
