/**
 * moto_server on 127.0.0.1 standing in for S3, for tests that drive the real SDK S3 client: the one
 * launcher of test/support/moto-server.ts (free port, readiness wait, always stopped), with a
 * path-style S3 client and bucket creation on top.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startMotoServer } from './moto-server.js';

export interface MotoS3 {
  readonly endpoint: string;
  /** A real S3 client pointed at the server (path-style, fake credentials). */
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMotoS3(region = 'ap-northeast-1'): Promise<MotoS3> {
  const server = await startMotoServer();
  const clients: S3Client[] = [];
  const client = () => {
    const made = new S3Client({ ...server.clientConfig, region, forcePathStyle: true });
    clients.push(made);
    return made;
  };
  return {
    endpoint: server.endpoint,
    client,
    createBucket: async (name) => {
      await client().send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: region as never } }));
    },
    stop: async () => {
      for (const c of clients) c.destroy();
      await server.stop();
    },
  };
}
