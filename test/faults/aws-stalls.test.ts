/**
 * AWS endpoints that accept a connection and never answer, as real HTTP servers on 127.0.0.1, with
 * the real SDK clients pointed at them (AWS_ENDPOINT_URL): every client gives a stalled request up
 * at its request timeout, and the Athena engine gives up a stalled poll at its deadline margin
 * and stops the query it started, well before the Lambda would end as "Task timed out".
 */
import { GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AthenaEngine } from '../../src/lib/athena/athena-engine.js';
import { createAwsClients } from '../../src/lib/aws/clients.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { requestHandlerOptions } from '../../src/lib/aws/http-options.js';
import { createSnsClient } from '../../src/lib/sns/sns-client.js';
import { createSsmClient } from '../../src/lib/ssm/ssm-client.js';
import { DeadlineError } from '../../src/lib/errors.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

let stalled: LoopbackServer | undefined;
let athenaStandIn: Server | undefined;

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'ap-northeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await stalled?.close();
  stalled = undefined;
  if (athenaStandIn !== undefined) {
    athenaStandIn.closeAllConnections();
    await new Promise<void>((resolve) => athenaStandIn!.close(() => resolve()));
    athenaStandIn = undefined;
  }
});

describe('SDK clients against an endpoint that never answers', () => {
  it('when the clients are built, each request may take 3 s to connect and 10 s in all, and a late answer is an error', async () => {
    // Assess: the options every factory passes, and what each built client resolved from them.
    expect(requestHandlerOptions()).toEqual({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true });
    const clients = createAwsClients();
    for (const client of [clients.athena, clients.glue, clients.s3!, createSnsClient(), createSsmClient()]) {
      const handler = client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
      expect(await handler.configProvider).toMatchObject({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true });
    }
  });

  const TIMEOUTS = { connectionTimeoutMs: 200, requestTimeoutMs: 300 };
  it.each([
    ['Athena', () => createAwsClients(TIMEOUTS).athena.send(new GetQueryExecutionCommand({ QueryExecutionId: 'q-1' })), 3],
    ['Glue', () => createAwsClients(TIMEOUTS).glue.send(new GetTableCommand({ DatabaseName: 'flowlogs', Name: 'vpc_flow_logs' })), 3],
    ['S3', () => createAwsClients(TIMEOUTS).s3!.send(new ListObjectsV2Command({ Bucket: 'results', Prefix: 'rollup/builds/b1/' })), 3],
    ['SNS', () => createSnsClient(TIMEOUTS).send(new PublishCommand({ TopicArn: 'arn:aws:sns:ap-northeast-1:123456789012:t', Message: 'm' })), 1],
    ['SSM', () => createSsmClient(TIMEOUTS).send(new GetParameterCommand({ Name: '/flowlog/slack', WithDecryption: true })), 3],
  ] as const)(
    'when %s never answers, each attempt fails with TimeoutError at the request timeout and the call ends',
    async (_, call, attempts) => {
      // Prepare
      stalled = await startLoopbackServer(['hang']);
      vi.stubEnv('AWS_ENDPOINT_URL', stalled.baseUrl);
      const started = Date.now();
      // Act
      const outcome = call();
      // Assess: the SDK's standard retry mode tries up to 3 times (SNS is built with 1), each ended at 300 ms.
      await expect(outcome).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(stalled.received.length).toBeGreaterThanOrEqual(1);
      expect(stalled.received.length).toBeLessThanOrEqual(attempts);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(Date.now() - started).toBeLessThan(attempts * 300 + 3_000);
    },
    15_000,
  );
});

describe('Athena engine over a real client, against a stand-in that stalls GetQueryExecution', () => {
  it('when the poll never answers, it is given up at the deadline margin, StopQueryExecution reaches the stand-in, and a DeadlineError says so', async () => {
    // Prepare: StartQueryExecution and StopQueryExecution answer; GetQueryExecution never does.
    const targets: string[] = [];
    athenaStandIn = createServer((request, response) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      targets.push(target);
      request.resume();
      request.on('end', () => {
        if (target.endsWith('.GetQueryExecution')) return;
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(target.endsWith('.StartQueryExecution') ? JSON.stringify({ QueryExecutionId: 'q-stalled' }) : '{}');
      });
    });
    await new Promise<void>((resolve) => athenaStandIn!.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', `http://127.0.0.1:${(athenaStandIn.address() as AddressInfo).port}`);
    const engine = new AthenaEngine({ client: createAwsClients().athena, workgroup: 'flowlog', database: 'flowlogs' });
    const started = Date.now();
    const deadlineMs = started + 5_000;
    // Act
    const outcome = engine.execute('SELECT 1', { label: 'port-scan', deadlineMs });
    // Assess: 5 s to the deadline, 3 s of margin: the poll is given up after 2 s, the stop follows.
    await expect(outcome).rejects.toBeInstanceOf(DeadlineError);
    await expect(outcome).rejects.toThrow(
      /GetQueryExecution for the query \(port-scan\) got no answer before the deadline.*Athena query q-stalled \(port-scan\): it was stopped \(StopQueryExecution\)/,
    );
    expect(targets).toEqual(['AmazonAthena.StartQueryExecution', 'AmazonAthena.GetQueryExecution', 'AmazonAthena.StopQueryExecution']);
    expect(Date.now()).toBeGreaterThanOrEqual(deadlineMs - 3_000);
    expect(Date.now()).toBeLessThan(deadlineMs - 1_000);
  }, 15_000);
});
