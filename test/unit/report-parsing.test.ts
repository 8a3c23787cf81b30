import { describe, expect, it } from 'vitest';
import { SlackWebhook, classifyWebhookResponse, parseRetryAfterMs } from '../../src/lib/adapters/slack-webhook.js';
import { ValidationError } from '../../src/lib/errors.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { renderJson } from '../../src/lib/report/render-json.js';
import { readForwarderConfig, reportsFromSnsEvent } from '../../src/handlers/slack-forwarder.js';
import { richReport } from '../support/report-fixture.js';

describe('report parsing', () => {
  it('when the JSON rendering is read back, it gives the same report', () => {
    const report = richReport();

    expect(parseReport(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('when the text is not JSON or not a report, it names the problem', () => {
    expect(() => parseReport('Hello from the console')).toThrow(/report: is not JSON/);
    expect(() => parseReport('{"AlarmName":"x"}')).toThrow(/report.tool: must be "flowlog-pilot"/);
    const broken = { ...JSON.parse(renderJson(richReport())), findings: [{ rule: 'r', severity: 'critical' }] };
    expect(() => parseReport(JSON.stringify(broken))).toThrow(/report.findings\[0\].severity: must be one of high, medium, low/);
    const badRow = JSON.parse(renderJson(richReport()));
    badRow.digests[1].rows[0].flows = { nested: true };
    expect(() => parseReport(JSON.stringify(badRow))).toThrow(/report.digests\[1\].rows\[0\].flows: must be a string, a number or null/);
    const badDate = { ...JSON.parse(renderJson(richReport())), window: { ...richReport().window, date: '<!channel>' } };
    expect(() => parseReport(JSON.stringify(badDate))).toThrow(ValidationError);
  });

  it('when an SNS event has no records or a record without a message, it names the record', () => {
    expect(() => reportsFromSnsEvent({})).toThrow(/event.Records: must be a non-empty array/);
    expect(() => reportsFromSnsEvent({ Records: [{ Sns: {} }] })).toThrow(/event.Records\[0\].Sns.Message: must be a string/);
    expect(() => reportsFromSnsEvent({ Records: [{ Sns: { Message: 'garbage' } }] })).toThrow(/event.Records\[0\].Sns.Message: is not JSON/);
  });
});

describe('forwarder configuration', () => {
  it('when the webhook parameter is missing or malformed, it names the key', () => {
    expect(() => readForwarderConfig({})).toThrow(/FLOWLOG_SLACK_WEBHOOK_PARAMETER is required/);
    expect(() => readForwarderConfig({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: 'bad name with spaces' })).toThrow(/FLOWLOG_SLACK_WEBHOOK_PARAMETER must be an SSM parameter name/);
    expect(readForwarderConfig({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: '/flowlog-pilot/slack-webhook' })).toEqual({ webhookParameter: '/flowlog-pilot/slack-webhook' });
  });
});

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
