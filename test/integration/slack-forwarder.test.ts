import 'aws-sdk-client-mock-vitest/extend';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SERVICES } from '../../src/handlers/shared.js';
import { createSlackForwarder } from '../../src/handlers/slack-forwarder.js';
import { awsSlackForwarderDeps } from '../../src/lib/wiring/aws.js';
import { renderSlackBlocks } from '../../src/lib/render/render-slack.js';
import { buildSnsMessage } from '../../src/lib/render/sns-message.js';
import type { Report } from '../../src/lib/report/model.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { hugeReport, richReport } from '../support/report-fixture.js';

const PARAMETER = '/flowlog-pilot/slack-webhook';
const SECRET_PATH = '/services/T0FAKE/B0FAKE/s3cr3tT0k3n';
const ssm = mockClient(SSMClient);
let server: LoopbackServer | undefined;
let logged: string[] = [];

const context: Context = {
  functionName: 'flowlog-pilot-slack-forwarder',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:flowlog-pilot-slack-forwarder',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/flowlog-pilot-slack-forwarder',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** The forwarder's context with this much of its own timeout left. */
const withRemaining = (remainingMs: number): Context => {
  const endMs = Date.now() + remainingMs;
  return { ...context, getRemainingTimeInMillis: () => endMs - Date.now() };
};

/** The event SNS gives a Lambda subscriber: the `lambda` key of the published message. */
function snsEvent(report: Report): SNSEvent {
  const published = JSON.parse(buildSnsMessage(report).Message) as { lambda: string };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-pilot-reports:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'msg-1',
          TopicArn: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-pilot-reports',
          Subject: 'flowlog-pilot',
          Message: published.lambda,
          Timestamp: '2026-11-25T15:05:13.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

function forwarder(settings: Record<string, string> = { FLOWLOG_SLACK_WEBHOOK_PARAMETER: PARAMETER }) {
  return createSlackForwarder(awsSlackForwarderDeps(settings, new SSMClient({}), { timeoutMs: 2_000, sleep: async () => undefined }), {
    logger: new Logger({ serviceName: SERVICES.slackForwarder, logLevel: 'DEBUG' }),
  });
}

beforeEach(() => {
  ssm.reset();
  logged = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe('Slack forwarder handler', () => {
  it('when the topic delivers a report, it reads the webhook from SSM once and posts the blocks, logging no URL', async () => {
    server = await startLoopbackServer([{ status: 200, body: 'ok' }]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: `${server.baseUrl}${SECRET_PATH}` } });
    const handler = forwarder();
    const report = richReport();

    const first = await handler(snsEvent(report), context);
    const second = await handler(snsEvent(report), context);

    expect(first).toEqual({ forwarded: 1, truncated: false });
    expect(second).toEqual(first);
    expect(ssm).toHaveReceivedCommandOnce(GetParameterCommand);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER, WithDecryption: true });
    expect(server.received).toHaveLength(2);
    expect(JSON.parse(server.received[0]?.body ?? '')).toEqual(renderSlackBlocks(JSON.parse(JSON.stringify(report)) as Report));
    const logs = logged.join('');
    expect(logs).toContain('report forwarded to Slack');
    expect(logs).not.toContain('s3cr3tT0k3n');
  });

  it('when the report was cut to fit SNS, it still forwards it and Slack stays within its limits', async () => {
    server = await startLoopbackServer([{ status: 200, body: 'ok' }]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });

    const result = await forwarder()(snsEvent(hugeReport(3_000, 60)), context);

    expect(result.forwarded).toBe(1);
    expect(result.truncated).toBe(true);
    const sent = JSON.parse(server.received[0]?.body ?? '') as { blocks: unknown[] };
    expect(sent.blocks.length).toBeLessThanOrEqual(50);
  });

  it('when the message is not a report, it fails with the field named and posts nothing', async () => {
    server = await startLoopbackServer([{ status: 200, body: 'ok' }]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });
    const event = snsEvent(richReport());
    const garbage = { Records: [{ ...event.Records[0], Sns: { ...event.Records[0]?.Sns, Message: '{"AlarmName":"cpu"}' } }] } as SNSEvent;

    await expect(forwarder()(garbage, context)).rejects.toThrow('event.Records[0].Sns.Message.tool: must be "flowlog-pilot" (this is not a flowlog-pilot report)');
    expect(server.received).toHaveLength(0);
  });

  it('when Slack refuses the webhook (404), the error and the logs name the host but never the secret path', async () => {
    server = await startLoopbackServer([{ status: 404, body: `no_service` }]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });

    const failure = forwarder()(snsEvent(richReport()), context);

    await expect(failure).rejects.toThrow(/Slack webhook http:\/\/127\.0\.0\.1:\d+\/… failed after 1 attempt: refused with 404 \(no_service\)/);
    const logs = logged.join('');
    expect(logs).toContain('slack forwarder failed');
    expect(logs).not.toContain('s3cr3tT0k3n');
  });

  it('when the SSM parameter does not exist, it fails naming the parameter', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    await expect(forwarder()(snsEvent(richReport()), context)).rejects.toThrow(/SSM parameter \/flowlog-pilot\/slack-webhook does not exist/);
  });

  it('when the configuration is missing, every invocation fails naming the key, without reading SSM', async () => {
    const handler = forwarder({});

    await expect(handler(snsEvent(richReport()), context)).rejects.toThrow(/FLOWLOG_SLACK_WEBHOOK_PARAMETER is required/);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 0);
  });
});

describe('Slack forwarder within its own timeout', () => {
  it('when the webhook accepts and never answers, the forwarder gives up before its timeout and says no time was left, instead of trying 5 s three times', async () => {
    // Prepare: the default per-try timeout (5 s) and real waits; 3 s left of the function's time.
    server = await startLoopbackServer(['hang']);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });
    const handler = createSlackForwarder(awsSlackForwarderDeps({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: PARAMETER }, new SSMClient({})));
    const started = Date.now();
    // Act
    const outcome = handler(snsEvent(richReport()), withRemaining(3_000));
    // Assess: 1 s is kept to answer, so the one try gets 2 s.
    await expect(outcome).rejects.toMatchObject({
      name: 'DeliveryError',
      message: expect.stringMatching(/failed after 1 attempt: no answer within (19[0-9]{2}|2000) ms; no time was left for another attempt before the function's timeout$/),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.received).toHaveLength(1);
  }, 20_000);

  it('when Slack asks to wait longer than the time left (Retry-After: 20 with 10 s left), it fails at once instead of waiting', async () => {
    server = await startLoopbackServer([{ status: 429, headers: { 'retry-after': '20' }, body: 'rate_limited' }]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });
    const waits: number[] = [];
    const handler = createSlackForwarder(awsSlackForwarderDeps({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: PARAMETER }, new SSMClient({}), { sleep: async (ms) => void waits.push(ms) }));

    const outcome = handler(snsEvent(richReport()), withRemaining(10_000));

    await expect(outcome).rejects.toThrow(/failed after 1 attempt: rate limited \(429\) \(rate_limited\); no time was left for another attempt before the function's timeout/);
    expect(waits).toEqual([]);
    expect(server.received).toHaveLength(1);
  });

  it('when Slack asks to wait 2 s with 10 s left, it waits and the second try delivers', async () => {
    server = await startLoopbackServer([
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, body: 'ok' },
    ]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });
    const waits: number[] = [];
    const handler = createSlackForwarder(awsSlackForwarderDeps({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: PARAMETER }, new SSMClient({}), { sleep: async (ms) => void waits.push(ms) }));

    await expect(handler(snsEvent(richReport()), withRemaining(10_000))).resolves.toEqual({ forwarded: 1, truncated: false });
    expect(waits).toEqual([2_000]);
  });

  it("when SSM never answers, the read is given up before the function's timeout as a DeadlineError", async () => {
    ssm.on(GetParameterCommand).callsFake(() => new Promise(() => {}));
    const started = Date.now();

    await expect(forwarder()(snsEvent(richReport()), withRemaining(2_500))).rejects.toMatchObject({
      name: 'DeadlineError',
      message: expect.stringMatching(/reading SSM parameter \/flowlog-pilot\/slack-webhook got no answer before the function's timeout \(waited 1[0-9]{3} ms\)/),
    });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("when a failure is answered, its errorType is the typed error's name (DeliveryError), so the failure queue can tell it from a refused event", async () => {
    server = await startLoopbackServer([{ status: 404, body: 'no_service' }]);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `${server.baseUrl}${SECRET_PATH}` } });

    await expect(forwarder()(snsEvent(richReport()), context)).rejects.toMatchObject({ name: 'DeliveryError' });
    await expect(forwarder()({ Records: [] } as unknown as SNSEvent, context)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
