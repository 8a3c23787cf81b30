import { describe, expect, it } from 'vitest';
import { SlackWebhook, classifyWebhookResponse, parseRetryAfterMs } from '../../src/lib/slack/slack-webhook.js';

describe('webhook answers', () => {
  const now = Date.parse('2026-11-25T00:00:00Z');

  it('when Slack answers 429, it retries after Retry-After, given in seconds or as a date, unless that is too long', () => {
    expect(classifyWebhookResponse(429, '3', '', now, 30_000)).toEqual({ kind: 'retry', reason: 'rate limited (429)', afterMs: 3_000 });
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(classifyWebhookResponse(429, '120', '', now, 30_000)).toMatchObject({ kind: 'fail', reason: expect.stringMatching(/wait 120 s, more than the 30 s allowed/) });
  });

  it('when Slack answers 5xx it retries, 2xx delivers, other 4xx fails with Slack error code only', () => {
    expect(classifyWebhookResponse(503, null, '', now, 30_000)).toEqual({ kind: 'retry', reason: 'server error 503' });
    expect(classifyWebhookResponse(200, null, 'ok', now, 30_000)).toEqual({ kind: 'delivered' });
    expect(classifyWebhookResponse(400, null, 'invalid_blocks', now, 30_000)).toEqual({ kind: 'fail', reason: 'refused with 400 (invalid_blocks)' });
    expect(classifyWebhookResponse(404, null, 'Cannot POST /services/T0/B0/secret', now, 30_000)).toEqual({ kind: 'fail', reason: 'refused with 404' });
  });

  it('when the webhook URL is not https or not a URL, it refuses it without echoing it', () => {
    expect(() => new SlackWebhook('http://hooks.slack.com/services/T0/B0/secret')).toThrow(/must be an https:\/\/ URL \(host hooks.slack.com\)/);
    expect(() => new SlackWebhook('not a url /secret')).toThrow(/slack webhook URL: is not a URL$/);
    expect(() => new SlackWebhook('http://hooks.slack.com/services/T0/B0/secret')).not.toThrow(/secret/);
  });
});
