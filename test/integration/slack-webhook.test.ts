import { afterEach, describe, expect, it } from 'vitest';
import { SlackNotifier, SlackWebhook } from '../../src/lib/slack/slack-webhook.js';
import { DeliveryError } from '../../src/lib/errors.js';
import { renderSlackBlocks } from '../../src/lib/render/render-slack.js';
import { startLoopbackServer, type Answer, type LoopbackServer } from '../support/loopback-server.js';
import { richReport } from '../support/report-fixture.js';

const SECRET_PATH = '/services/T0FAKE/B0FAKE/s3cr3tT0k3n';
let server: LoopbackServer | undefined;

async function serve(script: readonly Answer[]): Promise<LoopbackServer> {
  server = await startLoopbackServer(script);
  return server;
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Slack webhook over real HTTP', () => {
  it('when Slack answers ok, it receives the report as Block Kit JSON in one POST', async () => {
    const slack = await serve([{ status: 200, body: 'ok' }]);
    const notifier = new SlackNotifier(new SlackWebhook(`${slack.baseUrl}${SECRET_PATH}`, { timeoutMs: 2_000 }));
    const report = richReport();

    const result = await notifier.notify(report);

    expect(result).toEqual({ channel: 'slack', truncated: false });
    expect(slack.received).toHaveLength(1);
    const request = slack.received[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(SECRET_PATH);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request?.body ?? '')).toEqual(renderSlackBlocks(report));
  });

  it('when Slack answers 429 with Retry-After, it waits that long and then delivers', async () => {
    const slack = await serve([
      { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' },
      { status: 200, body: 'ok' },
    ]);
    const { waits, sleep } = recordingSleep();
    const webhook = new SlackWebhook(`${slack.baseUrl}${SECRET_PATH}`, { timeoutMs: 2_000, sleep });

    await webhook.post({ text: 'hello' });

    expect(waits).toEqual([2_000]);
    expect(slack.received).toHaveLength(2);
  });

  it('when Slack answers 5xx and then ok, it backs off and delivers', async () => {
    const slack = await serve([{ status: 500 }, { status: 503 }, { status: 200, body: 'ok' }]);
    const { waits, sleep } = recordingSleep();
    const webhook = new SlackWebhook(`${slack.baseUrl}${SECRET_PATH}`, {
      timeoutMs: 2_000,
      sleep,
      random: () => 0.5,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    });

    await webhook.post({ text: 'hello' });

    expect(slack.received).toHaveLength(3);
    expect(waits).toEqual([50, 100]);
  });

  it('when Slack keeps answering 5xx, it gives up after the bounded attempts', async () => {
    const slack = await serve([{ status: 502 }]);
    const { waits, sleep } = recordingSleep();
    const webhook = new SlackWebhook(`${slack.baseUrl}${SECRET_PATH}`, { timeoutMs: 2_000, sleep, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } });

    await expect(webhook.post({ text: 'hello' })).rejects.toThrow(/failed after 3 attempts: server error 502/);
    expect(slack.received).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('when the server does not answer in time, each attempt times out and the error says so', async () => {
    const slack = await serve(['hang']);
    const { sleep } = recordingSleep();
    const webhook = new SlackWebhook(`${slack.baseUrl}${SECRET_PATH}`, { timeoutMs: 150, sleep, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });

    await expect(webhook.post({ text: 'hello' })).rejects.toThrow(/failed after 2 attempts: no answer within 150 ms/);
    expect(slack.received).toHaveLength(2);
  });

  it('when the URL is wrong (404), it does not retry and the error names only the host, never the path or token', async () => {
    const slack = await serve([{ status: 404, body: `Cannot POST ${SECRET_PATH}` }]);
    const { waits, sleep } = recordingSleep();
    const webhook = new SlackWebhook(`${slack.baseUrl}${SECRET_PATH}`, { timeoutMs: 2_000, sleep });

    const error = await webhook.post({ text: 'hello' }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(DeliveryError);
    const shown = `${String(error)} ${JSON.stringify((error as DeliveryError).context)} ${(error as Error).stack ?? ''}`;
    expect(shown).toContain(slack.baseUrl.replace('http://', ''));
    expect(shown).toContain('refused with 404');
    expect(shown).not.toContain('s3cr3tT0k3n');
    expect(shown).not.toContain('/services/');
    expect(slack.received).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('when nothing listens on the port, it retries and reports a connection failure without the URL', async () => {
    const slack = await serve([{ status: 200 }]);
    const url = `${slack.baseUrl}${SECRET_PATH}`;
    await slack.close();
    server = undefined;
    const { sleep } = recordingSleep();
    const webhook = new SlackWebhook(url, { timeoutMs: 1_000, sleep, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });

    const failure = webhook.post({ text: 'hello' });

    await expect(failure).rejects.toThrow(/failed after 2 attempts: connection failed \(ECONNREFUSED\)/);
    await expect(failure).rejects.not.toThrow(/s3cr3tT0k3n/);
  });
});
