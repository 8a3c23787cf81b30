/**
 * The staged-rows records of the S3 rollup ledger: the real SDK S3 client against moto_server on
 * 127.0.0.1. A report keeps the early rows it staged for the folder's own build as a JSON object
 * `<folder>staged/<day>.json`; the build reads it, checks the files it names against the folder's
 * listing (size and ETag), and lets it go by overwriting it with `"staged": null` (PutObject only).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysOf, type UtcDay } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog, StagedRowsRecord } from '../../src/lib/ports.js';
import { earlyFilesOf, stagedRowsDecision } from '../../src/lib/rollup/staged.js';
import { S3RollupLedger } from '../../src/lib/s3/s3-rollup-ledger.js';
import { startMotoS3, type MotoS3 } from '../support/moto-s3.js';

const REGION = 'ap-northeast-1';
const ACCOUNT = '123456789012';
const LOGS = 'flowlog-pilot-ci-logs';
const RESULTS = 'flowlog-pilot-ci-results';
const ROOT = sourceRoot(`s3://${LOGS}`, '', ACCOUNT, REGION);
const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: ROOT }]);
const DAY = '2026-11-21' as UtcDay;
const FOLDER = `s3://${RESULTS}/rollup/ledger/vpc_flow_logs_rollup/`;
const keyOf = (name: string) => `${ROOT.slice(`s3://${LOGS}/`.length)}2026/11/21/${name}`;
const nameAt = (hhmm: string) => `${ACCOUNT}_vpcflowlogs_${REGION}_fl-0a1b2c3d_20261121T${hhmm}Z_abc.log.gz`;

let moto: MotoS3;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMotoS3(REGION);
  s3 = moto.client();
  await moto.createBucket(LOGS);
  await moto.createBucket(RESULTS);
  for (const hhmm of ['0005', '0010', '0035', '0100']) await s3.send(new PutObjectCommand({ Bucket: LOGS, Key: keyOf(nameAt(hhmm)), Body: `records delivered at ${hhmm}` }));
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

const rawCatalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: ROOT }),
  listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
};

describe('staged-rows records of the S3 rollup ledger (moto_server)', () => {
  it('when a report keeps staged rows, the build reads the record back, finds its files unchanged, and after letting it go finds none; the object says so', async () => {
    // Prepare
    const ledger = new S3RollupLedger({ client: s3, raw: rawCatalog, folder: FOLDER });
    const early = earlyFilesOf((await ledger.filesOf([DAY])).get(DAY) ?? [], '20261121T0030');
    const record: StagedRowsRecord = {
      day: DAY,
      build: 'early-20261121T093000000Z',
      stagedAt: '2026-11-21T09:30:00.000Z',
      files: early,
      partitions: [{ values: { build: 'early-20261121T093000000Z', dt: '2026/11/21' }, location: `s3://${RESULTS}/rollup/builds/early-20261121T093000000Z/dt=2026%2F11%2F21/` }],
    };

    // Act
    await ledger.keepStagedRows(record);
    const read = await ledger.stagedRows([DAY, '2026-11-22' as UtcDay]);
    const listedAtBuild = (await ledger.filesOf([DAY])).get(DAY) ?? [];
    await ledger.forgetStagedRows([DAY]);
    const after = await ledger.stagedRows([DAY]);
    const stored = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: RESULTS, Key: `rollup/ledger/vpc_flow_logs_rollup/staged/${DAY}.json` }))).Body!.transformToString('utf8'),
    );

    // Assess
    expect(early.map((f) => f.path.split('/').pop())).toEqual([nameAt('0005'), nameAt('0010')]);
    expect(early.every((f) => f.version.startsWith('"') && f.sizeBytes > 0)).toBe(true);
    expect([...read.keys()]).toEqual([DAY]);
    expect(read.get(DAY)).toEqual(record);
    expect(stagedRowsDecision(record, listedAtBuild, new Date('2026-11-22T09:30:00Z'))).toEqual({ use: true });
    expect(after.size).toBe(0);
    expect(stored).toMatchObject({ day: DAY, staged: null });
  });

  it('when a staged file is rewritten after the staging, its ETag differs and the build does not use the rows', async () => {
    // Prepare
    const ledger = new S3RollupLedger({ client: s3, raw: rawCatalog, folder: FOLDER });
    const early = earlyFilesOf((await ledger.filesOf([DAY])).get(DAY) ?? [], '20261121T0030');
    const record: StagedRowsRecord = { day: DAY, build: 'early-20261121T100000000Z', stagedAt: '2026-11-21T10:00:00.000Z', files: early, partitions: [] };
    await ledger.keepStagedRows(record);

    // Act
    await s3.send(new PutObjectCommand({ Bucket: LOGS, Key: keyOf(nameAt('0010')), Body: 'records delivered at 0010, rewritten' }));
    const decision = stagedRowsDecision(
      (await ledger.stagedRows([DAY])).get(DAY) as StagedRowsRecord,
      (await ledger.filesOf([DAY])).get(DAY) ?? [],
      new Date('2026-11-22T09:30:00Z'),
    );

    // Assess
    expect(decision.use).toBe(false);
    expect(decision.use === false && decision.why).toContain(nameAt('0010'));
  });
});
