/**
 * Waiting and retrying against AWS APIs: exponential backoff with jitter, bounded, with the clock
 * injected so that tests run on fake time and a Lambda's deadline is respected.
 */

/** Time as the adapters see it; tests pass fake timers or their own clock. */
export interface Timing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1), for jitter. */
  readonly random: () => number;
}

export const systemTiming: Timing = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
});

export interface RetryPolicy {
  /** Tries in all, the first one included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Throttled calls: the SDK already retries a few times within a call; these outer retries ride
 * out a longer burst (another job filling the account's query quota) without giving up at once.
 */
export const DEFAULT_THROTTLE_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 6, initialDelayMs: 1_000, maxDelayMs: 20_000 });

/**
 * "Full jitter": a random wait up to an exponentially growing cap, so that many callers throttled
 * at the same moment do not come back at the same moment.
 */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, random: number): number {
  const capMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry));
  return Math.round(capMs * Math.min(Math.max(random, 0), 1));
}

const THROTTLING_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'ThrottledException', 'RequestLimitExceeded']);

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
export async function withThrottleRetry<T>(call: () => Promise<T>, options: ThrottleRetryOptions): Promise<T> {
  const { policy, timing, retryUntilMs } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= policy.maxAttempts) throw error;
      const delayMs = backoffDelayMs(attempt - 1, policy, timing.random());
      if (retryUntilMs !== undefined && timing.now() + delayMs > retryUntilMs) throw error;
      await timing.sleep(delayMs);
    }
  }
}

/**
 * The wait before the next status poll: doubling from `initialMs` up to `maxMs`, then between
 * half and all of it, so that a short query is seen early and a long one is not polled hard.
 */
export function pollDelayMs(poll: number, initialMs: number, maxMs: number, random: number): number {
  const baseMs = Math.min(maxMs, initialMs * 2 ** Math.max(0, poll));
  return Math.round(baseMs / 2 + (baseMs / 2) * Math.min(Math.max(random, 0), 1));
}
