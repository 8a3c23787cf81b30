import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isThrottling, pollDelayMs, withRetries, withThrottleRetry } from '../../src/lib/retry.js';

describe('backoff', () => {
  const policy = { baseDelayMs: 1_000, maxDelayMs: 20_000 };

  it('when retries go on, the jitter cap doubles up to the maximum and the wait stays within it', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((retry) => backoffDelayMs(retry, policy, 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
    expect(backoffDelayMs(3, policy, 0)).toBe(0);
    expect(backoffDelayMs(3, policy, 0.5)).toBe(4_000);
  });

  it('when polling, the wait grows from the initial to the maximum and never drops below half of it', () => {
    expect([0, 1, 2, 3, 4, 8].map((poll) => pollDelayMs(poll, 500, 5_000, 0))).toEqual([250, 500, 1_000, 2_000, 2_500, 2_500]);
    expect(pollDelayMs(8, 500, 5_000, 0.999_999)).toBe(5_000);
  });

  it('when AWS answers with a throttling error or HTTP 429, it is throttling; other errors are not', () => {
    const named = (name: string, status?: number) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(isThrottling(named('ThrottlingException'))).toBe(true);
    expect(isThrottling(named('TooManyRequestsException'))).toBe(true);
    expect(isThrottling(named('SomethingElse', 429))).toBe(true);
    expect(isThrottling(named('InvalidRequestException', 400))).toBe(false);
    expect(isThrottling('ThrottlingException')).toBe(false);
  });

  it('when the other side asks for a wait (Retry-After), that wait is used instead of the backoff', async () => {
    // Prepare
    const waits: number[] = [];
    let calls = 0;
    // Act
    const value = await withRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('busy');
        return 'done';
      },
      {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
        sleep: async (ms) => void waits.push(ms),
        random: () => 0.5,
        classify: () => ({ retry: true, afterMs: 2_000 }),
      },
    );
    // Assess
    expect(value).toBe('done');
    expect(waits).toEqual([2_000, 2_000]);
  });

  it('when the next wait would end after retryUntilMs, it throws the throttling error at once instead of waiting', async () => {
    // Prepare
    const waits: number[] = [];
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    let calls = 0;
    let clockMs = 10_000;
    const timing = { now: () => clockMs, sleep: async (ms: number) => void (waits.push(ms), (clockMs += ms)), random: () => 0.999_999 };
    // Act
    const outcome = withThrottleRetry(
      async () => {
        calls += 1;
        throw throttled;
      },
      { policy: { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 20_000 }, timing, retryUntilMs: 12_500 },
    );
    // Assess
    await expect(outcome).rejects.toBe(throttled);
    expect(waits).toEqual([1_000]);
    expect(calls).toBe(2);
  });
});
