/**
 * A Slack incoming webhook, over Node's fetch. The webhook URL is a secret (anyone holding it
 * can post to the channel): it never appears in an error or a log line, only its host does.
 */
import { DeliveryError, ValidationError } from '../errors.js';
import type { Notifier, NotifyOptions, NotifyResult } from '../ports.js';
import type { Report } from '../report/model.js';
import { renderSlack, type SlackOptions } from '../render/render-slack.js';
import { DEFAULT_RETRY, realSleep, withRetries, type RetryDecision, type RetryPolicy, type Sleep } from '../retry.js';

/** Slack answers in well under a second; five seconds leaves room and fits a Lambda's budget. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
/** Longer Retry-After waits than this are not worth a Lambda's time: fail and say so. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
/** Before a deadline, no retry is started with less than this left: a shorter try cannot get an answer from Slack in practice. */
export const MIN_ATTEMPT_MS = 1_000;

export interface SlackWebhookOptions {
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly maxRetryAfterMs?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** `https://hooks.slack.com/…`: enough to tell which service failed, nothing of the secret path. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}/…`;
}

/** Parses Retry-After (seconds, or an HTTP date) into milliseconds from now. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export type WebhookOutcome =
  { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number } | { readonly kind: 'fail'; readonly reason: string };

/**
 * What an answer means. 2xx: delivered. 429: retry after Retry-After (fail when that is longer
 * than we may wait). 5xx: retry with backoff. Other 4xx (bad payload, revoked or wrong URL):
 * retrying cannot help. Slack's error bodies are short codes (`invalid_blocks`, `no_service`);
 * anything else is left out, since a server may echo the secret path.
 */
export function classifyWebhookResponse(status: number, retryAfter: string | null, body: string, nowMs: number, maxRetryAfterMs: number): WebhookOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const code = /^[a-z_]{1,64}$/.test(body.trim()) ? ` (${body.trim()})` : '';
  if (status === 429) {
    const afterMs = parseRetryAfterMs(retryAfter, nowMs);
    if (afterMs !== undefined && afterMs > maxRetryAfterMs) {
      return { kind: 'fail', reason: `rate limited (429): Slack asked to wait ${Math.ceil(afterMs / 1000)} s, more than the ${Math.ceil(maxRetryAfterMs / 1000)} s allowed` };
    }
    return { kind: 'retry', reason: `rate limited (429)${code}`, ...(afterMs === undefined ? {} : { afterMs }) };
  }
  if (status >= 500) return { kind: 'retry', reason: `server error ${status}${code}` };
  return { kind: 'fail', reason: `refused with ${status}${code}` };
}

class AttemptFailed extends Error {
  constructor(
    readonly reason: string,
    readonly decision: RetryDecision,
    readonly status?: number,
  ) {
    super(reason);
  }
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code) ? cause.code : 'network error';
  return `connection failed (${code})`;
}

/** Posts JSON to one incoming webhook, with a timeout per attempt and bounded retries. */
export class SlackWebhook {
  readonly host: string;
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #maxRetryAfterMs: number;
  readonly #sleep: Sleep;
  readonly #random: (() => number) | undefined;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;

  constructor(url: string, options: SlackWebhookOptions = {}) {
    this.#url = parseWebhookUrl(url);
    this.host = this.#url.host;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random;
    this.#now = options.now ?? Date.now;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * With a deadline (the forwarder's own timeout), every attempt, wait and Retry-After fits
   * before it: an attempt gets at most the time left, a wait that would end after it is not
   * made, and the failure says that the time ran out.
   */
  async post(payload: unknown, options: NotifyOptions = {}): Promise<void> {
    const body = JSON.stringify(payload);
    const { deadlineMs } = options;
    let attempts = 0;
    let outOfTime = false;
    try {
      await withRetries(
        async () => {
          attempts += 1;
          await this.#attempt(body, deadlineMs);
        },
        {
          policy: this.#retry,
          sleep: this.#sleep,
          now: this.#now,
          classify: (error) => {
            if (!(error instanceof AttemptFailed)) return { retry: false };
            if (!error.decision.retry || deadlineMs === undefined) return error.decision;
            // No wait may end so late that the next attempt has less than a second (or nothing) left.
            const waitMs = error.decision.afterMs ?? 0;
            if (attempts < this.#retry.maxAttempts && this.#now() + waitMs + MIN_ATTEMPT_MS > deadlineMs) {
              outOfTime = true;
              return { retry: false };
            }
            return error.decision;
          },
          ...(deadlineMs === undefined ? {} : { retryUntilMs: deadlineMs - MIN_ATTEMPT_MS }),
          ...(this.#random === undefined ? {} : { random: this.#random }),
        },
      );
    } catch (error) {
      const reason = error instanceof AttemptFailed ? error.reason : 'unexpected failure';
      const status = error instanceof AttemptFailed ? error.status : undefined;
      const retriesExhausted = error instanceof AttemptFailed && error.decision.retry && attempts < this.#retry.maxAttempts;
      const late = (outOfTime || retriesExhausted) && deadlineMs !== undefined ? `; no time was left for another attempt before the function's timeout` : '';
      throw new DeliveryError(`Slack webhook ${redactUrl(this.#url)} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}${late}`, {
        channel: 'slack',
        host: this.host,
        attempts,
        ...(status === undefined ? {} : { status }),
      });
    }
  }

  async #attempt(body: string, deadlineMs: number | undefined): Promise<void> {
    const timeoutMs = deadlineMs === undefined ? this.#timeoutMs : Math.max(1, Math.min(this.#timeoutMs, deadlineMs - this.#now()));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: controller.signal,
        redirect: 'error',
      });
      const text = await response.text();
      const outcome = classifyWebhookResponse(response.status, response.headers.get('retry-after'), text, this.#now(), this.#maxRetryAfterMs);
      if (outcome.kind === 'delivered') return;
      const decision: RetryDecision = outcome.kind === 'retry' ? { retry: true, ...(outcome.afterMs === undefined ? {} : { afterMs: outcome.afterMs }) } : { retry: false };
      throw new AttemptFailed(outcome.reason, decision, response.status);
    } catch (error) {
      if (error instanceof AttemptFailed) throw error;
      if (controller.signal.aborted) throw new AttemptFailed(`no answer within ${timeoutMs} ms`, { retry: true });
      throw new AttemptFailed(networkReason(error), { retry: true });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** https only, except plain http to this machine (tests, a local relay); the URL is never echoed. */
function parseWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError('slack webhook URL', 'is not a URL');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ValidationError('slack webhook URL', `must be an https:// URL (host ${url.host})`);
  }
  if (url.username !== '' || url.password !== '') throw new ValidationError('slack webhook URL', 'must not carry a user name or password');
  return url;
}

/** Sends the report's Block Kit rendering to a webhook. */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  readonly #webhook: SlackWebhook;
  readonly #options: SlackOptions;

  constructor(webhook: SlackWebhook, options: SlackOptions = {}) {
    this.#webhook = webhook;
    this.#options = options;
  }

  async notify(report: Report, options: NotifyOptions = {}): Promise<NotifyResult> {
    const { message, leftOut } = renderSlack(report, this.#options);
    await this.#webhook.post(message, options);
    return { channel: this.channel, truncated: leftOut > 0 };
  }
}
