/**
 * Slack forwarder: subscribed to the report topic, it receives the full JSON report (the SNS
 * `lambda` key), checks it is one, and posts its Block Kit rendering to the incoming webhook
 * whose URL is kept as a SecureString in SSM Parameter Store.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { SlackNotifier, SlackWebhook, type SlackWebhookOptions } from '../lib/slack/slack-webhook.js';
import { SsmParameter } from '../lib/ssm/ssm-parameter.js';
import { describeError, invokeError } from '../lib/answers.js';
import { ConfigError, FlowlogError, ValidationError, asError } from '../lib/errors.js';
import { SettingsReader, freeze, type Settings } from '../lib/config.js';
import type { Report } from '../lib/report/model.js';
import { parseReport } from '../lib/report/parse-report.js';
import { ssmClient } from '../lib/ssm/ssm-client.js';

export interface ForwarderConfig {
  /** Name (or ARN) of the SecureString parameter holding the webhook URL. */
  readonly webhookParameter: string;
}

/** Kept back from the function's remaining time to log and answer after the last attempt. */
export const FORWARDER_ANSWER_RESERVE_MS = 1_000;

const PARAMETER_NAME = /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter)?[a-zA-Z0-9_.\-/]{1,2048}$/;

/**
 * The forwarder's settings. Other FLOWLOG_* keys are not flagged as unknown here: the stack may
 * give every function the same environment, and this function only needs its own key.
 */
export function readForwarderConfig(settings: Settings): ForwarderConfig {
  const reader = new SettingsReader(settings);
  const webhookParameter = reader.required('FLOWLOG_SLACK_WEBHOOK_PARAMETER');
  if (webhookParameter !== '' && !PARAMETER_NAME.test(webhookParameter)) {
    reader.problems.push(`FLOWLOG_SLACK_WEBHOOK_PARAMETER must be an SSM parameter name or ARN, got ${JSON.stringify(webhookParameter)}`);
  }
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return freeze({ webhookParameter });
}

/** The reports carried by an SNS event, each checked; a record that is not one is refused. */
export function reportsFromSnsEvent(event: unknown): { report: Report; messageId: string }[] {
  const records = (event as Partial<SNSEvent> | null)?.Records;
  if (!Array.isArray(records) || records.length === 0) throw new ValidationError('event.Records', 'must be a non-empty array of SNS records');
  return records.map((record: unknown, i) => {
    const sns = (record as { Sns?: { Message?: unknown; MessageId?: unknown } } | null)?.Sns;
    if (typeof sns?.Message !== 'string') throw new ValidationError(`event.Records[${i}].Sns.Message`, 'must be a string');
    return { report: parseReport(sns.Message, `event.Records[${i}].Sns.Message`), messageId: typeof sns.MessageId === 'string' ? sns.MessageId : '' };
  });
}

export interface ForwarderResult {
  readonly forwarded: number;
  readonly truncated: boolean;
}

export interface ForwarderDependencies {
  readonly settings: Settings;
  readonly ssm: SSMClient;
  readonly logger: Logger;
  readonly webhook?: SlackWebhookOptions;
}

/** Builds the handler; configuration is read once, here, at cold start. */
export function createSlackForwarder(deps: ForwarderDependencies) {
  const { logger } = deps;
  let setup: { parameter: SsmParameter } | Error;
  try {
    setup = { parameter: new SsmParameter(deps.ssm, readForwarderConfig(deps.settings).webhookParameter) };
  } catch (error) {
    setup = asError(error);
  }
  const secrets: string[] = [];

  return middy<SNSEvent, ForwarderResult>()
    .use(injectLambdaContext(logger))
    .use({
      // The one place an error becomes the answer: logged without secrets, rethrown under its
      // typed name so the invocation fails (Lambda retries it, then the failure destination gets it).
      onError: async (request) => {
        const error = request.error;
        const message = redact(describeError(error), secrets);
        const context = error instanceof FlowlogError ? JSON.parse(redact(JSON.stringify(error.context), secrets)) : {};
        logger.error('slack forwarder failed', { error: { name: asError(error).name, message }, ...context });
        request.error = invokeError(error, (text) => redact(text, secrets));
      },
    })
    .handler(async (event, context) => {
      if (setup instanceof Error) throw setup;
      // Everything below ends before the function's own timeout, retries and Retry-After included.
      const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - FORWARDER_ANSWER_RESERVE_MS;
      const reports = reportsFromSnsEvent(event);
      const url = await setup.parameter.value({ deadlineMs });
      if (!secrets.includes(url)) secrets.push(url);
      const webhook = new SlackWebhook(url, deps.webhook);
      const notifier = new SlackNotifier(webhook);
      let truncated = false;
      for (const { report, messageId } of reports) {
        const result = await notifier.notify(report, { deadlineMs });
        truncated ||= result.truncated;
        logger.info('report forwarded to Slack', { snsMessageId: messageId, date: report.window.date, findings: report.findings.length, truncated: result.truncated, webhookHost: webhook.host });
      }
      return { forwarded: reports.length, truncated };
    });
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted webhook URL]'), text);
}

export const handler = createSlackForwarder({
  settings: process.env,
  ssm: ssmClient(),
  logger: new Logger({ serviceName: 'flowlog-pilot-slack-forwarder' }),
});
