/**
 * Notifier for the report topic: one Publish with MessageStructure `json`, so e-mail, chat,
 * SQS and Lambda subscribers each get their own rendering (src/lib/render/sns-message.ts).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CallTimeout, callWithin } from '../aws/call-timeout.js';
import { DeliveryError, asError } from '../errors.js';
import type { Notifier, NotifyOptions, NotifyResult } from '../ports.js';
import type { Report } from '../report/model.js';
import { buildSnsMessage } from '../render/sns-message.js';
import { DEFAULT_RETRY, realSleep, withRetries, type RetryDecision, type RetryPolicy, type Sleep } from '../retry.js';

export interface SnsNotifierOptions {
  readonly retry?: RetryPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/** Throttling and server faults can pass on a later try; anything else (auth, bad topic) cannot. */
export function classifySnsError(error: unknown): RetryDecision {
  if (!(error instanceof Error)) return { retry: false };
  const meta = (error as { $metadata?: { httpStatusCode?: number }; $fault?: string }).$metadata;
  const fault = (error as { $fault?: string }).$fault;
  const status = meta?.httpStatusCode ?? 0;
  return { retry: THROTTLING.has(error.name) || fault === 'server' || status >= 500 || status === 429 };
}

/**
 * The SDK client retries on its own too (3 attempts by default); this policy adds a wider,
 * jittered window for throttling bursts. Build the client with `maxAttempts: 1` to leave all
 * retrying here.
 */
export class SnsNotifier implements Notifier {
  readonly channel = 'sns';
  readonly #sns: SNSClient;
  readonly #topicArn: string;
  readonly #options: Required<Pick<SnsNotifierOptions, 'retry' | 'sleep'>> & SnsNotifierOptions;

  constructor(sns: SNSClient, topicArn: string, options: SnsNotifierOptions = {}) {
    this.#sns = sns;
    this.#topicArn = topicArn;
    this.#options = { retry: DEFAULT_RETRY, sleep: realSleep, ...options };
  }

  /** With a deadline, each attempt is aborted at it and no retry wait ends after it. */
  async notify(report: Report, options: NotifyOptions = {}): Promise<NotifyResult> {
    const message = buildSnsMessage(report);
    const command = new PublishCommand({ TopicArn: this.#topicArn, Subject: message.Subject, Message: message.Message, MessageStructure: message.MessageStructure });
    const now = this.#options.now ?? Date.now;
    const { deadlineMs } = options;
    try {
      const output = await withRetries(
        () => callWithin('SNS Publish', deadlineMs === undefined ? undefined : deadlineMs - now(), (abortSignal) => this.#sns.send(command, { abortSignal })),
        {
          policy: this.#options.retry,
          sleep: this.#options.sleep,
          now,
          classify: classifySnsError,
          ...(deadlineMs === undefined ? {} : { retryUntilMs: deadlineMs }),
          ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
        },
      );
      return { channel: this.channel, truncated: message.truncated, ...(output.MessageId === undefined ? {} : { messageId: output.MessageId }) };
    } catch (error) {
      const e = asError(error);
      if (error instanceof CallTimeout) {
        throw new DeliveryError(`SNS publish to ${this.#topicArn} got no answer before the deadline (waited ${error.timeoutMs} ms)`, {
          channel: this.channel,
          topicArn: this.#topicArn,
          sizeBytes: message.sizeBytes,
        });
      }
      throw new DeliveryError(
        `SNS publish to ${this.#topicArn} failed: ${e.name}: ${e.message}`,
        { channel: this.channel, topicArn: this.#topicArn, sizeBytes: message.sizeBytes },
        { cause: e },
      );
    }
  }
}
