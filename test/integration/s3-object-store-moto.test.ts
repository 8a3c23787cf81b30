/**
 * The S3 object store with the real S3 client (built with the per-request timeouts of every other
 * client) against moto_server on 127.0.0.1: a build folder of 1,001 objects is listed over two
 * ListObjectsV2 pages and deleted, and nothing outside the folder is touched, not even a sibling
 * whose name starts alike. Faults are in test/unit/s3-object-store.test.ts.
 */
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/lib/s3/s3-object-store.js';
import { requestHandlerOptions } from '../../src/lib/aws/http-options.js';
import { mapBounded } from '../../src/lib/concurrency.js';
import { useMotoServer } from '../support/moto-server.js';

const BUCKET = 'flowlog-results-ci';
const FOLDER = 'rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/';

describe('S3 object store against moto_server', () => {
  const { need } = useMotoServer();

  it('when a build folder holds 1,001 objects, every one is deleted and the objects beside it stay', async (ctx) => {
    // Prepare
    const server = need(ctx);
    const s3 = new S3Client({ ...server.clientConfig, requestHandler: requestHandlerOptions() });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' } }));
    const inFolder = Array.from({ length: 1001 }, (_, i) => `${FOLDER}part-${String(i).padStart(5, '0')}.parquet`);
    const beside = ['rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20x/part-0.parquet', 'rollup/builds/20261122T000000000Z/dt=2026%2F11%2F20/part-0.parquet', 'athena/q-1.csv'];
    await mapBounded([...inFolder, ...beside], 16, (Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' })));
    const store = new S3ObjectStore({ client: s3 });

    // Act
    const deletion = await store.deleteFolder(`s3://${BUCKET}/${FOLDER}`, { deadlineMs: Date.now() + 60_000 });

    // Assess
    expect(deletion).toEqual({ folder: `s3://${BUCKET}/${FOLDER}`, deletedObjects: 1001 });
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((left.Contents ?? []).map((o) => o.Key).sort()).toEqual([...beside].sort());
  }, 120_000);

  it('when the folder is already empty, nothing is deleted and nothing fails', async (ctx) => {
    // Prepare
    const server = need(ctx);
    const s3 = new S3Client({ ...server.clientConfig, requestHandler: requestHandlerOptions() });

    // Act
    const deletion = await new S3ObjectStore({ client: s3 }).deleteFolder(`s3://${BUCKET}/rollup/builds/none/dt=2026%2F11%2F21/`);

    // Assess
    expect(deletion.deletedObjects).toBe(0);
  }, 60_000);
});
