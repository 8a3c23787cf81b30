/**
 * Slack forwarder: subscribed to the report topic, it receives the full JSON report (the SNS
 * `lambda` key), checks it is one, and posts its Block Kit rendering to the incoming webhook
 * whose URL is kept as a SecureString in SSM Parameter Store.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { describeError } from '../lib/answers.js';
import { FlowlogError, ValidationError, asError } from '../lib/errors.js';
import { SettingsReader, freeze, ssmParameterName, type Settings } from '../lib/config.js';
import type { Secret } from '../lib/ports.js';
import type { Report } from '../lib/report/model.js';
import { parseReport } from '../lib/report/parse-report.js';
import { awsSlackForwarderDeps, type SlackForwarderDeps } from '../lib/wiring/aws.js';
import { errorAnswer, handlerLogger, lambdaHandler, SERVICES } from './shared.js';

export interface ForwarderConfig {
  /** Name (or ARN) of the SecureString parameter holding the webhook URL. */
  readonly webhookParameter: string;
}

/** Kept back from the function's remaining time to log and answer after the last attempt. */
export const FORWARDER_ANSWER_RESERVE_MS = 1_000;

/**
 * The forwarder's settings. Other FLOWLOG_* keys are not flagged as unknown here: the stack may
 * give every function the same environment, and this function only needs its own key. The name
 * follows the same rule as the stack's slackWebhookParameter param (config.ts).
 */
export function readForwarderConfig(settings: Settings): ForwarderConfig {
  const reader = new SettingsReader(settings);
  const webhookParameter = reader.read('FLOWLOG_SLACK_WEBHOOK_PARAMETER', ssmParameterName, undefined);
  if (reader.string('FLOWLOG_SLACK_WEBHOOK_PARAMETER') === undefined) reader.problem('FLOWLOG_SLACK_WEBHOOK_PARAMETER', 'is required');
  reader.finish();
  return freeze({ webhookParameter: webhookParameter ?? '' });
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

export interface SlackForwarderOptions {
  /** The logger, when a test reads the log lines; the function's own otherwise. */
  readonly logger?: Logger;
}

/**
 * Builds the handler; configuration is read once, here, at cold start. A missing or bad setting
 * does not fail the cold start: it is kept, and every invocation fails with it (naming the key,
 * reading nothing), so each message reaches the failure destination.
 */
export function createSlackForwarder(deps: SlackForwarderDeps, options: SlackForwarderOptions = {}) {
  const logger = options.logger ?? handlerLogger(SERVICES.slackForwarder);
  let setup: { webhookUrl: Secret } | Error;
  try {
    setup = { webhookUrl: deps.webhookUrl(readForwarderConfig(deps.settings).webhookParameter) };
  } catch (error) {
    setup = asError(error);
  }
  const secrets: string[] = [];
  const redactSecrets = (text: string) => redact(text, secrets);
  // Logged without secrets, rethrown under its typed name so the invocation fails (Lambda retries
  // it, then the failure destination gets it).
  const errors = errorAnswer<SNSEvent, ForwarderResult>(logger, {
    refused: 'slack forwarder failed',
    failed: 'slack forwarder failed',
    redact: redactSecrets,
    log: (error) => {
      const message = redactSecrets(describeError(error));
      const context = error instanceof FlowlogError ? JSON.parse(redactSecrets(JSON.stringify(error.context))) : {};
      logger.error('slack forwarder failed', { error: { name: asError(error).name, message }, ...context });
    },
  });

  return lambdaHandler({ logger, errors }, async (event: SNSEvent, context: Context): Promise<ForwarderResult> => {
    if (setup instanceof Error) throw setup;
    // Everything below ends before the function's own timeout, retries and Retry-After included.
    const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - FORWARDER_ANSWER_RESERVE_MS;
    const reports = reportsFromSnsEvent(event);
    const url = await setup.webhookUrl.value({ deadlineMs });
    if (!secrets.includes(url)) secrets.push(url);
    const slack = deps.slack(url);
    let truncated = false;
    for (const { report, messageId } of reports) {
      const result = await slack.notifier.notify(report, { deadlineMs });
      truncated ||= result.truncated;
      logger.info('report forwarded to Slack', {
        snsMessageId: messageId,
        date: report.window.date,
        findings: report.findings.length,
        truncated: result.truncated,
        webhookHost: slack.host,
      });
    }
    return { forwarded: reports.length, truncated };
  });
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted webhook URL]'), text);
}

export const handler = createSlackForwarder(awsSlackForwarderDeps());
