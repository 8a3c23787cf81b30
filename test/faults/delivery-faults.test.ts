/**
 * Delivery faults, driven through the CLI's report command on real DuckDB over real gz files:
 * whatever Slack does (429, 5xx, no answer, a wrong URL, nothing listening), the report still
 * reaches SNS; whatever SNS does, Slack still gets it. The webhook's secret path never shows.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { reportCommand, type ReportOpener } from '../../src/cli/commands/report.js';
import { SlackNotifier, SlackWebhook } from '../../src/lib/slack/slack-webhook.js';
import { SnsNotifier } from '../../src/lib/sns/sns-notifier.js';
import { openLocal } from '../../src/lib/wiring/local.js';
import { flow, manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';
import { startLoopbackServer, type Answer, type LoopbackServer } from '../support/loopback-server.js';

const TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports';
const SECRET_PATH = '/services/T0FAKE/B0FAKE/s3cr3tT0k3n';
const sns = mockClient(SNSClient);
let dirs: TempDirs;
let server: LoopbackServer | undefined;
const waits: number[] = [];

function bufferedIo(cwd: string): CliIo & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: { FLOWLOG_TOPIC_ARN: TOPIC }, cwd, stdout: () => out, stderr: () => err };
}

/**
 * The local engine with both channels, Slack (--slack-webhook) and SNS (FLOWLOG_TOPIC_ARN), each
 * with short waits so that every retry happens within the test.
 */
function adapters(): ReportOpener {
  const sleep = async (ms: number) => void waits.push(ms);
  return (job, options) => async () => ({
    ...(await openLocal(job.core)),
    notifiers: [
      new SlackNotifier(new SlackWebhook(options.slackWebhook!, { timeoutMs: 300, sleep, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, maxRetryAfterMs: 2_000 })),
      new SnsNotifier(new SNSClient({ region: 'ap-northeast-1' }), job.report.topicArn!, { sleep, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } }),
    ],
  });
}

async function runReport(webhook: string): Promise<{ code: number; io: ReturnType<typeof bufferedIo> }> {
  const io = bufferedIo(dirs.root);
  const code = await reportCommand(adapters()).run(['--data', 'data', '--state', 'state', '--date', '2026-11-01', '--slack-webhook', webhook, '--quiet'], io);
  return { code, io };
}

beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  waits.length = 0;
  dirs = await tempDirs();
  await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: [...manyFlows(20), flow({ action: 'REJECT', dstport: 22, srcaddr: '203.0.113.9' })] });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await dirs.remove();
});

describe('Slack faults: the report still reaches SNS', () => {
  it.each<[string, Answer[], number, RegExp]>([
    [
      'answers 429 with Retry-After every time',
      [{ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }],
      3,
      /slack: Slack webhook http:\/\/127\.0\.0\.1:\d+\/… failed after 3 attempts: rate limited \(429\) \(rate_limited\)/,
    ],
    [
      'asks to wait longer than allowed (Retry-After: 120)',
      [{ status: 429, headers: { 'retry-after': '120' } }],
      1,
      /failed after 1 attempt: rate limited \(429\): Slack asked to wait 120 s/,
    ],
    ['answers 503 every time', [{ status: 503, body: 'service_unavailable' }], 3, /failed after 3 attempts: server error 503/],
    ['never answers', ['hang'], 3, /failed after 3 attempts: no answer within 300 ms/],
    ['is a wrong URL (404 no_service)', [{ status: 404, body: 'no_service' }], 1, /failed after 1 attempt: refused with 404 \(no_service\)/],
  ])('when Slack %s, SNS gets the report once, Slack is tried a bounded number of times and stderr says why without the secret path', async (_, script, attempts, reason) => {
    // Prepare
    server = await startLoopbackServer(script);
    // Act
    const { code, io } = await runReport(`${server.baseUrl}${SECRET_PATH}`);
    // Assess: the report was made and published, but Slack did not get it (exit 3)
    expect(code).toBe(3);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, MessageStructure: 'json' });
    expect(server.received).toHaveLength(attempts);
    expect(io.stderr()).toMatch(reason);
    expect(io.stderr()).not.toContain('s3cr3t');
    expect(io.stdout()).toContain('2026-11-01');
  });

  it('when nothing listens at the webhook address, SNS still gets the report and stderr names a connection failure', async () => {
    // Prepare
    const closed = await startLoopbackServer([{ status: 200 }]);
    const url = `${closed.baseUrl}${SECRET_PATH}`;
    await closed.close();
    // Act
    const { code, io } = await runReport(url);
    // Assess
    expect(code).toBe(3);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(io.stderr()).toMatch(/slack: .*connection failed \(ECONNREFUSED\)/);
    expect(io.stderr()).not.toContain('s3cr3t');
  });
});

describe('SNS faults: retried, and Slack still gets the report', () => {
  it('when SNS throttles twice, the third publish goes through after jittered waits and Slack gets the report', async () => {
    // Prepare
    server = await startLoopbackServer([{ status: 200, body: 'ok' }]);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    sns.on(PublishCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ MessageId: 'msg-3' });
    // Act
    const { code, io } = await runReport(`${server.baseUrl}${SECRET_PATH}`);
    // Assess
    expect(code).toBe(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(waits.filter((ms) => ms <= 50)).toHaveLength(2);
    expect(server.received).toHaveLength(1);
    expect(io.stderr()).toBe('');
  });

  it('when SNS refuses the topic (authorization), it is not retried, stderr names the topic, and Slack still gets the report', async () => {
    // Prepare
    server = await startLoopbackServer([{ status: 200, body: 'ok' }]);
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('not authorized to perform SNS:Publish'), { name: 'AuthorizationErrorException', $fault: 'client', $metadata: { httpStatusCode: 403 } }));
    // Act
    const { code, io } = await runReport(`${server.baseUrl}${SECRET_PATH}`);
    // Assess: a notification failed, so exit 3
    expect(code).toBe(3);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(io.stderr()).toContain(`sns: SNS publish to ${TOPIC} failed: AuthorizationErrorException`);
    expect(server.received).toHaveLength(1);
    expect(JSON.parse(server.received[0]?.body ?? '{}')).toHaveProperty('blocks');
  });
});
