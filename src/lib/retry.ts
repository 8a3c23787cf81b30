/**
 * Bounded retries with full jitter for the delivery adapters (SNS, Slack). The loop only
 * retries; what a failure means is decided by the caller's pure classify function, and waiting
 * goes through an injected sleep so tests measure the waits instead of the wall clock.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Three tries over about a second and a half: enough for a throttle burst, short for a Lambda. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What to do after a failed attempt. `afterMs` is a wait the other side asked for (Retry-After). */
export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly afterMs?: number };

/** Full jitter (AWS architecture blog): a random wait up to an exponentially growing cap. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly sleep: Sleep;
  readonly random?: () => number;
  /** Decides from the error whether another attempt can help. */
  readonly classify: (error: unknown) => RetryDecision;
}

/** Runs `attempt` until it succeeds, the error is final, or the attempts are used up (then rethrows). */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry || n >= options.policy.maxAttempts) throw error;
      await options.sleep(decision.afterMs ?? backoffDelayMs(n, options.policy, options.random));
    }
  }
}
