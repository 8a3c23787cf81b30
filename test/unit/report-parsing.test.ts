import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/lib/errors.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { renderJson } from '../../src/lib/render/render-json.js';
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
