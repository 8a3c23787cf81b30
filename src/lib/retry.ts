/**
 * Waiting and retrying, for every adapter (Athena, Glue, SNS, Slack): bounded attempts with
 * full-jitter exponential backoff. The loop only retries; what a failure means is decided by the
 * caller's pure classify function, and the clock is injected so that tests measure the waits
 * instead of the wall clock and a Lambda's deadline is respected.
 */

/** Time as the adapters see it; tests pass their own clock. */
export interface Timing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1), for jitter. */
  readonly random: () => number;
}

export type Sleep = Timing['sleep'];
export const realSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const systemTiming: Timing = Object.freeze({
  now: () => Date.now(),
  sleep: realSleep,
  random: () => Math.random(),
});

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The jitter cap of the first retry; it doubles on each one after. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Deliveries (SNS, Slack): three tries over about a second and a half, short for a Lambda. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 });

/**
 * Throttled AWS calls (Athena, Glue): the SDK already retries a few times within a call; these
 * outer retries ride out a longer burst (another job filling the account's query quota) without
 * giving up at once.
 */
export const DEFAULT_THROTTLE_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 20_000 });

/**
 * "Full jitter" (AWS architecture blog): a random wait up to a cap that doubles with each retry
 * (`retry` counts from 0), so that many callers throttled at the same moment do not come back at
 * the same moment.
 */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: number): number {
  const capMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.round(capMs * Math.min(Math.max(random, 0), 1));
}

/** What to do after a failed attempt. `afterMs` is a wait the other side asked for (Retry-After). */
export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly afterMs?: number };

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly sleep: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Decides from the error whether another attempt can help. */
  readonly classify: (error: unknown) => RetryDecision;
  /** No wait may end after this epoch millisecond; the last error is thrown instead. */
  readonly retryUntilMs?: number;
}

/** Runs `attempt` until it succeeds, the error is final, or the attempts or the time are used up (then rethrows). */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry || n >= options.policy.maxAttempts) throw error;
      const delayMs = decision.afterMs ?? backoffDelayMs(n - 1, options.policy, random());
      if (options.retryUntilMs !== undefined && now() + delayMs > options.retryUntilMs) throw error;
      await options.sleep(delayMs);
    }
  }
}

const THROTTLING_NAMES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'ThrottledException', 'RequestLimitExceeded']);

/** AWS says "slow down" (rate limit or, for Athena, too many queries at once): worth waiting for. */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_NAMES.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 429;
}

export interface ThrottleRetryOptions {
  readonly policy: RetryPolicy;
  readonly timing: Timing;
  /** No retry wait may end after this epoch millisecond; the throttling error is thrown instead. */
  readonly retryUntilMs?: number;
}

/**
 * Calls `call`, retrying only throttling errors, at most `maxAttempts` times in all. Any other
 * error, or the last throttling one, is thrown as it came.
 */
export function withThrottleRetry<T>(call: () => Promise<T>, options: ThrottleRetryOptions): Promise<T> {
  const { policy, timing, retryUntilMs } = options;
  return withRetries(call, {
    policy,
    sleep: timing.sleep,
    random: timing.random,
    now: timing.now,
    classify: (error) => ({ retry: isThrottling(error) }),
    ...(retryUntilMs === undefined ? {} : { retryUntilMs }),
  });
}

/**
 * The wait before the next status poll: doubling from `initialMs` up to `maxMs`, then between
 * half and all of it, so that a short query is seen early and a long one is not polled hard.
 */
export function pollDelayMs(poll: number, initialMs: number, maxMs: number, random: number): number {
  const baseMs = Math.min(maxMs, initialMs * 2 ** Math.max(0, poll));
  return Math.round(baseMs / 2 + (baseMs / 2) * Math.min(Math.max(random, 0), 1));
}
