/**
 * A `moto_server` on 127.0.0.1 at a free port, for the tests of the AWS adapters with the real SDK
 * clients (S3, Glue, SNS, SQS, SSM). Started by the test file that needs it, stopped after it,
 * whatever happens (also when the test process is interrupted).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { findTool, missingToolReason } from './aws-tools.js';

/** moto imports every service it serves at start: a few seconds on a shared 2-core machine. */
const READY_TIMEOUT_MS = 60_000;

export interface MotoServer {
  readonly endpoint: string;
  /** What SDK clients need to talk to it: endpoint, region, fake credentials. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startMotoServer(): Promise<MotoServer> {
  const bin = findTool('moto_server');
  if (bin === undefined) throw new Error('moto_server not found');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms: ${stderr}`);
    }
    await sleep(200);
  }
  return {
    endpoint,
    clientConfig: { endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    stop,
  };
}

/**
 * One moto_server for the tests of the calling describe block: started before them, always
 * stopped after. Each test asks `need(ctx)` for it; without moto_server (outside CI) the test is
 * skipped, saying why.
 */
export function useMotoServer(): { need(ctx: TestContext): MotoServer } {
  const skipReason = missingToolReason('moto_server');
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    if (skipReason !== undefined) {
      console.warn(`skipping the moto_server tests: ${skipReason}`);
      return;
    }
    moto = await startMotoServer();
  }, 90_000);
  afterAll(async () => {
    await moto?.stop();
  });
  return {
    need(ctx: TestContext): MotoServer {
      if (moto === undefined) ctx.skip(`moto_server stand-in unavailable: ${skipReason}`);
      return moto!;
    },
  };
}
