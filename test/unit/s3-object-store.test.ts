import { DeleteObjectsCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteBatches, parseFolder, S3_MAX_DELETE_KEYS, S3ObjectStore } from '../../src/lib/s3/s3-object-store.js';
import { createAwsClients } from '../../src/lib/aws/clients.js';
import { loadCoreConfig } from '../../src/lib/config.js';
import { FlowlogError, ValidationError } from '../../src/lib/errors.js';
import { athenaOpener } from '../../src/lib/wiring/aws.js';

const FOLDER = 's3://results/rollup/builds/b1/dt=2026%2F11%2F20/';
const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `rollup/builds/b1/dt=2026%2F11%2F20/part-${from + i}`);

describe('S3ObjectStore', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => {
    s3.reset();
  });

  it('when S3 limits DeleteObjects to 1,000 keys (Amazon S3 API Reference, DeleteObjects), 999 and 1,000 keys make one request and 1,001 make two', () => {
    expect(S3_MAX_DELETE_KEYS).toBe(1000);
    expect(deleteBatches(keys(999)).map((b) => b.length)).toEqual([999]);
    expect(deleteBatches(keys(1000)).map((b) => b.length)).toEqual([1000]);
    expect(deleteBatches(keys(1001)).map((b) => b.length)).toEqual([1000, 1]);
    expect(deleteBatches([])).toEqual([]);
  });

  it('when the folder is listed over two pages, every page is deleted and the count is their sum', async () => {
    // Prepare
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: keys(1000).map((Key) => ({ Key })), IsTruncated: true, NextContinuationToken: 't2' });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({ Contents: keys(5, 1000).map((Key) => ({ Key })), IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});

    // Act
    const result = await new S3ObjectStore({ client: new S3Client({ region: 'ap-northeast-1' }) }).deleteFolder(FOLDER);

    // Assess
    expect(result).toEqual({ folder: FOLDER, deletedObjects: 1005 });
    const lists = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { Bucket: 'results', Prefix: 'rollup/builds/b1/dt=2026%2F11%2F20/' },
      { Bucket: 'results', Prefix: 'rollup/builds/b1/dt=2026%2F11%2F20/', ContinuationToken: 't2' },
    ]);
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects?.length)).toEqual([1000, 5]);
  });

  it('when DeleteObjects answers with per-key errors, the deletion fails naming the folder, the count so far and the first key', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({ Contents: keys(2).map((Key) => ({ Key })), IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: keys(1)[0], Code: 'AccessDenied', Message: 'Access Denied' }] });

    // Act
    const failure = await new S3ObjectStore({ client: new S3Client({ region: 'ap-northeast-1' }) }).deleteFolder(FOLDER).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(FlowlogError);
    expect((failure as Error).message).toBe(
      `could not delete ${FOLDER} (0 objects deleted): FlowlogError: S3 refused to delete 1 of 2 objects (first: ${keys(1)[0]}: AccessDenied Access Denied)`,
    );
  });

  it("when listing is refused, the deletion fails naming the folder and S3's error", async () => {
    // Prepare
    s3.on(ListObjectsV2Command).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'Access Denied' }));

    // Act
    const failure = await new S3ObjectStore({ client: new S3Client({ region: 'ap-northeast-1' }) }).deleteFolder(FOLDER).catch((e: unknown) => e);

    // Assess
    expect((failure as Error).message).toBe(`could not delete ${FOLDER} (0 objects deleted): AccessDenied: Access Denied`);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('when a call gets no answer before the deadline, the deletion fails at the deadline naming the call', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).callsFake(() => new Promise(() => {}));

    // Act
    const failure = await new S3ObjectStore({ client: new S3Client({ region: 'ap-northeast-1' }) }).deleteFolder(FOLDER, { deadlineMs: Date.now() + 50 }).catch((e: unknown) => e);

    // Assess
    expect((failure as Error).message).toMatch(
      new RegExp(`^could not delete ${FOLDER.replaceAll(/[.%]/g, '\\$&')} \\(0 objects deleted\\): CallTimeout: ListObjectsV2 got no answer within \\d+ ms$`),
    );
  });

  it.each(['s3://results/rollup/builds/b1', 's3://results/', 'rollup/builds/b1/', 's3://Results/x/'])(
    'when %s is given, it is refused as not a folder before any call',
    async (folder) => {
      expect(() => parseFolder(folder)).toThrow(ValidationError);
      await expect(new S3ObjectStore({ client: new S3Client({ region: 'ap-northeast-1' }) }).deleteFolder(folder)).rejects.toThrow(ValidationError);
      expect(s3.calls()).toHaveLength(0);
    },
  );

  it("when the AWS wiring opens the Athena engine, its handle carries the S3 object store on the clients' S3 client", async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
    const config = loadCoreConfig({
      FLOWLOG_ENGINE: 'athena',
      FLOWLOG_DATABASE: 'flowlogs',
      FLOWLOG_TABLE: 'vpc_flow_logs',
      FLOWLOG_BUCKET: 'flow-log-bucket',
      FLOWLOG_WORKGROUP: 'flowlog',
      FLOWLOG_OUTPUT_LOCATION: 's3://results/athena/',
      FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
    });

    // Act
    const handle = await athenaOpener(config, createAwsClients())();
    const deletion = await handle.objectStore?.deleteFolder(FOLDER);

    // Assess
    expect(handle.objectStore?.kind).toBe('s3');
    expect(deletion).toEqual({ folder: FOLDER, deletedObjects: 0 });
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });
});
