/**
 * A moto_server on 127.0.0.1 standing in for S3, for tests that drive the real SDK S3 client.
 * moto_server comes with pyenv's Python (`/root/.pyenv/shims` on PATH); when it is missing the
 * test fails saying so. Each call starts its own server on a free port; `stop()` ends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface MotoS3 {
  readonly endpoint: string;
  /** A real S3 client pointed at the server (path-style, fake credentials). */
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

export async function startMotoS3(region = 'ap-northeast-1'): Promise<MotoS3> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const path = [process.env.PATH, '/root/.pyenv/shims'].filter(Boolean).join(':');
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, PATH: path }, stdio: 'ignore' });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`moto_server could not be started (is pyenv's moto installed and /root/.pyenv/shims on PATH?): ${error.message}`)));
  });
  await spawned;
  await waitUntilAnswering(endpoint, child, 20_000);
  const clients: S3Client[] = [];
  const client = () => {
    const made = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    clients.push(made);
    return made;
  };
  return {
    endpoint,
    client,
    createBucket: async (name) => {
      await client().send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: region as never } }));
    },
    stop: async () => {
      for (const c of clients) c.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
