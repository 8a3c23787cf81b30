import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnsNotifier } from '../../src/lib/sns/sns-notifier.js';
import { DeliveryError } from '../../src/lib/errors.js';
import { hugeReport, richReport } from '../support/report-fixture.js';

const topicArn = 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-pilot-reports';
const sns = mockClient(SNSClient);

function throttled(): SNSServiceException {
  return new SNSServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('SNS notifier', () => {
  beforeEach(() => sns.reset());

  it('when a report is published, it sends one PublishCommand with MessageStructure json, the subject and every protocol key', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = new SnsNotifier(new SNSClient({}), topicArn);

    const result = await notifier.notify(richReport());

    expect(result).toEqual({ channel: 'sns', messageId: 'm-1', truncated: false });
    expect(sns).toHaveReceivedCommandOnce(PublishCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: topicArn,
      MessageStructure: 'json',
      Subject: 'flowlog-pilot 2026-11-25: 3 findings (2 high), 18,233 rejected, 1 query failed',
    });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(Object.keys(JSON.parse(input?.Message ?? '{}')).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
  });

  it('when the report is huge, the published message is within 256 KiB and the result says it was truncated', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const notifier = new SnsNotifier(new SNSClient({}), topicArn);

    const result = await notifier.notify(hugeReport(3_000, 20));

    expect(result.truncated).toBe(true);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(Buffer.byteLength(input?.Message ?? '') + Buffer.byteLength(input?.Subject ?? '')).toBeLessThanOrEqual(262_144);
  });

  it('when SNS throttles twice, it waits with jittered backoff and publishes on the third attempt', async () => {
    sns.on(PublishCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ MessageId: 'm-3' });
    const { waits, sleep } = recordingSleep();
    const notifier = new SnsNotifier(new SNSClient({}), topicArn, { sleep, random: () => 0.5, retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 } });

    const result = await notifier.notify(richReport());

    expect(result.messageId).toBe('m-3');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(waits).toEqual([50, 100]);
  });

  it('when SNS keeps failing with a server error, it stops after the bounded attempts with a DeliveryError naming the topic', async () => {
    sns.on(PublishCommand).rejects(new SNSServiceException({ name: 'InternalErrorException', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'internal' }));
    const { waits, sleep } = recordingSleep();
    const notifier = new SnsNotifier(new SNSClient({}), topicArn, { sleep, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } });

    const failure = notifier.notify(richReport());

    await expect(failure).rejects.toThrow(DeliveryError);
    await expect(failure).rejects.toThrow(/SNS publish to arn:aws:sns:ap-northeast-1:123456789012:flowlog-pilot-reports failed: InternalErrorException/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(waits).toHaveLength(2);
  });

  it('when SNS refuses the request (authorization), it does not retry', async () => {
    sns.on(PublishCommand).rejects(new SNSServiceException({ name: 'AuthorizationErrorException', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not allowed' }));
    const { waits, sleep } = recordingSleep();
    const notifier = new SnsNotifier(new SNSClient({}), topicArn, { sleep });

    await expect(notifier.notify(richReport())).rejects.toThrow(/AuthorizationErrorException/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(waits).toEqual([]);
  });
});

describe('SNS notifier before a deadline', () => {
  const START_MS = Date.parse('2026-11-26T00:30:00Z');
  beforeEach(() => {
    sns.reset();
    vi.useFakeTimers();
    vi.setSystemTime(START_MS);
  });
  afterEach(() => vi.useRealTimers());

  it('when the publish never answers, it is given up at the deadline with a DeliveryError naming the topic', async () => {
    // Prepare
    sns.on(PublishCommand).callsFake(() => new Promise(() => {}));
    const notifier = new SnsNotifier(new SNSClient({}), topicArn);
    // Act
    const outcome = notifier.notify(richReport(), { deadlineMs: START_MS + 4_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(4_000);
    const error = await outcome;
    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toBe(`SNS publish to ${topicArn} got no answer before the deadline (waited 4000 ms)`);
    expect(Date.now()).toBe(START_MS + 4_000);
    expect(sns).toHaveReceivedCommandOnce(PublishCommand);
  });

  it('when a throttled publish would wait past the deadline, it gives up instead of waiting', async () => {
    sns.on(PublishCommand).rejects(throttled());
    const { waits, sleep } = recordingSleep();
    const notifier = new SnsNotifier(new SNSClient({}), topicArn, { sleep, random: () => 1, retry: { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 5_000 } });

    await expect(notifier.notify(richReport(), { deadlineMs: START_MS + 1_999 })).rejects.toThrow(/Throttling/);

    expect(waits).toEqual([]);
    expect(sns).toHaveReceivedCommandOnce(PublishCommand);
  });
});
