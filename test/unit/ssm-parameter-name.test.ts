import { describe, expect, it } from 'vitest';
import { readStackParams, slackParameterArn, type StackParams } from '../../deploy/stack-resources.js';
import { readForwarderConfig } from '../../src/handlers/slack-forwarder.js';

const PARAMS: StackParams = {
  bucket: '',
  prefix: '',
  sources: '',
  database: 'flowlogs',
  table: 'vpc_flow_logs',
  tableMode: 'create',
  format: '',
  vpcIds: '',
  alertEmails: '',
  slackWebhookParameter: '',
  bytesScannedCutoffMb: '10240',
  resultsRetentionDays: '30',
};

const stackAccepts = (name: string): boolean => {
  try {
    readStackParams({ ...PARAMS, slackWebhookParameter: name });
    return true;
  } catch {
    return false;
  }
};
const forwarderAccepts = (name: string): boolean => {
  try {
    readForwarderConfig({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: name });
    return true;
  } catch {
    return false;
  }
};

// SSM PutParameter naming constraints: a-zA-Z0-9_.- with / between hierarchy levels (a
// hierarchy starts with /), at most 15 levels; at most 1011 characters for a name you create.
const ACCEPTED = ['/flowlog-pilot/slack-webhook', 'slack_webhook.prod-1', `/${'a/'.repeat(14)}b`, 'x'.repeat(1011), `/${'y'.repeat(1010)}`];
const REFUSED = [
  'arn:aws:ssm:ap-northeast-1:123456789012:parameter/flowlog-pilot/slack-webhook',
  'bad name with spaces',
  'flowlog-pilot/slack-webhook',
  `/${'a/'.repeat(15)}b`,
  'x'.repeat(1012),
  '/flowlog-pilot//slack-webhook',
  '/flowlog-pilot/slack-webhook/',
  '/slack:webhook',
];

describe('SSM parameter name (one rule for the stack and the Slack forwarder)', () => {
  it.each(ACCEPTED.map((name) => [name.length > 40 ? `${name.slice(0, 20)}... (${name.length} characters)` : name, name]))(
    'when the name is %s, the stack and the forwarder both accept it',
    (_label, name) => {
      expect(stackAccepts(name)).toBe(true);
      expect(forwarderAccepts(name)).toBe(true);
    },
  );

  it.each(REFUSED.map((name) => [name.length > 40 ? `${name.slice(0, 20)}... (${name.length} characters)` : name, name]))(
    'when the name is %s, the stack and the forwarder both refuse it',
    (_label, name) => {
      expect(stackAccepts(name)).toBe(false);
      expect(forwarderAccepts(name)).toBe(false);
    },
  );

  it('when the stack refuses a name, it names the param and the rule; the forwarder names its setting', () => {
    expect(() => readStackParams({ ...PARAMS, slackWebhookParameter: 'bad name' })).toThrow('param slackWebhookParameter: must be an SSM parameter name');
    expect(() => readForwarderConfig({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: 'bad name' })).toThrow('FLOWLOG_SLACK_WEBHOOK_PARAMETER must be an SSM parameter name');
  });

  it('when the name is accepted, the role is granted exactly that parameter of the stack account', () => {
    const settings = readStackParams({ ...PARAMS, slackWebhookParameter: '/flowlog-pilot/slack-webhook' });

    expect(slackParameterArn(settings)).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/flowlog-pilot/slack-webhook' });
    expect(readForwarderConfig({ FLOWLOG_SLACK_WEBHOOK_PARAMETER: '/flowlog-pilot/slack-webhook' })).toEqual({ webhookParameter: '/flowlog-pilot/slack-webhook' });
  });

  it('when a required stack param is empty, it is named rather than read as zero', () => {
    expect(() => readStackParams({ ...PARAMS, bytesScannedCutoffMb: '', resultsRetentionDays: '' })).toThrow(
      'param bytesScannedCutoffMb: is required; param resultsRetentionDays: is required',
    );
  });
});
